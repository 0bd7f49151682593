using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;

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

    /// <summary>
    /// Set in the test suite (<c>Storage:TenantGuard=true</c>) once migrations have run: every statement sent through a
    /// session is checked for the tenant rule.
    /// </summary>
    internal TenantGuard? Guard { get; private set; }

    private bool GuardTenants { get; init; }

    /// <summary>The one tenant's view of the data: what request handlers work through.</summary>
    public TenantDb ForTenant(Tenant tenant) => new(this, tenant);

    /// <summary>Work across tenants, named by its <paramref name="purpose"/> (e.g. "housekeeping"): see <see cref="CrossTenantDb"/>.</summary>
    public CrossTenantDb CrossTenant(string purpose) => new(this, purpose);

    internal abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct = default);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and returns once it is durably committed. If the work
    /// throws, nothing it wrote survives and the exception reaches the caller.
    /// </summary>
    internal abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct = default);

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
