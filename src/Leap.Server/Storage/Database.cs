using System.Data.Common;
using Dapper;

namespace Leap.Server.Storage;

public enum Engine { Sqlite, Postgres }

/// <summary>
/// The one way to reach the database. Reads use pooled connections and run concurrently; every write goes
/// through <see cref="WriteAsync{T}"/> so that each engine can apply its own discipline (SQLite: one writer
/// with group commit; PostgreSQL: a transaction per call, with constraints doing the arbitration).
/// </summary>
public abstract class Database : IAsyncDisposable
{
    public abstract Engine Engine { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and returns once it is durably committed. If the work
    /// throws, nothing it wrote survives and the exception reaches the caller.
    /// </summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default);

    /// <summary>
    /// One statement, committed without waiting for the disk where the engine allows it: for bookkeeping whose
    /// loss in a crash is harmless (request counters), never for records.
    /// </summary>
    public abstract Task<T> ExecuteScalarRelaxedAsync<T>(string sql, object param, CancellationToken ct = default);

    /// <summary>A unique index or primary key refused the row.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>The no-overlap rule for a clinician's appointments refused the row.</summary>
    public abstract bool IsOverlapViolation(Exception exception);

    public abstract Task MigrateAsync(CancellationToken ct = default);

    /// <summary>
    /// The row-lock clause for a read inside a write (" FOR UPDATE"): PostgreSQL needs it so a concurrent
    /// transaction waits and then sees the change; SQLite's single writer serializes writes already.
    /// <paramref name="noKey"/> takes the weaker lock that does not block rows referencing this one.
    /// </summary>
    public static string RowLock(DbConnection connection, bool noKey = false) =>
        connection is Npgsql.NpgsqlConnection ? noKey ? " FOR NO KEY UPDATE" : " FOR UPDATE" : "";

    /// <summary>
    /// Makes transactions that take the same <paramref name="key"/> run one after another (from here until they
    /// end): for rules about rows that do not exist yet, which no row lock can cover. PostgreSQL only; SQLite's
    /// single writer already runs every write alone.
    /// </summary>
    public static async Task SerializeAsync(DbConnection connection, DbTransaction tx, string key, CancellationToken ct)
    {
        if (connection is Npgsql.NpgsqlConnection)
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key }, tx, cancellationToken: ct));
        }
    }

    public abstract ValueTask DisposeAsync();

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? param = null, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        var rows = await connection.QueryAsync<T>(new CommandDefinition(sql, param, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? param = null, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, param, cancellationToken: ct));
    }

    public async Task<T> ExecuteScalarAsync<T>(string sql, object? param = null, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return (await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, param, cancellationToken: ct)))!;
    }

    public Task<int> ExecuteAsync(string sql, object? param = null, CancellationToken ct = default) =>
        WriteAsync((connection, tx) => connection.ExecuteAsync(new CommandDefinition(sql, param, tx, cancellationToken: ct)), ct);

    public static Database Create(StorageOptions options, ILoggerFactory loggers) => options.Provider switch
    {
        Engine.Sqlite => new SqliteDatabase(options.SqlitePath, options.SqliteSynchronous, loggers.CreateLogger<SqliteDatabase>()),
        Engine.Postgres => new PostgresDatabase(
            options.PostgresConnectionString ?? throw new InvalidOperationException(
                "Storage:Provider is postgres but no connection string was given (Storage:Postgres or LEAP_POSTGRES)."),
            loggers.CreateLogger<PostgresDatabase>()),
        _ => throw new InvalidOperationException($"Unknown storage provider {options.Provider}."),
    };
}

/// <summary>Bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public Engine Provider { get; set; } = Engine.Sqlite;
    public string SqlitePath { get; set; } = Path.Combine("data", "leap.db");

    /// <summary>FULL (default) fsyncs every commit; NORMAL is faster and only risks the last commits on power loss.</summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    public string? PostgresConnectionString { get; set; }

    public static StorageOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Storage");
        var options = new StorageOptions();
        var provider = section["Provider"];
        if (!string.IsNullOrEmpty(provider))
        {
            options.Provider = provider.ToLowerInvariant() switch
            {
                "sqlite" => Engine.Sqlite,
                "postgres" or "postgresql" => Engine.Postgres,
                _ => throw new InvalidOperationException($"Storage:Provider must be 'sqlite' or 'postgres', not '{provider}'."),
            };
        }
        options.SqlitePath = section["Sqlite:Path"] ?? options.SqlitePath;
        options.SqliteSynchronous = (section["Sqlite:Synchronous"] ?? options.SqliteSynchronous).ToUpperInvariant();
        if (options.SqliteSynchronous is not ("FULL" or "NORMAL" or "EXTRA"))
        {
            throw new InvalidOperationException("Storage:Sqlite:Synchronous must be FULL, NORMAL or EXTRA.");
        }
        options.PostgresConnectionString = section["Postgres"] ?? configuration["LEAP_POSTGRES"];
        return options;
    }
}
