using System.Data.Common;
using Dapper;

namespace Leap.Server.Storage;

/// <summary>
/// Runs SQL either on a pooled connection (reads) or inside one write's transaction, whichever the session is
/// bound to, so one method per lookup serves both (the Dapper model). The two kinds of session decide what every
/// statement carries: a <see cref="TenantDb"/> binds the tenant, a <see cref="CrossTenantDb"/> names why it may
/// see every tenant. Nothing outside <c>Storage/</c> reaches a connection any other way.
/// </summary>
public abstract class SqlSession
{
    private readonly DbConnection? connection;

    private protected SqlSession(Database database, DbConnection? connection, DbTransaction? transaction)
    {
        Database = database;
        this.connection = connection;
        Transaction = transaction;
    }

    private protected Database Database { get; }

    private protected DbTransaction? Transaction { get; }

    private protected DbConnection? Connection => connection;

    public Engine Engine => Database.Engine;

    /// <summary>True inside <c>WriteAsync</c>: statements see (and lock) what the transaction sees.</summary>
    public bool InWrite => Transaction is not null;

    /// <summary>The statement as sent (a cross-tenant session marks it).</summary>
    private protected abstract string Text(string sql);

    /// <summary>The parameters as sent (a tenant session adds <c>@OrgId</c> and <c>@Mode</c>).</summary>
    private protected abstract object? Parameters(object? args);

    public Task<T?> SingleAsync<T>(string sql, object? args = null, CancellationToken ct = default) =>
        RunAsync(sql, args, (c, command) => c.QuerySingleOrDefaultAsync<T>(command), ct);

    public Task<IReadOnlyList<T>> ListAsync<T>(string sql, object? args = null, CancellationToken ct = default) =>
        RunAsync(sql, args, async (c, command) => (IReadOnlyList<T>)(await c.QueryAsync<T>(command)).AsList(), ct);

    /// <summary>Rows mapped to two objects split at the column <paramref name="splitOn"/> (Dapper's multi-mapping).</summary>
    public Task<IReadOnlyList<TResult>> ListAsync<T1, T2, TResult>(string sql, Func<T1, T2, TResult> map, string splitOn, object? args = null,
        CancellationToken ct = default) =>
        RunAsync(sql, args, async (c, command) => (IReadOnlyList<TResult>)(await c.QueryAsync(command, map, splitOn)).AsList(), ct);

    public Task<T> ScalarAsync<T>(string sql, object? args = null, CancellationToken ct = default) =>
        RunAsync(sql, args, async (c, command) => (await c.ExecuteScalarAsync<T>(command))!, ct);

    /// <summary>
    /// Reads rows without Dapper's mapping, for hot paths that read thousands of them: <paramref name="read"/>
    /// runs while the reader (and its connection) is open.
    /// </summary>
    public Task<T> ReadAsync<T>(string sql, object? args, Func<DbDataReader, Task<T>> read, CancellationToken ct = default) =>
        RunAsync(sql, args, async (c, command) =>
        {
            await using var reader = await c.ExecuteReaderAsync(command);
            return await read(reader);
        }, ct);

    /// <summary>One statement as a write of its own (its own transaction), or as part of the current write.</summary>
    public Task<int> WriteAsync(string sql, object? args = null, CancellationToken ct = default) =>
        InWrite ? ExecuteAsync(sql, args, ct) : Database.WriteAsync((c, t) => Rebind(c, t).ExecuteAsync(sql, args, ct), ct);

    /// <summary>This session's kind, bound to one write's connection and transaction.</summary>
    private protected abstract SqlSession Rebind(DbConnection connection, DbTransaction transaction);

    /// <summary>Runs a statement that writes; only inside <c>WriteAsync</c>, whose transaction it joins.</summary>
    public Task<int> ExecuteAsync(string sql, object? args = null, CancellationToken ct = default) =>
        InWrite
            ? RunAsync(sql, args, (c, command) => c.ExecuteAsync(command), ct)
            : throw new InvalidOperationException("Writes run inside WriteAsync, in its transaction.");

    /// <summary>
    /// Runs a statement that writes and whose outcome the caller does not read (how many rows it changed), inside
    /// <c>WriteAsync</c>. On PostgreSQL it is sent with the write's next statement, or before the commit, in one round
    /// trip (<see cref="PostgresWriteConnection"/>); an error it meets surfaces there, and fails the write all the same.
    /// On SQLite it runs at once: an in-process call has no round trip to save.
    /// </summary>
    public async Task ExecuteBatchedAsync(string sql, object? args = null, CancellationToken ct = default)
    {
        if (connection is not PostgresWriteConnection postgres)
        {
            await ExecuteAsync(sql, args, ct);
            return;
        }
        postgres.HoldNext = true;
        try
        {
            await ExecuteAsync(sql, args, ct);
        }
        finally
        {
            postgres.HoldNext = false;
        }
    }

    /// <summary>
    /// The row-lock clause for a read inside a write (" FOR UPDATE"): PostgreSQL needs it so a concurrent
    /// transaction waits and then sees the change; SQLite's single writer serializes writes already, and a read
    /// outside a write locks nothing. <paramref name="noKey"/> takes the weaker lock that does not block rows
    /// referencing this one.
    /// </summary>
    public string RowLock(bool noKey = false) =>
        InWrite && Engine == Engine.Postgres ? noKey ? " FOR NO KEY UPDATE" : " FOR UPDATE" : "";

    /// <summary>A unique index or primary key refused a row.</summary>
    public bool IsUniqueViolation(Exception exception) => Database.IsUniqueViolation(exception);

    /// <summary>The no-overlap rule for a clinician's time refused a row.</summary>
    public bool IsOverlapViolation(Exception exception) => Database.IsOverlapViolation(exception);

    /// <summary>
    /// A statement that makes writes taking the same keys (those the query <paramref name="keys"/> returns) run one
    /// after another until they end: for rules about rows that do not exist yet, which no row lock can cover. Sent in
    /// one command with the statement it guards, it costs no round trip; empty outside a write and on SQLite.
    /// </summary>
    public string SerializeSql(string keys) => InWrite ? Database.SerializeSql(keys) : "";

    private protected async Task SerializeOnAsync(string key, CancellationToken ct)
    {
        if (SerializeSql("SELECT @key") is { Length: > 0 } sql)
        {
            Database.CountCommand();
            await connection!.ExecuteAsync(new CommandDefinition(sql, new { key }, Transaction, cancellationToken: ct));
        }
    }

    private async Task<T> RunAsync<T>(string sql, object? args, Func<DbConnection, CommandDefinition, Task<T>> run, CancellationToken ct)
    {
        var text = Text(sql);
        Database.Guard?.Check(text);
        var command = new CommandDefinition(text, Parameters(args), Transaction, cancellationToken: ct);
        if (connection is not PostgresWriteConnection { HoldNext: true })
        {
            Database.CountCommand();
        }
        if (connection is not null)
        {
            return await run(connection, command);
        }
        await using var pooled = await Database.OpenAsync(ct);
        return await run(pooled, command);
    }
}
