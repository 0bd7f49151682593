using System.Globalization;
using Leap.Server.Storage;

namespace Leap.Server.Http;

/// <summary>One page of a list: offset pagination with no total count, as in the Jump docs.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, int Offset, bool HasMore);

/// <summary>
/// Declares which query parameters a list endpoint accepts and how each maps to a column, then parses a
/// request into SQL conditions. Plain names match exactly; <c>_in</c> takes a comma-separated set;
/// <c>_gte</c>/<c>_lte</c> bound a range. Unknown parameters are a 400 so a typo never silently widens a
/// query; bad values are a 422 naming each parameter.
/// </summary>
public sealed class ListSpec
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    private const int MaxInValues = 100;

    private readonly Dictionary<string, Func<string, ListQuery, string?>> parameters = new(StringComparer.Ordinal);

    /// <summary><c>?{param}=value</c> matches <paramref name="column"/> exactly; <paramref name="allowed"/> restricts values.</summary>
    public ListSpec Exact(string param, string column, IReadOnlyCollection<string>? allowed = null)
    {
        parameters[param] = (raw, query) =>
        {
            if (allowed is not null && !allowed.Contains(raw))
            {
                return $"must be one of: {string.Join(", ", allowed)}";
            }
            query.AddCondition($"{column} = {query.Bind(raw)}");
            return null;
        };
        return this;
    }

    /// <summary><c>?{param}=id</c> matches an id column; a bare UUID reads as the prefixed id (<see cref="Ids.WithPrefix"/>).</summary>
    public ListSpec Id(string param, string column, string prefix)
    {
        parameters[param] = (raw, query) =>
        {
            query.AddCondition($"{column} = {query.Bind(Ids.WithPrefix(raw, prefix))}");
            return null;
        };
        return this;
    }

    /// <summary><c>?{param}=YYYY-MM-DD</c> matches a date column.</summary>
    public ListSpec Date(string param, string column)
    {
        parameters[param] = (raw, query) =>
        {
            if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return "must be a date in the form YYYY-MM-DD";
            }
            query.AddCondition($"{column} = {query.Bind(date)}");
            return null;
        };
        return this;
    }

    /// <summary><c>?{param}=a,b</c> matches any of the listed values of <paramref name="column"/>.</summary>
    public ListSpec In(string param, string column, IReadOnlyCollection<string>? allowed = null)
    {
        parameters[param] = (raw, query) =>
        {
            var values = raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
            if (values.Count == 0 || values.Count > MaxInValues)
            {
                return $"must be a comma-separated list of 1 to {MaxInValues} values";
            }
            if (allowed is not null && values.FirstOrDefault(v => !allowed.Contains(v)) is { } bad)
            {
                return $"'{bad}' is not one of: {string.Join(", ", allowed)}";
            }
            query.AddCondition($"{column} IN ({string.Join(", ", values.Select(query.Bind))})");
            return null;
        };
        return this;
    }

    /// <summary>Both <c>{param}</c> and <c>{param}_in</c> for a column with a fixed set of values.</summary>
    public ListSpec ExactOrIn(string param, string column, IReadOnlyCollection<string> allowed) =>
        Exact(param, column, allowed).In(param + "_in", column, allowed);

    public ListSpec Bool(string param, string column)
    {
        parameters[param] = (raw, query) =>
        {
            if (raw is not ("true" or "false"))
            {
                return "must be true or false";
            }
            query.AddCondition($"{column} = {query.Bind(raw == "true")}");
            return null;
        };
        return this;
    }

    /// <summary>
    /// <c>{name}_gte</c> and <c>{name}_lte</c> over an instant column. Values are ISO 8601 date-times or plain
    /// dates; a plain date means the whole UTC day, so <c>_lte=2026-03-25</c> includes all of the 25th.
    /// </summary>
    public ListSpec TimeRange(string name, string column)
    {
        parameters[name + "_gte"] = (raw, query) => Bound(raw, query, column, lower: true);
        parameters[name + "_lte"] = (raw, query) => Bound(raw, query, column, lower: false);
        return this;
    }

    /// <summary><c>{name}_gte</c> and <c>{name}_lte</c> over a date column (YYYY-MM-DD), both bounds inclusive.</summary>
    public ListSpec DateRange(string name, string column)
    {
        parameters[name + "_gte"] = (raw, query) => DateBound(raw, query, column, ">=");
        parameters[name + "_lte"] = (raw, query) => DateBound(raw, query, column, "<=");
        return this;
    }

    /// <summary>
    /// <c>?{param}=text</c>: case-insensitive substring match on any of <paramref name="columns"/>. <c>%</c> and
    /// <c>_</c> are literal. For short text columns of small lists; patients have their own indexed search.
    /// </summary>
    public ListSpec Contains(string param, params string[] columns)
    {
        parameters[param] = (raw, query) =>
        {
            var text = raw.Trim().ToLowerInvariant();
            if (text.Length == 0)
            {
                return null;
            }
            var pattern = query.Bind($"%{EscapeLike(text)}%");
            query.AddCondition("(" + string.Join(" OR ", columns.Select(c => $"lower({c}) LIKE {pattern} ESCAPE '\\'")) + ")");
            return null;
        };
        return this;
    }

    /// <summary>Makes LIKE wildcards in user text literal; use with <c>ESCAPE '\'</c>.</summary>
    public static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>A parameter the endpoint interprets itself (free-text search, for example).</summary>
    public ListSpec Custom(string param)
    {
        parameters[param] = (_, _) => null;
        return this;
    }

    public ListQuery Parse(HttpRequest request)
    {
        var query = new ListQuery();
        var unknown = new List<FieldError>();
        var invalid = new List<FieldError>();
        foreach (var (name, values) in request.Query)
        {
            if (values.Count != 1)
            {
                invalid.Add(new FieldError(name, "must be given once"));
                continue;
            }
            var raw = values[0] ?? "";
            switch (name)
            {
                case "limit":
                    if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= MaxLimit)
                    {
                        query.Limit = limit;
                    }
                    else
                    {
                        invalid.Add(new FieldError(name, $"must be a whole number from 1 to {MaxLimit}"));
                    }
                    break;
                case "offset":
                    if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset >= 0)
                    {
                        query.Offset = offset;
                    }
                    else
                    {
                        invalid.Add(new FieldError(name, "must be a whole number, 0 or more"));
                    }
                    break;
                default:
                    if (!parameters.TryGetValue(name, out var apply))
                    {
                        unknown.Add(new FieldError(name, "is not a parameter of this endpoint"));
                    }
                    else if (raw.Length > 1000)
                    {
                        invalid.Add(new FieldError(name, "must be at most 1000 characters"));
                    }
                    else if (raw.Any(char.IsControl))
                    {
                        invalid.Add(new FieldError(name, "must not contain control characters"));
                    }
                    else if (apply(raw, query) is { } problem)
                    {
                        invalid.Add(new FieldError(name, problem));
                    }
                    else
                    {
                        query.Raw[name] = raw;
                    }
                    break;
            }
        }
        if (unknown.Count > 0)
        {
            var known = string.Join(", ", new[] { "limit", "offset" }.Concat(parameters.Keys));
            throw ApiException.BadRequest($"Unknown query parameter '{unknown[0].Field}'. This endpoint accepts: {known}.", unknown);
        }
        if (invalid.Count > 0)
        {
            throw ApiException.Validation(invalid);
        }
        return query;
    }

    private static string? DateBound(string raw, ListQuery query, string column, string op)
    {
        if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return "must be a date (YYYY-MM-DD)";
        }
        query.AddCondition($"{column} {op} {query.Bind(day)}");
        return null;
    }

    private static string? Bound(string raw, ListQuery query, string column, bool lower)
    {
        DateTimeOffset bound;
        string op;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            (bound, op) = lower ? (start, ">=") : (start.AddDays(1), "<");
        }
        else if (BodyReader.TryParseTimestamp(raw, out var instant))
        {
            (bound, op) = (instant, lower ? ">=" : "<=");
        }
        else
        {
            return "must be a date (YYYY-MM-DD) or an ISO 8601 date-time with offset";
        }
        query.AddCondition($"{column} {op} {query.Bind(bound)}");
        return null;
    }
}

