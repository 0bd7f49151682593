using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Leap.Client;

/// <summary>
/// A patient's custom fields as read (<see cref="Patient.CustomFields"/>): each a string, number or boolean by key.
/// Compared by value, so a patient read twice is equal to itself.
/// </summary>
[JsonConverter(typeof(PatientCustomFieldsConverter))]
public sealed class PatientCustomFields(IReadOnlyDictionary<string, JsonElement> fields) : IReadOnlyDictionary<string, JsonElement>, IEquatable<PatientCustomFields>
{
    /// <summary>No fields.</summary>
    public static readonly PatientCustomFields Empty = new(new Dictionary<string, JsonElement>());

    /// <inheritdoc/>
    public JsonElement this[string key] => fields[key];
    /// <inheritdoc/>
    public IEnumerable<string> Keys => fields.Keys;
    /// <inheritdoc/>
    public IEnumerable<JsonElement> Values => fields.Values;
    /// <inheritdoc/>
    public int Count => fields.Count;
    /// <inheritdoc/>
    public bool ContainsKey(string key) => fields.ContainsKey(key);
    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value) => fields.TryGetValue(key, out value);
    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => fields.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The same keys with equal JSON values.</summary>
    public bool Equals(PatientCustomFields? other) =>
        other is not null && Count == other.Count && fields.All(f => other.TryGetValue(f.Key, out var value) && JsonElement.DeepEquals(f.Value, value));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PatientCustomFields);

    /// <inheritdoc/>
    public override int GetHashCode() => Count;
}

internal sealed class PatientCustomFieldsConverter : JsonConverter<PatientCustomFields>
{
    public override PatientCustomFields Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new(document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
    }

    public override void Write(Utf8JsonWriter writer, PatientCustomFields value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, field) in value)
        {
            writer.WritePropertyName(key);
            field.WriteTo(writer);
        }
        writer.WriteEndObject();
    }
}
