using System.Data.Common;
using Dapper;

namespace Leap.Server.Tests.Storage;

/// <summary>
/// A database schema as the parity test compares it: per table its columns (with a type named in one
/// vocabulary for both engines), primary key, unique and plain indexes, foreign keys (each column of a
/// composite one), and the no-overlap rules (an exclusion constraint on PostgreSQL, triggers on SQLite).
/// </summary>
public sealed record SchemaSnapshot(IReadOnlyDictionary<string, TableShape> Tables)
{
    /// <summary>The schema of a migrated SQLite database, with SQLite's declared types mapped to the shared vocabulary.</summary>
    public static async Task<SchemaSnapshot> ReadSqliteAsync(DbConnection connection)
    {
        var tables = new Dictionary<string, TableShape>(StringComparer.Ordinal);
        var names = await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name");
        var virtualTables = (await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")).ToList();
        foreach (var table in names.Where(n => !virtualTables.Any(v => n.StartsWith(v + "_", StringComparison.Ordinal))))
        {
            var columns = new Dictionary<string, ColumnShape>(StringComparer.Ordinal);
            var primaryKey = new SortedDictionary<int, string>();
            foreach (var c in await connection.QueryAsync<(string Name, string Type, long NotNull, long Pk)>(
                $"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"))
            {
                columns[c.Name] = new ColumnShape(SqliteType(c.Type), Nullable: c.NotNull == 0 && c.Pk == 0);
                if (c.Pk > 0)
                {
                    primaryKey[(int)c.Pk] = c.Name;
                }
            }

            var indexes = new Dictionary<string, IndexShape>(StringComparer.Ordinal);
            var uniques = new List<IndexShape>();
            foreach (var index in await connection.QueryAsync<(string Name, long Unique, string Origin, long Partial)>(
                $"SELECT name, \"unique\", origin, partial FROM pragma_index_list('{table}')"))
            {
                var keys = (await connection.QueryAsync<(string? Name, long Desc)>(
                    $"SELECT name, \"desc\" FROM pragma_index_xinfo('{index.Name}') WHERE key = 1 ORDER BY seqno"))
                    .Select(k => new IndexKey(k.Name ?? "<expression>", k.Desc == 1)).ToList();
                var shape = new IndexShape(keys, [], index.Unique == 1, index.Partial == 1);
                if (index.Origin == "pk")
                {
                    continue;
                }
                if (index.Unique == 1)
                {
                    uniques.Add(shape);
                }
                if (index.Origin == "c")
                {
                    indexes[index.Name] = shape;
                }
            }

            var foreignKeys = (await connection.QueryAsync<(string From, string Table, string? To)>(
                    $"SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list('{table}')"))
                .Select(f => $"{f.From} -> {f.Table}({f.To ?? "id"})").ToHashSet(StringComparer.Ordinal);

            var noOverlap = (await connection.QueryAsync<string>(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @table AND name LIKE '%no_overlap%'", new { table })).ToList();

            tables[table] = new TableShape(columns, primaryKey.Values.ToList(), uniques, indexes, foreignKeys,
                noOverlap.Count > 0 ? [NoOverlapRule(noOverlap)] : []);
        }
        return new SchemaSnapshot(tables);
    }

    /// <summary>The schema of one PostgreSQL schema (namespace), read from the catalogue.</summary>
    public static async Task<SchemaSnapshot> ReadPostgresAsync(DbConnection connection, string schema)
    {
        var tables = new Dictionary<string, TableShape>(StringComparer.Ordinal);
        var names = await connection.QueryAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = @schema AND table_type = 'BASE TABLE' ORDER BY 1", new { schema });
        foreach (var table in names)
        {
            var columns = (await connection.QueryAsync<(string Name, string Type, string Nullable)>(
                    "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = @schema AND table_name = @table",
                    new { schema, table }))
                .ToDictionary(c => c.Name, c => new ColumnShape(PostgresType(c.Type), c.Nullable == "YES"), StringComparer.Ordinal);

            var relation = $"{schema}.{table}";
            var indexRows = await connection.QueryAsync<(string Name, bool Unique, bool Primary, bool Partial, short KeyCount, string Method, string Columns, string Options)>(
                """
                SELECT c.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL, i.indnkeyatts, am.amname,
                       array_to_string(ARRAY(SELECT COALESCE(a.attname, '<expression>') FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
                                             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.n), ','),
                       array_to_string(i.indoption, ',')
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
                WHERE i.indrelid = @relation::regclass
                """, new { relation });
            var indexes = new Dictionary<string, IndexShape>(StringComparer.Ordinal);
            var uniques = new List<IndexShape>();
            var primaryKey = new List<string>();
            var exclusionIndexes = (await connection.QueryAsync<string>(
                "SELECT conname FROM pg_constraint WHERE conrelid = @relation::regclass AND contype = 'x'", new { relation })).ToHashSet();
            // A UNIQUE constraint is compared as a unique rule; its index is not named by the migrations (SQLite's
            // counterpart is an automatic index).
            var uniqueConstraints = (await connection.QueryAsync<string>(
                "SELECT conname FROM pg_constraint WHERE conrelid = @relation::regclass AND contype = 'u'", new { relation })).ToHashSet();
            foreach (var index in indexRows)
            {
                var all = index.Columns.Split(',');
                var options = index.Options.Length == 0 ? [] : index.Options.Split(',').Select(int.Parse).ToArray();
                // indoption bit 0 is DESC.
                var keys = all.Take(index.KeyCount).Select((name, i) => new IndexKey(name, i < options.Length && (options[i] & 1) == 1)).ToList();
                var shape = new IndexShape(keys, all.Skip(index.KeyCount).ToList(), index.Unique, index.Partial, index.Method == "btree" ? null : index.Method);
                if (index.Primary)
                {
                    primaryKey.AddRange(all);
                    continue;
                }
                if (exclusionIndexes.Contains(index.Name))
                {
                    continue;
                }
                if (index.Unique)
                {
                    uniques.Add(shape);
                }
                if (!uniqueConstraints.Contains(index.Name))
                {
                    indexes[index.Name] = shape;
                }
            }

            var foreignKeys = (await connection.QueryAsync<string>(
                """
                SELECT a.attname || ' -> ' || rc.relname || '(' || ra.attname || ')'
                FROM pg_constraint k
                CROSS JOIN LATERAL unnest(k.conkey, k.confkey) AS pair(from_column, to_column)
                JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = pair.from_column
                JOIN pg_class rc ON rc.oid = k.confrelid
                JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = pair.to_column
                WHERE k.conrelid = @relation::regclass AND k.contype = 'f'
                """, new { relation })).ToHashSet(StringComparer.Ordinal);

            tables[table] = new TableShape(columns, primaryKey, uniques, indexes, foreignKeys,
                exclusionIndexes.Count > 0 ? [NoOverlapRule(exclusionIndexes)] : []);
        }
        return new SchemaSnapshot(tables);
    }

    /// <summary>A no-overlap rule is named by what enforces it on each engine; both sides must have one.</summary>
    private static string NoOverlapRule(IEnumerable<string> enforcedBy) => "no overlap (" + string.Join(", ", enforcedBy.Order()) + ")";

    /// <summary>SQLite's declared type affinity, in the shared vocabulary.</summary>
    private static string SqliteType(string declared) => declared.ToUpperInvariant() switch
    {
        "TEXT" => "text",
        "INTEGER" => "integer",
        "REAL" => "real",
        "BLOB" => "bytes",
        var other => "sqlite:" + other,
    };

    /// <summary>
    /// PostgreSQL's types, in the vocabulary SQLite stores them with: instants and dates are ISO 8601 text there,
    /// booleans 0/1 integers, JSON documents text.
    /// </summary>
    private static string PostgresType(string type) => type switch
    {
        "text" or "timestamp with time zone" or "date" or "jsonb" or "json" => "text",
        "integer" or "bigint" or "smallint" or "boolean" => "integer",
        "double precision" or "real" => "real",
        "bytea" => "bytes",
        var other => "postgres:" + other,
    };
}

public sealed record TableShape(
    IReadOnlyDictionary<string, ColumnShape> Columns,
    IReadOnlyList<string> PrimaryKey,
    IReadOnlyList<IndexShape> Uniques,
    IReadOnlyDictionary<string, IndexShape> Indexes,
    IReadOnlySet<string> ForeignKeys,
    IReadOnlyList<string> NoOverlapRules);

public sealed record ColumnShape(string Type, bool Nullable);

public sealed record IndexKey(string Column, bool Descending);

/// <summary>
/// An index: its key columns, the columns it only carries (PostgreSQL's INCLUDE), whether it is unique or
/// partial, and its access method when that is not a plain B-tree.
/// </summary>
public sealed record IndexShape(IReadOnlyList<IndexKey> Keys, IReadOnlyList<string> Included, bool Unique, bool Partial, string? Method = null)
{
    public override string ToString() =>
        $"{(Unique ? "unique " : "")}{Method ?? "btree"} ({string.Join(", ", Keys.Select(k => k.Column + (k.Descending ? " DESC" : "")))})" +
        (Included.Count > 0 ? $" INCLUDE ({string.Join(", ", Included)})" : "") + (Partial ? " WHERE ..." : "");
}
