using System.Data.Common;
using System.Diagnostics;
using Dapper;
using Npgsql;

namespace Leap.Server.Storage;

/// <summary>
/// PostgreSQL: every write is its own READ COMMITTED transaction on a pooled connection. Races are settled
/// by constraints (unique indexes, the appointments exclusion constraint), which also hold across several
/// server processes sharing the database. A transaction the server rolls back for contention (deadlock,
/// serialization failure, lock timeout) is run again by <see cref="Database.WriteAsync{T}"/>.
/// </summary>
public sealed class PostgresDatabase : Database
{
    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlDataSource relaxed;

    public PostgresDatabase(string connectionString, ILogger logger) : base(logger)
    {
        TypeHandlers.Register();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // Leap runs a small, fixed set of statements: let Npgsql prepare them server-side after a few uses
        // (parse and plan once) unless the connection string says otherwise.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 100;
        }
        // The pools' names in Npgsql's metrics (db.client.connection.pool.name), instead of the connection string.
        builder.Name = "leap";
        dataSource = builder.Build();
        var relaxedBuilder = new NpgsqlDataSourceBuilder(builder.ConnectionString) { Name = "leap-relaxed" };
        relaxedBuilder.ConnectionStringBuilder.Options = (relaxedBuilder.ConnectionStringBuilder.Options + " -c synchronous_commit=off").Trim();
        relaxedBuilder.ConnectionStringBuilder.MaxPoolSize = Math.Clamp(builder.ConnectionStringBuilder.MaxPoolSize / 4, 2, 10);
        relaxed = relaxedBuilder.Build();
    }

    public override Engine Engine => Engine.Postgres;

    internal override async ValueTask<DbConnection> OpenAsync(CancellationToken ct = default) =>
        await dataSource.OpenConnectionAsync(ct);

    /// <summary>
    /// One attempt: BEGIN goes with the first statement (Npgsql sends it then), statements the work does not read
    /// the outcome of go with the next one (<see cref="PostgresWriteConnection"/>), and COMMIT is the last round trip.
    /// </summary>
    protected override async Task<T> TransactAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var write = new PostgresWriteConnection(connection, tx);
        var scope = new WriteScope();
        var result = await WriteScope.RunAsync(scope, () => work(write, tx));
        if (write.HasHeld)
        {
            CountCommand();
            await write.FlushAsync(ct);
        }
        CountCommand();
        await tx.CommitAsync(ct);
        AddWriteTime(Stopwatch.GetElapsedTime(started));
        scope.Committed();
        return result;
    }

    /// <summary>Sessions of a separate, smaller pool commit asynchronously (synchronous_commit=off).</summary>
    internal override async Task<T> ExecuteScalarRelaxedAsync<T>(string sql, object param, CancellationToken ct = default)
    {
        await using var connection = await relaxed.OpenConnectionAsync(ct);
        CountCommand();
        return (await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, param, cancellationToken: ct)))!;
    }

    /// <summary>
    /// Deadlocks and serialization failures end the whole transaction by the server's choice; a lock wait past
    /// <c>lock_timeout</c> (if the operator sets one) ends it too. Running it again is safe and usually succeeds.
    /// </summary>
    protected override string? ContentionReason(Exception exception) => exception is PostgresException
    {
        SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable,
    } failure ? failure.SqlState : null;

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsOverlapViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation };

    protected override async Task ApplyMigrationsAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Several processes may start together against one database: the advisory lock makes exactly one
        // of them apply pending migrations while the others wait and then find nothing to do.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(7226061)", connection))
        {
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            await Migrator.ApplyAsync(connection, tx, Engine.Postgres, Logger, ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7226061)", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await relaxed.DisposeAsync();
        await dataSource.DisposeAsync();
    }
}
