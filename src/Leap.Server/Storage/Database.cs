using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;

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

    private long commands;
    private long writeTicks;

    /// <summary>
    /// Commands sent to the database so far: statements (a held statement goes with the next, see
    /// <see cref="SqlSession.ExecuteBatchedAsync"/>) and commits. On PostgreSQL each is one round trip.
    /// </summary>
    public long Commands => Interlocked.Read(ref commands);

    /// <summary>
    /// Time spent running write transactions, commit included: on SQLite the single writer's busy time (what bounds
    /// write throughput); on PostgreSQL the sum over concurrent transactions.
    /// </summary>
    public TimeSpan WriteTime => TimeSpan.FromTicks(Interlocked.Read(ref writeTicks));

    internal void CountCommand() => Interlocked.Increment(ref commands);

    protected void AddWriteTime(TimeSpan elapsed) => Interlocked.Add(ref writeTicks, elapsed.Ticks);

    public abstract Engine Engine { get; }

    /// <summary>
    /// Set in the test suite (<c>Storage:TenantGuard=true</c>) once migrations have run: every statement sent through a
    /// session is checked for the tenant rule.
    /// </summary>
    internal TenantGuard? Guard { get; private set; }

    private bool GuardTenants { get; init; }

    /// <summary>The one tenant's view of the data: what request handlers work through.</summary>
    /// <summary>One tenant's view; changes made through it are by <paramref name="actor"/> (the server itself unless told).</summary>
    public TenantDb ForTenant(Tenant tenant, Actor? actor = null) => new(this, tenant, actor ?? Actor.System);

    /// <summary>Work across tenants, named by its <paramref name="purpose"/> (e.g. "housekeeping"): see <see cref="CrossTenantDb"/>.</summary>
    public CrossTenantDb CrossTenant(string purpose) => new(this, purpose);

    internal abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and returns once it is durably committed. If the work
    /// throws, nothing it wrote survives and the exception reaches the caller. A transaction the database
    /// rolled back for contention (a deadlock, a serialization failure, a lock wait past <c>lock_timeout</c>)
    /// is run again whole, after a short pause, up to <see cref="ContentionAttempts"/> times in all; then
    /// <see cref="WriteContentionException"/>. <paramref name="work"/> must therefore only write through its
    /// connection (and may read what it likes): everything it did in a failed attempt is gone.
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default)
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
    internal abstract Task<T> ExecuteScalarRelaxedAsync<T>(string sql, object param, CancellationToken ct = default);

    /// <summary>A unique index or primary key refused the row.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>The no-overlap rule for a clinician's appointments refused the row.</summary>
    public abstract bool IsOverlapViolation(Exception exception);

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        await ApplyMigrationsAsync(ct);
        if (GuardTenants)
        {
            Guard = new TenantGuard(await TenantTablesAsync(ct));
        }
    }

    protected abstract Task ApplyMigrationsAsync(CancellationToken ct);

    /// <summary>The tables that hold tenants' rows: those with both <c>org_id</c> and <c>mode</c>.</summary>
    private async Task<IReadOnlySet<string>> TenantTablesAsync(CancellationToken ct)
    {
        var sql = Engine == Engine.Sqlite
            ? """
              SELECT m.name FROM sqlite_master m
              WHERE m.type = 'table' AND (SELECT COUNT(*) FROM pragma_table_info(m.name) c WHERE c.name IN ('org_id', 'mode')) = 2
              """
            : """
              SELECT table_name FROM information_schema.columns
              WHERE table_schema = current_schema() AND column_name IN ('org_id', 'mode') GROUP BY table_name HAVING COUNT(*) = 2
              """;
        await using var connection = await OpenAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(sql, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// A statement that makes transactions taking the same keys run one after another (until they end), for every key
    /// the query <paramref name="keys"/> (one text column) returns, to send in one command with the statement it
    /// guards, so it costs no round trip of its own. The keys are taken in order, so transactions sharing several of
    /// them queue instead of deadlocking. Empty on SQLite, whose single writer runs every write alone.
    /// </summary>
    internal string SerializeSql(string keys) =>
        Engine == Engine.Postgres ? $"SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM ({keys}) AS keys (key) ORDER BY key;\n" : "";

    public abstract ValueTask DisposeAsync();

    public static Database Create(StorageOptions options, ILoggerFactory loggers) => options.Provider switch
    {
        Engine.Sqlite => new SqliteDatabase(options.SqlitePath, options.SqliteSynchronous, loggers.CreateLogger<SqliteDatabase>())
        {
            GuardTenants = options.TenantGuard,
        },
        Engine.Postgres => new PostgresDatabase(
            options.PostgresConnectionString ?? throw new InvalidOperationException(
                "Storage:Provider is postgres but no connection string was given (Storage:Postgres or LEAP_POSTGRES)."),
            loggers.CreateLogger<PostgresDatabase>())
        {
            GuardTenants = options.TenantGuard,
        },
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

    /// <summary>Check every statement for the tenant rule (<see cref="TenantGuard"/>): on in the test suite, off in production.</summary>
    public bool TenantGuard { get; set; }

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
        options.TenantGuard = section.GetValue("TenantGuard", false);
        return options;
    }
}
