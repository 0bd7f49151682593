using System.Data.Common;
using Dapper;

namespace Leap.Server.Storage;

public enum Engine { Sqlite, Postgres }

/// <summary>
/// The one way to reach the database. Reads use pooled connections and run concurrently; every write goes
/// through <see cref="WriteAsync{T}"/> so that each engine can apply its own discipline (SQLite: one writer
/// with group commit; PostgreSQL: a transaction per call, with constraints doing the arbitration), and so that
/// a write that loses to concurrent writes is run again here rather than in every handler.
/// </summary>
public abstract class Database(ILogger logger) : IAsyncDisposable
{
    /// <summary>How many times in all a write that keeps losing to concurrent writes is run (PostgreSQL).</summary>
    public const int MaxWriteAttempts = 5;

    /// <summary>The first pause before a write runs again; each later one doubles (with jitter).</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>What a client is told to wait (Retry-After) when a write was given up for contention.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    protected ILogger Logger { get; } = logger;

    public abstract Engine Engine { get; }

    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and returns once it is durably committed. If the work
    /// throws, nothing it wrote survives and the exception reaches the caller. A transaction the database
    /// rolled back for contention (a deadlock, a serialization failure, a lock wait past <c>lock_timeout</c>)
    /// is run again whole, after a short pause, up to <see cref="ContentionAttempts"/> times in all; then
    /// <see cref="WriteContentionException"/>. <paramref name="work"/> must therefore only write through its
    /// connection (and may read what it likes): everything it did in a failed attempt is gone.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TransactAsync(work, ct);
            }
            catch (Exception e) when (ContentionReason(e) is { } reason)
            {
                if (attempt >= ContentionAttempts)
                {
                    throw new WriteContentionException(reason, attempt, e);
                }
                var delay = RetryDelay(attempt);
                Logger.LogInformation("Write lost to concurrent writes ({Reason}) on attempt {Attempt}; running it again in {Delay} ms",
                    reason, attempt, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    /// <summary>
    /// Exponential backoff with jitter: after the nth failed attempt, between half and all of
    /// <see cref="FirstRetryDelay"/> × 2^(n-1), so writes that collided do not collide again in step.
    /// </summary>
    public static TimeSpan RetryDelay(int failedAttempts) =>
        FirstRetryDelay * (1 << (failedAttempts - 1)) * (0.5 + Random.Shared.NextDouble() / 2);

    /// <summary>One attempt of <see cref="WriteAsync{T}"/>: the engine's transaction around the work.</summary>
    protected abstract Task<T> TransactAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct);

    /// <summary>
    /// Why <paramref name="exception"/> means the transaction lost to concurrent ones and was rolled back whole
    /// (a short code for the log, such as the SQLSTATE), or null when it failed for any other reason.
    /// </summary>
    protected abstract string? ContentionReason(Exception exception);

    /// <summary>How many times in all a write that lost to contention is run.</summary>
    protected virtual int ContentionAttempts => MaxWriteAttempts;

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
        if (SerializeSql(connection, "SELECT @key") is { Length: > 0 } sql)
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, new { key }, tx, cancellationToken: ct));
        }
    }

    /// <summary>
    /// <see cref="SerializeAsync"/> for every key the query <paramref name="keys"/> (one text column) returns, as a
    /// statement to send in one command with the statement it guards, so it costs no round trip of its own. The
    /// keys are taken in order, so transactions sharing several of them queue instead of deadlocking. Empty on SQLite.
    /// </summary>
    public static string SerializeSql(DbConnection connection, string keys) =>
        connection is Npgsql.NpgsqlConnection
            ? $"SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM ({keys}) AS keys (key) ORDER BY key;\n"
            : "";

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

/// <summary>
/// A write that lost to concurrent writes on every attempt <see cref="Database.WriteAsync{T}"/> made: nothing of it
/// happened, and the same request later may well succeed (the API answers 503 with Retry-After).
/// </summary>
public sealed class WriteContentionException(string reason, int attempts, Exception last)
    : Exception($"The write lost to concurrent writes {attempts} times ({reason}) and was given up.", last)
{
    public string Reason { get; } = reason;
    public int Attempts { get; } = attempts;
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
