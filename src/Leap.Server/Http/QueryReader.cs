using System.Globalization;

namespace Leap.Server.Http;

/// <summary>
/// Reads the query parameters of an endpoint that is not a list (availability): like <see cref="ListSpec"/>,
/// an unknown parameter is a 400 naming it and the accepted ones, and every bad value is collected into one 422.
/// </summary>
public sealed class QueryReader
{
    private readonly List<FieldError> errors = [];

    public QueryReader(HttpRequest request, params string[] accepted)
    {
        Request = request;
        var unknown = request.Query.Keys.Where(name => !accepted.Contains(name)).Select(name => new FieldError(name, "is not a parameter of this endpoint")).ToList();
        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest($"Unknown query parameter '{unknown[0].Field}'. This endpoint accepts: {string.Join(", ", accepted)}.", unknown);
        }
    }

    public HttpRequest Request { get; }

    public bool? Bool(string name)
    {
        var text = String(name, required: false);
        if (text is null or "true" or "false")
        {
            return text is null ? null : text == "true";
        }
        Fail(name, "must be true or false");
        return null;
    }

    public void Fail(string field, string message) => errors.Add(new FieldError(field, message));

    public bool HasErrors(params string[] fields) => errors.Any(e => fields.Contains(e.Field));

    public void ThrowIfInvalid()
    {
        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }
    }

    public string? String(string name, bool required)
    {
        var values = Request.Query[name];
        if (values.Count == 0 || string.IsNullOrWhiteSpace(values[0]))
        {
            if (required)
            {
                Fail(name, "is required");
            }
            return null;
        }
        if (values.Count > 1)
        {
            Fail(name, "must be given once");
            return null;
        }
        return values[0]!.Trim();
    }

    public DateOnly? Date(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null)
        {
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Fail(name, "must be a date in the form YYYY-MM-DD");
            return null;
        }
        return date;
    }

    public int? Int(string name, int min, int max)
    {
        var text = String(name, required: false);
        if (text is null)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Fail(name, $"must be a whole number from {min} to {max}");
            return null;
        }
        return value;
    }

    public string? Id(string name, string prefix, bool required = false)
    {
        var text = String(name, required) is { } given ? Ids.WithPrefix(given, prefix) : null;
        if (text is not null && !Ids.IsWellFormed(text, prefix))
        {
            Fail(name, $"must be an id starting with '{prefix}'");
            return null;
        }
        return text;
    }
}
