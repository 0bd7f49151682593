namespace Leap.Server.Http;

/// <summary>
/// The <c>search</c> parameter of small directories (clinicians, locations): case-insensitive substring
/// matching where every whitespace-separated term must match. Directories hold tens of rows per
/// organisation, so a scan of the tenant's rows is cheaper than keeping an index (patients have one).
/// </summary>
public static class TextSearch
{
    private const int MaxTerms = 8;

    /// <summary>
    /// <c>" AND (...) AND (...)"</c>, one group per term, each built by <paramref name="termCondition"/> from the
    /// placeholder of a lower-case <c>%term%</c> pattern; LIKE wildcards in the term are escaped with a backslash,
    /// so conditions must say <c>ESCAPE ''</c>.
    /// </summary>
    public static string Condition(ListQuery query, Func<string, string> termCondition)
    {
        if (!query.Raw.TryGetValue("search", out var search))
        {
            return "";
        }
        var terms = search.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(MaxTerms);
        return string.Concat(terms.Select(term => " AND " + termCondition(query.Bind("%" + Escape(term) + "%"))));
    }

    private static string Escape(string term) => term.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
