using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// The body of a partial update (PATCH). Only the properties you set are sent: set one to a value to change
/// it, set it to <c>null</c> to clear it, leave it unset to keep it as it is.
/// <code>
/// new PatientUpdate { Email = "new@example.com", MobilePhone = null }   // sends {"email": "...", "mobile_phone": null}
/// </code>
/// </summary>
public abstract partial class PatchBody
{
    private readonly OrderedDictionary<string, object?> fields = new(StringComparer.Ordinal);

    /// <summary>The JSON names of the fields that will be sent, in the order they were set.</summary>
    public IReadOnlyCollection<string> FieldNames => fields.Keys;

    /// <summary>The value set for a property, or default when it was not set.</summary>
    protected T? Get<T>([CallerMemberName] string property = "") =>
        fields.TryGetValue(JsonName(property), out var value) && value is T typed ? typed : default;

    /// <summary>Records a property's new value (null clears the field on the server).</summary>
    protected void Set(object? value, [CallerMemberName] string property = "") => fields[JsonName(property)] = value;

    /// <param name="extra">Fields the endpoint takes besides the record's (e.g. <c>force</c>), written after the ones set.</param>
    internal byte[] ToJson(IEnumerable<KeyValuePair<string, object?>>? extra = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in extra is null ? fields : fields.Concat(extra))
            {
                writer.WritePropertyName(name);
                switch (value)
                {
                    case null:
                        writer.WriteNullValue();
                        break;
                    case string text:
                        writer.WriteStringValue(text);
                        break;
                    case bool flag:
                        writer.WriteBooleanValue(flag);
                        break;
                    case int number:
                        writer.WriteNumberValue(number);
                        break;
                    case DateOnly date:
                        writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                        break;
                    case DateTimeOffset instant:
                        writer.WriteStringValue(UtcTimestampConverter.Format(instant));
                        break;
                    case IEnumerable<string> list:
                        writer.WriteStartArray();
                        foreach (var item in list)
                        {
                            writer.WriteStringValue(item);
                        }
                        writer.WriteEndArray();
                        break;
                    case JsonElement element:
                        element.WriteTo(writer);
                        break;
                    case JsonNode node:
                        node.WriteTo(writer);
                        break;
                    // A nested object (e.g. a pathway rule's conditions): any type registered in LeapJsonContext.
                    case var nested when LeapJsonContext.Default.GetTypeInfo(nested.GetType()) is { } nestedType:
                        JsonSerializer.Serialize(writer, nested, nestedType);
                        break;
                    default:
                        throw new NotSupportedException($"{GetType().Name}.{name} has a type PatchBody cannot write: {value.GetType()}.");
                }
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>PascalCase property to the API's snake_case, with a digit as its own word (AddressLine1 → address_line_1).</summary>
    private static string JsonName(string property) =>
        LetterThenDigit().Replace(JsonNamingPolicy.SnakeCaseLower.ConvertName(property), "$1_$2");

    [GeneratedRegex("([a-z])([0-9])")]
    private static partial Regex LetterThenDigit();
}
