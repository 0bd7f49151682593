using Dapper;
using Leap.Server.Storage;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Leap.Server.Tests.Storage;

/// <summary>
/// SQLite connections keep their statements compiled between uses (<see cref="StatementCachingConnection"/>). That only
/// pays if SQLite does not compile them again when new values are bound: by default it does, on every use, for a
/// statement whose plan may depend on a value, such as every list page (<c>LIMIT @Limit</c>) and every <c>LIKE @pattern</c>.
/// </summary>
public sealed class StatementReuseTests
{
    private const int RepreparedCount = 5; // SQLITE_STMTSTATUS_REPREPARE

    [Theory]
    [InlineData("SELECT id FROM items WHERE tenant = @tenant ORDER BY id LIMIT @Limit OFFSET @Offset")]
    [InlineData("SELECT id FROM items WHERE tenant = @tenant AND name LIKE @pattern ESCAPE '\\' ORDER BY id LIMIT @Limit OFFSET @Offset")]
    public async Task A_cached_statement_is_not_compiled_again_for_new_values(string sql)
    {
        var ct = TestContext.Current.CancellationToken;
        var inner = new SqliteConnection("Data Source=:memory:");
        await inner.OpenAsync(ct);
        inner.Handle!.enable_sqlite3_next_stmt(true);
        using var connection = new StatementCachingConnection(inner);
        await connection.ExecuteAsync("CREATE TABLE items (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL); CREATE INDEX items_tenant ON items (tenant, id)");
        await connection.ExecuteAsync("INSERT INTO items (tenant, name) VALUES ('a', 'one'), ('a', 'two'), ('b', 'three')");

        var pages = new List<int>();
        foreach (var (limit, offset, pattern) in new[] { (1, 0, "%o%"), (2, 1, "%t%"), (20, 0, "%e%") })
        {
            pages.Add((await connection.QueryAsync<long>(sql, new { tenant = "a", Limit = limit, Offset = offset, pattern })).Count());
        }

        Assert.NotEqual([0, 0, 0], pages);
        var statement = Statements(inner).Single(s => raw.sqlite3_sql(s).utf8_to_string() == sql);
        Assert.Equal(0, raw.sqlite3_stmt_status(statement, RepreparedCount, 0));
    }

    private static IEnumerable<sqlite3_stmt> Statements(SqliteConnection connection)
    {
        for (var statement = raw.sqlite3_next_stmt(connection.Handle, null); statement is not null; statement = raw.sqlite3_next_stmt(connection.Handle, statement))
        {
            yield return statement;
        }
    }
}
