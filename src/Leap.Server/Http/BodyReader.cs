using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Leap.Server.Http;

/// <summary>
/// Reads and validates the fields of a JSON request object, collecting every problem (named as the client
/// sent it) so one 422 reports them all. Absent and null read as null; <see cref="Has"/> tells them apart
/// for partial updates. Unknown fields are ignored.
/// <para>
/// The code that reads a body is also its only declaration: run on a reader made by <see cref="Describing"/>, every
/// field it reads (with its type and limits) is recorded instead of read, and the API document describes the body
/// from that record (see <see cref="RequestShapes"/>), so the documented shape cannot drift from the validated one.
/// </para>
/// </summary>
public sealed partial class BodyReader
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private readonly JsonElement root;
    private readonly string fieldPrefix;
    private readonly List<FieldError> errors;
    private readonly BodyShape? shape;

    public BodyReader(JsonElement root) : this(root, "", [], null)
    {
    }

    private BodyReader(JsonElement root, string prefix, List<FieldError> errors, BodyShape? shape)
    {
        this.root = root;
        fieldPrefix = prefix;
        this.errors = errors;
        this.shape = shape;
    }

    /// <summary>
    /// A reader that records what is read into <paramref name="shape"/>: every field counts as present, reads return
    /// a plausible value, and problems are not collected.
    /// </summary>
    public static BodyReader Describing(BodyShape shape) => new(EmptyObject, "", [], shape);

    public IReadOnlyList<FieldError> Errors => errors;

    public bool Has(string field)
    {
        if (shape is not null)
        {
            shape.Asked(field);
            return true;
        }
        return root.TryGetProperty(field, out _);
    }

    /// <summary>The member names of this object, as sent.</summary>
    public IEnumerable<string> Fields => root.EnumerateObject().Select(p => p.Name);

    /// <summary>Records a problem with a field, named as the client sent it (nested fields as <c>outer.inner</c>).</summary>
    public void Fail(string field, string message)
    {
        if (shape is null)
        {
            errors.Add(new FieldError(fieldPrefix + field, message));
        }
    }

    /// <summary>When describing: records the field and returns true, so the read returns its sample instead.</summary>
    private bool Describe(string field, BodyShape.Field spec)
    {
        shape?.Add(field, spec);
        return shape is not null;
    }

    /// <summary>True when this reader (or a nested reader of it) recorded a problem with <paramref name="field"/>.</summary>
    public bool Failed(string field) => errors.Any(e => e.Field == fieldPrefix + field);

    /// <summary>
    /// A nested JSON object, read with its own fields reported as <c>field.member</c> among this reader's errors;
    /// null when absent or null.
    /// </summary>
    public BodyReader? Object(string field, bool required = false)
    {
        if (shape is not null)
        {
            var members = new BodyShape();
            shape.Add(field, new BodyShape.Field("object", Required: required, Members: members));
            return new BodyReader(EmptyObject, fieldPrefix + field + ".", errors, members);
        }
        return TryGet(field, required, JsonValueKind.Object, "an object", out var value) ? new BodyReader(value, fieldPrefix + field + ".", errors, null) : null;
    }

    /// <summary>
    /// An array of JSON objects, each read with its own fields reported as <c>field[i].member</c> among this reader's
    /// errors; null when absent or null, or when the array or an item is not of that shape.
    /// </summary>
    public IReadOnlyList<BodyReader>? Objects(string field, int maxItems, bool required = false)
    {
        if (shape is not null)
        {
            var members = new BodyShape();
            shape.Add(field, new BodyShape.Field("array", Required: required, MaxItems: maxItems, Members: members));
            return [new BodyReader(EmptyObject, fieldPrefix + field + "[0].", errors, members)];
        }
        if (!TryGet(field, required, JsonValueKind.Array, "an array of objects", out var value))
        {
            return null;
        }
        if (value.GetArrayLength() > maxItems)
        {
            Fail(field, $"must have at most {maxItems} items");
            return null;
        }
        var items = value.EnumerateArray().ToList();
        if (items.FindIndex(item => item.ValueKind != JsonValueKind.Object) is var bad and >= 0)
        {
            Fail($"{field}[{bad}]", $"must be an object, not {JsonBody.Describe(items[bad].ValueKind)}");
            return null;
        }
        return items.Select((item, i) => new BodyReader(item, $"{fieldPrefix}{field}[{i}].", errors, null)).ToList();
    }

    /// <summary>The raw JSON value of a field, for structures validated elsewhere; null when absent or null.</summary>
    public JsonElement? Raw(string field)
    {
        if (Describe(field, new BodyShape.Field("any")))
        {
            return EmptyObject;
        }
        return root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public void ThrowIfInvalid()
    {
        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }
    }

    public string? String(string field, int maxLength = 255, bool required = false, bool multiline = false)
    {
        if (Describe(field, new BodyShape.Field("string", MaxLength: maxLength, Required: required)))
        {
            return "text";
        }
        if (!TryGet(field, required, JsonValueKind.String, "a string", out var value))
        {
            return null;
        }
        var text = value.GetString()!.Trim();
        if (text.Length == 0)
        {
            if (required)
            {
                Fail(field, "must not be empty");
            }
            return null;
        }
        if (text.Length > maxLength)
        {
            Fail(field, $"must be at most {maxLength} characters");
            return null;
        }
        if (text.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            Fail(field, "must not contain control characters");
            return null;
        }
        return text;
    }

    public string? Enum(string field, IReadOnlyCollection<string> allowed, bool required = false)
    {
        if (Describe(field, new BodyShape.Field("string", Required: required, Values: allowed)))
        {
            return allowed.First();
        }
        var value = String(field, 64, required);
        if (value is not null && !allowed.Contains(value))
        {
            Fail(field, $"must be one of: {string.Join(", ", allowed)}");
            return null;
        }
        return value;
    }

    public int? Int(string field, int min, int max, bool required = false)
    {
        if (Describe(field, new BodyShape.Field("integer", Required: required, Minimum: min, Maximum: max)))
        {
            return min;
        }
        if (!TryGet(field, required, JsonValueKind.Number, "an integer", out var value))
        {
            return null;
        }
        if (!value.TryGetInt64(out var number) || number < min || number > max)
        {
            Fail(field, $"must be a whole number from {min} to {max}");
            return null;
        }
        return (int)number;
    }

    public double? Number(string field, double min, double max)
    {
        if (Describe(field, new BodyShape.Field("number", Minimum: (long)min, Maximum: (long)max)))
        {
            return min;
        }
        if (!TryGet(field, false, JsonValueKind.Number, "a number", out var value))
        {
            return null;
        }
        if (!value.TryGetDouble(out var number) || number < min || number > max)
        {
            Fail(field, $"must be a number from {min} to {max}");
            return null;
        }
        return number;
    }

    public bool? Bool(string field, bool required = false)
    {
        if (Describe(field, new BodyShape.Field("boolean", Required: required)))
        {
            return false;
        }
        if (!Has(field) || root.GetProperty(field).ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, "is required");
            }
            return null;
        }
        var value = root.GetProperty(field);
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Fail(field, $"must be true or false, not {JsonBody.Describe(value.ValueKind)}");
            return null;
        }
        return value.GetBoolean();
    }

    public DateOnly? Date(string field, bool required = false)
    {
        if (Describe(field, new BodyShape.Field("string", Format: "date", Required: required)))
        {
            return new DateOnly(2000, 1, 1);
        }
        var text = String(field, 10, required);
        if (text is null)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Fail(field, "must be a date in the form YYYY-MM-DD");
            return null;
        }
        return date;
    }

    /// <summary>An ISO 8601 date-time that states its offset (Z or ±HH:MM); returned in UTC, to the millisecond.</summary>
    public DateTimeOffset? Timestamp(string field, bool required = false)
    {
        if (Describe(field, new BodyShape.Field("string", Format: "date-time", Required: required)))
        {
            return new DateTimeOffset(2030, 1, 7, 9, 0, 0, TimeSpan.Zero);
        }
        var text = String(field, 40, required);
        if (text is null)
        {
            return null;
        }
        if (!TryParseTimestamp(text, out var instant))
        {
            Fail(field, "must be an ISO 8601 date-time with a UTC offset, e.g. 2026-03-02T09:30:00Z");
            return null;
        }
        return instant;
    }

    public static bool TryParseTimestamp(string text, out DateTimeOffset instant)
    {
        instant = default;
        if (!TimestampPattern().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        instant = Storage.TypeHandlers.Truncate(parsed.ToUniversalTime());
        return true;
    }

    public string? Email(string field)
    {
        if (Describe(field, new BodyShape.Field("string", Format: "email", MaxLength: 254)))
        {
            return "name@example.com";
        }
        var text = String(field, 254);
        if (text is not null && !EmailPattern().IsMatch(text))
        {
            Fail(field, "must be an email address such as name@example.com");
            return null;
        }
        return text;
    }

    public string? Phone(string field)
    {
        if (Describe(field, new BodyShape.Field("string", Format: "phone", MaxLength: 32)))
        {
            return "020 7946 0000";
        }
        var text = String(field, 32);
        if (text is null)
        {
            return null;
        }
        var digits = text.Count(char.IsAsciiDigit);
        if (!PhonePattern().IsMatch(text) || digits is < 7 or > 15)
        {
            Fail(field, "must be a phone number of 7 to 15 digits, optionally starting with + (spaces, dashes and brackets allowed)");
            return null;
        }
        return text;
    }

    /// <summary>A 10-digit NHS number with a valid modulus 11 check digit; spaces and dashes are removed.</summary>
    public string? NhsNumber(string field)
    {
        if (Describe(field, new BodyShape.Field("string", Format: "nhs-number", MaxLength: 16)))
        {
            return "9434765919";
        }
        var text = String(field, 16);
        if (text is null)
        {
            return null;
        }
        var digits = new string(text.Where(c => c is not (' ' or '-')).ToArray());
        if (!Patients.NhsNumbers.IsValid(digits))
        {
            Fail(field, "must be a valid 10-digit NHS number (its check digit does not match)");
            return null;
        }
        return digits;
    }

    public IReadOnlyList<string>? StringList(string field, int maxItems = 50, int maxLength = 100)
    {
        if (Describe(field, new BodyShape.Field("array", MaxLength: maxLength, MaxItems: maxItems)))
        {
            return [];
        }
        if (!TryGet(field, required: false, JsonValueKind.Array, "an array of strings", out var value))
        {
            return null;
        }
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
            if (text is null || text.Length == 0 || text.Length > maxLength || text.Any(char.IsControl))
            {
                Fail(field, $"must be an array of non-empty strings of at most {maxLength} characters");
                return null;
            }
            items.Add(text);
        }
        if (items.Count > maxItems)
        {
            Fail(field, $"must have at most {maxItems} items");
            return null;
        }
        return items;
    }

    /// <summary>
    /// For updates: the list sent in <paramref name="field"/> (null clears it), or <paramref name="current"/> when the
    /// field is absent or holds the same items, so an unchanged record still compares equal.
    /// </summary>
    public IReadOnlyList<string> StringList(string field, IReadOnlyList<string> current, int maxItems = 50, int maxLength = 100)
    {
        if (!Has(field))
        {
            return current;
        }
        var sent = StringList(field, maxItems, maxLength) ?? [];
        return sent.SequenceEqual(current) ? current : sent;
    }

    /// <summary>An id of one of our resources: the prefix tells a patient id from a template id at a glance.</summary>
    public string? Id(string field, string prefix, bool required = false)
    {
        if (Describe(field, new BodyShape.Field("string", Format: "id", Required: required, IdPrefix: prefix)))
        {
            return prefix + "01900000-0000-7000-8000-000000000000";
        }
        var text = String(field, 80, required) is { } given ? Leap.Server.Ids.WithPrefix(given, prefix) : null;
        if (text is not null && !Leap.Server.Ids.IsWellFormed(text, prefix))
        {
            Fail(field, $"must be an id starting with '{prefix}'");
            return null;
        }
        return text;
    }

    private bool TryGet(string field, bool required, JsonValueKind kind, string expected, out JsonElement value)
    {
        if (!root.TryGetProperty(field, out value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Fail(field, "is required");
            }
            return false;
        }
        if (value.ValueKind != kind)
        {
            Fail(field, $"must be {expected}, not {JsonBody.Describe(value.ValueKind)}");
            return false;
        }
        return true;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|z|[+-]\d{2}:\d{2})$")]
    private static partial Regex TimestampPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9 ()\-.]+$")]
    private static partial Regex PhonePattern();
}
