using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Leap.Server.Http;

namespace Leap.Server.Patients;

/// <summary>
/// A patient's <c>custom_fields</c> (Jump's first generation): an object of the organisation's own fields, each a
/// string, number or boolean. Limits as Stripe's metadata: at most <see cref="MaxKeys"/> keys of up to
/// <see cref="MaxKeyLength"/> characters, values of up to <see cref="MaxValueLength"/>. A write merges the object
/// sent into the stored one (RFC 7396, JSON Merge Patch): a key sent replaces its value, a key sent as null is
/// removed, and <c>"custom_fields": null</c> clears them all. Stored as JSON text with the keys in ordinal order,
/// so equal fields are equal text and the answer writes the text as it is.
/// </summary>
public static class PatientCustomFields
{
    public const string Field = "custom_fields";
    public const string Empty = "{}";
    public const int MaxKeys = 50;
    public const int MaxKeyLength = 40;
    public const int MaxValueLength = 500;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The fields after this body's <c>custom_fields</c> (if sent) is merged into <paramref name="current"/>.</summary>
    public static string Apply(BodyReader r, string current)
    {
        if (!r.Has(Field))
        {
            return current;
        }
        var sent = r.Object(Field);
        if (sent is null)
        {
            return r.Failed(Field) ? current : Empty;
        }
        var fields = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        using var stored = JsonDocument.Parse(current);
        foreach (var property in stored.RootElement.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }
        var failed = false;
        foreach (var key in sent.Fields.Distinct())
        {
            var problem = Problem(key, sent.Raw(key));
            if (problem is not null)
            {
                sent.Fail(key, problem);
                failed = true;
            }
            else if (sent.Raw(key) is { } value)
            {
                fields[key] = value;
            }
            else
            {
                fields.Remove(key);
            }
        }
        if (fields.Count > MaxKeys)
        {
            r.Fail(Field, $"must have at most {MaxKeys} keys (it would have {fields.Count}); send a key as null to remove it");
            failed = true;
        }
        return failed ? current : Write(fields);
    }

    private static string? Problem(string key, JsonElement? value)
    {
        if (key.Length is 0 or > MaxKeyLength)
        {
            return $"keys must be 1 to {MaxKeyLength} characters";
        }
        return value switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } text when text.GetString()!.Length > MaxValueLength => $"must be at most {MaxValueLength} characters",
            { ValueKind: JsonValueKind.Number } number when number.GetRawText().Length > MaxValueLength => $"must be at most {MaxValueLength} characters",
            { ValueKind: JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } => null,
            _ => "must be a string, number or boolean (or null to remove the field)",
        };
    }

    private static string Write(SortedDictionary<string, JsonElement> fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in fields)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
