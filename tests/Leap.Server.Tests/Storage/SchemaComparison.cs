namespace Leap.Server.Tests.Storage;

/// <summary>
/// What differs between the SQLite and the PostgreSQL schema, as sentences naming the table and object. The two
/// migration folders are written by hand, side by side; this is what tells a missed column, a nullability, an
/// index or a constraint that went into one of them only.
/// </summary>
public static class SchemaComparison
{
    /// <summary>
    /// Objects that exist on one engine only, on purpose: each engine's own tool for the same job. Anything else
    /// that differs is drift.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> EngineSpecific = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sqlite column patients.seq"] = "the integer rowid SQLite's FTS5 search table (patient_search) refers to",
        ["postgres index patients.patients_search"] = "PostgreSQL's trigram GIN index for patient search; SQLite uses the FTS5 table patient_search",
    };

    public static IReadOnlyList<string> Differences(SchemaSnapshot sqlite, SchemaSnapshot postgres)
    {
        var differences = new List<string>();
        foreach (var table in sqlite.Tables.Keys.Except(postgres.Tables.Keys))
        {
            differences.Add($"table {table} exists on SQLite only");
        }
        foreach (var table in postgres.Tables.Keys.Except(sqlite.Tables.Keys))
        {
            differences.Add($"table {table} exists on PostgreSQL only");
        }
        foreach (var table in sqlite.Tables.Keys.Intersect(postgres.Tables.Keys).Order(StringComparer.Ordinal))
        {
            Compare(table, sqlite.Tables[table], postgres.Tables[table], differences);
        }
        return differences;
    }

    private static void Compare(string table, TableShape sqlite, TableShape postgres, List<string> differences)
    {
        OnlyIn("column", table, sqlite.Columns.Keys, postgres.Columns.Keys, differences);
        foreach (var column in sqlite.Columns.Keys.Intersect(postgres.Columns.Keys).Order(StringComparer.Ordinal))
        {
            var (s, p) = (sqlite.Columns[column], postgres.Columns[column]);
            if (s.Type != p.Type)
            {
                differences.Add($"column {table}.{column} is {s.Type} on SQLite but {p.Type} on PostgreSQL");
            }
            if (s.Nullable != p.Nullable)
            {
                differences.Add($"column {table}.{column} is {Nullability(s)} on SQLite but {Nullability(p)} on PostgreSQL");
            }
        }

        var sqliteUniques = sqlite.Uniques.Select(UniqueRule).ToHashSet(StringComparer.Ordinal);
        var postgresUniques = postgres.Uniques.Select(UniqueRule).ToHashSet(StringComparer.Ordinal);
        // A primary key made only of an engine-specific rowid column (patients.seq for FTS5): the row's identity
        // on that engine is then its unique key, which must be the other engine's primary key.
        var rowidKey = sqlite.PrimaryKey.Count > 0 && sqlite.PrimaryKey.All(c => EngineSpecific.ContainsKey($"sqlite column {table}.{c}"));
        if (!sqlite.PrimaryKey.SequenceEqual(postgres.PrimaryKey) && !(rowidKey && sqliteUniques.Remove(UniqueRule(postgres.PrimaryKey))))
        {
            differences.Add($"primary key of {table} is ({string.Join(", ", sqlite.PrimaryKey)}) on SQLite but ({string.Join(", ", postgres.PrimaryKey)}) on PostgreSQL");
        }
        foreach (var rule in sqliteUniques.Except(postgresUniques))
        {
            differences.Add($"{table}: {rule} on SQLite only");
        }
        foreach (var rule in postgresUniques.Except(sqliteUniques))
        {
            differences.Add($"{table}: {rule} on PostgreSQL only");
        }

        OnlyIn("index", table, sqlite.Indexes.Keys, postgres.Indexes.Keys, differences);
        foreach (var name in sqlite.Indexes.Keys.Intersect(postgres.Indexes.Keys).Order(StringComparer.Ordinal))
        {
            if (!SameIndex(sqlite.Indexes[name], postgres.Indexes[name]))
            {
                differences.Add($"index {table}.{name} is {sqlite.Indexes[name]} on SQLite but {postgres.Indexes[name]} on PostgreSQL");
            }
        }

        foreach (var key in sqlite.ForeignKeys.Except(postgres.ForeignKeys))
        {
            differences.Add($"foreign key {table}.{key} on SQLite only");
        }
        foreach (var key in postgres.ForeignKeys.Except(sqlite.ForeignKeys))
        {
            differences.Add($"foreign key {table}.{key} on PostgreSQL only");
        }

        if (sqlite.NoOverlapRules.Count != postgres.NoOverlapRules.Count)
        {
            differences.Add($"{table} has {Describe(sqlite.NoOverlapRules)} on SQLite but {Describe(postgres.NoOverlapRules)} on PostgreSQL");
        }
    }

    private static void OnlyIn(string kind, string table, IEnumerable<string> sqlite, IEnumerable<string> postgres, List<string> differences)
    {
        foreach (var name in sqlite.Except(postgres).Where(n => !EngineSpecific.ContainsKey($"sqlite {kind} {table}.{n}")))
        {
            differences.Add($"{kind} {table}.{name} exists on SQLite only");
        }
        foreach (var name in postgres.Except(sqlite).Where(n => !EngineSpecific.ContainsKey($"postgres {kind} {table}.{n}")))
        {
            differences.Add($"{kind} {table}.{name} exists on PostgreSQL only");
        }
    }

    /// <summary>
    /// One index on both engines: the same key columns, scanned in the same order (one direction or all
    /// reversed: both engines read a B-tree backwards), the same uniqueness and partiality. SQLite has no
    /// INCLUDE: the columns PostgreSQL only carries are trailing keys there.
    /// </summary>
    private static bool SameIndex(IndexShape sqlite, IndexShape postgres)
    {
        if (sqlite.Unique != postgres.Unique || sqlite.Partial != postgres.Partial || postgres.Method is not null)
        {
            return false;
        }
        var postgresColumns = postgres.Keys.Select(k => k.Column).Concat(postgres.Included);
        if (!sqlite.Keys.Select(k => k.Column).SequenceEqual(postgresColumns))
        {
            return false;
        }
        var directions = postgres.Keys.Zip(sqlite.Keys, (p, s) => p.Descending == s.Descending).ToList();
        return directions.All(same => same) || directions.All(same => !same);
    }

    private static string UniqueRule(IndexShape index) =>
        $"unique ({string.Join(", ", index.Keys.Select(k => k.Column))}){(index.Partial ? " where ..." : "")}";

    private static string UniqueRule(IReadOnlyList<string> columns) => $"unique ({string.Join(", ", columns)})";

    private static string Nullability(ColumnShape column) => column.Nullable ? "nullable" : "NOT NULL";

    private static string Describe(IReadOnlyList<string> rules) => rules.Count == 0 ? "no no-overlap rule" : string.Join(", ", rules);
}
