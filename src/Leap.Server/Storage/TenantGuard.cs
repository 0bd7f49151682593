using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Leap.Server.Storage;

/// <summary>
/// Refuses a statement that touches a tenant table (one with <c>org_id</c> and <c>mode</c>) without the tenant
/// rule: each reference to such a table must be filtered by <c>org_id = @OrgId AND mode = @Mode</c> (qualified by
/// its alias when the statement names several tenant tables), and an INSERT must write both columns. Statements
/// of a <see cref="CrossTenantDb"/> are marked and pass. On in the test suite (<c>Storage:TenantGuard=true</c>), so
/// every statement the suite runs is checked; each distinct statement text is examined once.
/// </summary>
public sealed partial class TenantGuard(IReadOnlySet<string> tenantTables)
{
    public const string CrossTenantMarker = "/* cross-tenant: ";

    private static readonly HashSet<string> NotAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        "where", "on", "set", "using", "left", "right", "inner", "outer", "cross", "join", "order", "group", "limit", "values",
        "union", "returning", "natural", "having", "for", "default", "select", "offset", "except", "intersect",
    };

    private readonly ConcurrentDictionary<string, string?> verdicts = new(StringComparer.Ordinal);
    private long statementsChecked;

    public IReadOnlySet<string> TenantTables => tenantTables;

    /// <summary>Statements checked so far (every execution counts).</summary>
    public long StatementsChecked => Interlocked.Read(ref statementsChecked);

    public void Check(string sql)
    {
        Interlocked.Increment(ref statementsChecked);
        if (verdicts.GetOrAdd(sql, Examine) is { } problem)
        {
            throw new InvalidOperationException($"Tenant rule missing: {problem}");
        }
    }

    /// <summary>What is wrong with <paramref name="sql"/>, or null when every tenant table in it is filtered by tenant.</summary>
    public string? Examine(string sql)
    {
        if (sql.StartsWith(CrossTenantMarker, StringComparison.Ordinal))
        {
            return null;
        }
        // Each statement, and each branch of a UNION, has its own FROM clause and so its own tenant rule.
        foreach (var statement in Scopes().Split(sql).Select(s => s.Trim()).Where(s => s.Length > 0))
        {
            var references = TableReference().Matches(statement)
                .Select(m => (Table: m.Groups["table"].Value.ToLowerInvariant(), Alias: Alias(m)))
                .Where(r => tenantTables.Contains(r.Table))
                .ToList();
            var insert = InsertTarget().Match(statement);
            foreach (var (table, alias) in references)
            {
                if (insert.Success && string.Equals(insert.Groups["table"].Value, table, StringComparison.OrdinalIgnoreCase) && alias is null)
                {
                    var columns = insert.Groups["columns"].Value;
                    if (!WordIn(columns, "org_id") || !WordIn(columns, "mode") || !statement.Contains("@OrgId", StringComparison.Ordinal)
                        || !statement.Contains("@Mode", StringComparison.Ordinal))
                    {
                        return $"INSERT INTO {table} does not write org_id = @OrgId and mode = @Mode: {statement}";
                    }
                    continue;
                }
                var qualifier = alias ?? table;
                var qualified = references.Count > 1;
                if (!Filters(statement, qualifier, "org_id", "@OrgId", qualified) || !Filters(statement, qualifier, "mode", "@Mode", qualified))
                {
                    var expected = qualified ? TenantSql.Of(qualifier) : TenantSql.Filter;
                    return $"{table}{(alias is null ? "" : " " + alias)} is not filtered by {expected}: {statement}";
                }
            }
        }
        return null;
    }

    private static string? Alias(Match match)
    {
        var alias = match.Groups["alias"];
        return alias.Success && !NotAliases.Contains(alias.Value) ? alias.Value : null;
    }

    private static bool Filters(string statement, string qualifier, string column, string parameter, bool qualified)
    {
        var prefix = qualified ? Regex.Escape(qualifier) + @"\." : $@"(?:{Regex.Escape(qualifier)}\.)?";
        return Regex.IsMatch(statement, $@"(?<![\w.]){prefix}{column}\s*=\s*{parameter}\b", RegexOptions.IgnoreCase);
    }

    private static bool WordIn(string text, string word) => Regex.IsMatch(text, $@"\b{word}\b", RegexOptions.IgnoreCase);

    [GeneratedRegex(@";|\bUNION(?:\s+ALL)?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Scopes();

    [GeneratedRegex(@"\b(?:FROM|JOIN|UPDATE|INTO)\s+(?<table>[A-Za-z_][A-Za-z0-9_]*)(?:\s+(?:AS\s+)?(?<alias>[A-Za-z_][A-Za-z0-9_]*))?", RegexOptions.IgnoreCase)]
    private static partial Regex TableReference();

    [GeneratedRegex(@"^\s*INSERT\s+INTO\s+(?<table>[A-Za-z_][A-Za-z0-9_]*)\s*\((?<columns>[^)]*)\)", RegexOptions.IgnoreCase)]
    private static partial Regex InsertTarget();
}