/// <summary>A parsed list request: paging plus SQL conditions whose values are all bound parameters.</summary>
public sealed class ListQuery
{
    private readonly List<string> conditions = [];
    private readonly SqlArgs parameters = new();

    public int Limit { get; set; } = ListSpec.DefaultLimit;
    public int Offset { get; set; }

    /// <summary>The accepted raw values by parameter name, for endpoint-specific (custom) parameters.</summary>
    public Dictionary<string, string> Raw { get; } = new(StringComparer.Ordinal);

    /// <summary><c>" AND cond1 AND cond2"</c>, or empty: appended to a WHERE clause.</summary>
    public string Where => conditions.Count == 0 ? "" : " AND " + string.Join(" AND ", conditions);

    public void AddCondition(string sql) => conditions.Add(sql);

    /// <summary>Adds a parameter and returns its placeholder.</summary>
    public string Bind(object value)
    {
        var name = "@f" + parameters.ParameterNames.Count().ToString(CultureInfo.InvariantCulture);
        parameters.Add(name[1..], value);
        return name;
    }

    /// <summary>
    /// The bound values plus paging (the tenant session adds the tenant); asks for one row more than the page so
    /// <see cref="ToPage{T}"/> can tell whether another page exists without counting.
    /// </summary>
    public SqlArgs Parameters()
    {
        parameters.Add("Limit", Limit + 1);
        parameters.Add("Offset", Offset);
        return parameters;
    }

    public Page<T> ToPage<T>(IReadOnlyList<T> rows) =>
        rows.Count > Limit
            ? new Page<T>(rows.Take(Limit).ToList(), Limit, Offset, HasMore: true)
            : new Page<T>(rows, Limit, Offset, HasMore: false);
}
