using System.Globalization;
using Hl7.Fhir.Model;
using Leap.Server.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Leap.Server.Fhir;

/// <summary>
/// A FHIR search request: the parameters a resource declares (others are a 400, so a typo never widens a search),
/// <c>_count</c> (1-100, default 20) and <c>_offset</c> for paging, turned into the REST API's <see cref="ListQuery"/>.
/// </summary>
public sealed class FhirSearch
{
    public const string Count = "_count";
    public const string Offset = "_offset";

    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);
    private readonly List<FieldError> invalid = [];

    /// <summary>Collects the problems of an operation's parameters (which come in a Parameters resource as often as in the query).</summary>
    public FhirSearch()
    {
    }

    public FhirSearch(HttpRequest request, params string[] accepted)
    {
        var unknown = request.Query.Keys.Where(k => k != Count && k != Offset && !accepted.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw ApiException.BadRequest(
                $"Unknown search parameter '{unknown[0]}'. This search supports: {string.Join(", ", accepted.Append(Count).Append(Offset))} (see GET /fhir/r4/metadata).",
                unknown.Select(u => new FieldError(u, "is not a supported search parameter")).ToList());
        }
        foreach (var (name, raw) in request.Query)
        {
            var list = raw.Select(v => v ?? "").ToList();
            if (list.Any(v => v.Length > 1000 || v.Any(char.IsControl)))
            {
                invalid.Add(new FieldError(name, "must be at most 1000 characters, without control characters"));
                continue;
            }
            values[name] = list;
        }
        Query.Limit = PagingNumber(Count, 1, ListSpec.MaxLimit) ?? ListSpec.DefaultLimit;
        Query.Offset = PagingNumber(Offset, 0, int.MaxValue) ?? 0;
    }

    public ListQuery Query { get; } = new();

    public void Fail(string name, string message) => invalid.Add(new FieldError(name, message));

    public void ThrowIfInvalid()
    {
        if (invalid.Count > 0)
        {
            throw ApiException.Validation(invalid);
        }
    }

    /// <summary>The parameter's one value (given twice: 422), or null.</summary>
    public string? Single(string name)
    {
        if (!values.TryGetValue(name, out var list))
        {
            return null;
        }
        if (list.Count > 1)
        {
            Fail(name, "must be given once");
            return null;
        }
        return list[0].Trim();
    }

    public IReadOnlyList<string> All(string name) => values.TryGetValue(name, out var list) ? list : [];

    /// <summary>A reference parameter (<c>Patient/pat-…</c> or the bare id) as a Leap id; 422 when it is not one of ours.</summary>
    public string? Reference(string name, string resourceType, string prefix)
    {
        var raw = Single(name);
        if (raw is null)
        {
            return null;
        }
        var id = FhirIds.FromReference(raw, resourceType, prefix);
        if (id is null || !Ids.IsWellFormed(id, prefix))
        {
            Fail(name, $"must reference a {resourceType} ({resourceType}/{prefix[..^1]}-…)");
            return null;
        }
        return id;
    }

    /// <summary>
    /// A date parameter, possibly repeated, each value with an optional prefix (eq, ge, gt, le, lt) and a date or an
    /// instant: a date stands for its whole UTC day, so <c>eq2026-06-08</c> is that day and <c>le2026-06-08</c> includes it.
    /// </summary>
    public void DateRange(string name, string column)
    {
        foreach (var raw in All(name))
        {
            var prefix = raw.Length > 2 && char.IsLetter(raw[0]) ? raw[..2] : "eq";
            var text = raw.Length > 2 && char.IsLetter(raw[0]) ? raw[2..] : raw;
            DateTimeOffset from, to;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                to = from.AddDays(1);
            }
            else if (BodyReader.TryParseTimestamp(text, out var instant))
            {
                (from, to) = (instant, instant.AddTicks(1));
            }
            else
            {
                Fail(name, "must be a date (YYYY-MM-DD) or an instant with offset, after an optional prefix eq, ge, gt, le or lt");
                continue;
            }
            switch (prefix)
            {
                case "eq":
                    Query.AddCondition($"{column} >= {Query.Bind(from)}");
                    Query.AddCondition($"{column} < {Query.Bind(to)}");
                    break;
                case "ge":
                    Query.AddCondition($"{column} >= {Query.Bind(from)}");
                    break;
                case "gt":
                    Query.AddCondition($"{column} >= {Query.Bind(to)}");
                    break;
                case "le":
                    Query.AddCondition($"{column} < {Query.Bind(to)}");
                    break;
                case "lt":
                    Query.AddCondition($"{column} < {Query.Bind(from)}");
                    break;
                default:
                    Fail(name, $"prefix '{prefix}' is not supported (eq, ge, gt, le, lt)");
                    break;
            }
        }
    }

    /// <summary>A token parameter that must be true or false.</summary>
    public bool? Boolean(string name)
    {
        var raw = Single(name);
        if (raw is null or "true" or "false")
        {
            return raw is null ? null : raw == "true";
        }
        Fail(name, "must be true or false");
        return null;
    }

    private int? PagingNumber(string name, int min, int max)
    {
        var raw = Single(name);
        if (raw is null)
        {
            return null;
        }
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
        {
            return number;
        }
        Fail(name, max == int.MaxValue ? "must be a whole number, 0 or more" : $"must be a whole number from {min} to {max}");
        return null;
    }

    /// <summary>
    /// A searchset Bundle of one page: <c>self</c>, and <c>next</c>/<c>previous</c> links that repeat the search with
    /// another <c>_offset</c>. No total, as the REST API counts nothing.
    /// </summary>
    public static Bundle Page<T>(HttpRequest request, Page<T> page, Func<T, Resource> map)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        var baseUrl = FhirApi.BaseUrl(request);
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = PageUrl(request, page.Offset, page.Limit) });
        if (page.HasMore)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = PageUrl(request, page.Offset + page.Items.Count, page.Limit) });
        }
        if (page.Offset > 0)
        {
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = PageUrl(request, Math.Max(0, page.Offset - page.Limit), page.Limit) });
        }
        foreach (var item in page.Items)
        {
            var resource = map(item);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = FullUrl(baseUrl, resource),
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        return bundle;
    }

    /// <summary>
    /// An entry's fullUrl (FHIR requires one in a searchset): where the resource is read, or for what has no id of its
    /// own (a free slot, a proposal) a fresh <c>urn:uuid</c>.
    /// </summary>
    public static string FullUrl(string baseUrl, Resource resource) =>
        resource.Id is null ? NewUrn() : $"{baseUrl}/{resource.TypeName}/{resource.Id}";

    public static string NewUrn() => $"urn:uuid:{Guid.NewGuid()}";

    private static string PageUrl(HttpRequest request, int offset, int count)
    {
        var query = request.Query
            .Where(p => p.Key != Count && p.Key != Offset)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>(Count, count.ToString(CultureInfo.InvariantCulture)))
            .Append(new KeyValuePair<string, string?>(Offset, offset.ToString(CultureInfo.InvariantCulture)));
        return QueryHelpers.AddQueryString($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}", query);
    }
}
