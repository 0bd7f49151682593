using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Dapper;
using Leap.Server.Telemetry;
using Microsoft.Data.Sqlite;

namespace Leap.Server.Storage;

/// <summary>
/// SQLite in WAL mode. Readers use pooled connections in parallel. Writers are queued to one connection:
/// concurrent writers gain nothing in SQLite (one write lock) and get second-long busy-retry tails, so the
/// queue is drained in batches, each batch one <c>BEGIN IMMEDIATE</c> transaction with a savepoint per
/// write ("group commit"): one fsync serves many requests, and a write that fails only rolls back itself.
/// </summary>
public sealed class SqliteDatabase : Database
{
    private const int MaxBatch = 256;
    private const int MaxIdleReaders = 32;

    /// <summary>
    /// Pages are read through a shared memory map (up to 1 GiB of the file) instead of a read system call and a
    /// copy into each connection's own small cache: the many open reader connections share the OS page cache.
    /// </summary>
    private const string MemoryMapping = "PRAGMA mmap_size = 1073741824;";

    private readonly string connectionString;
    private readonly string synchronous;
    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task writerLoop;
    private readonly ConcurrentBag<StatementCachingConnection> readers = [];
    private readonly IDisposable inUse;
    private int idleReaders;
    private StatementCachingConnection? writer;
    private volatile bool disposed;

    public SqliteDatabase(string path, string synchronous, ILogger logger) : base(logger)
    {
        TypeHandlers.Register();
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        // Tells `leap restore` the database is open (see SqliteLock); refuses to start while a restore runs.
        inUse = SqliteLock.Shared(path);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            // Connections are kept open by this class (see StatementCachingConnection), not by the driver's pool.
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        this.synchronous = synchronous;
        writerLoop = Task.Run(DrainAsync);
    }

    public override Engine Engine => Engine.Sqlite;

    public string ConnectionString => connectionString;

    /// <summary>A reader connection, kept open with its prepared statements between uses.</summary>
    internal override async ValueTask<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (readers.TryTake(out var idle))
        {
            Interlocked.Decrement(ref idleReaders);
            return idle;
        }
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(MemoryMapping);
        return new StatementCachingConnection(connection, ReturnReader);
    }

    private void ReturnReader(StatementCachingConnection connection)
    {
        // Counted apart: ConcurrentBag.Count stops every thread's list to count them, on every return.
        if (disposed)
        {
            connection.Destroy();
        }
        else if (Interlocked.Increment(ref idleReaders) > MaxIdleReaders)
        {
            Interlocked.Decrement(ref idleReaders);
            connection.Destroy();
        }
        else
        {
            readers.Add(connection);
        }
    }

    protected override async Task<T> TransactAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        var pending = new PendingWrite(async (connection, tx) => await work(connection, tx), ct);
        // Counted before it is queued, so the writer can never take it off the count first.
        LeapMetrics.SqliteWriteQueued();
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteDatabase));
        }
        return (T)(await pending.Done.Task)!;
    }

    /// <summary>SQLite commits through the one writer either way; batching makes the commit cheap.</summary>
    internal override Task<T> ExecuteScalarRelaxedAsync<T>(string sql, object param, CancellationToken ct = default) =>
        WriteAsync(async (connection, tx) => (await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, param, tx, cancellationToken: ct)))!, ct);

    /// <summary>
    /// The one writer never contends with itself; only another process writing the same file (an admin command)
    /// can keep the database locked (SQLITE_BUSY), and the driver has already waited for it.
    /// </summary>
    protected override string? ContentionReason(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 } ? "SQLITE_BUSY" : null;

    /// <summary>Not run again: the driver waited out the lock for its whole busy timeout (30 s) already.</summary>
    protected override int ContentionAttempts => 1;

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    public override bool IsOverlapViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 } e && e.Message.Contains(OverlapMessage, StringComparison.Ordinal);

    /// <summary>The text the no-overlap triggers raise (see the appointments migration).</summary>
    public const string OverlapMessage = "SLOT_UNAVAILABLE";

    protected override Task ApplyMigrationsAsync(CancellationToken ct) =>
        WriteAsync((connection, tx) => Migrator.ApplyAsync(connection, tx, Engine.Sqlite, Logger, ct), ct);

    public override async ValueTask DisposeAsync()
    {
        disposed = true;
        queue.Writer.TryComplete();
        await writerLoop;
        writer?.Destroy();
        while (readers.TryTake(out var reader))
        {
            reader.Destroy();
        }
        inUse.Dispose();
    }

    private async Task DrainAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            using var activity = LeapMetrics.SqliteBatchTaken(batch.Count);
            var started = Stopwatch.GetTimestamp();
            try
            {
                var connection = await OpenWriterAsync();
                // Savepoints cost about as much as the writes themselves (SQLite copies every page a savepoint
                // touches), and writes rarely fail: run the batch without them first, and only if one write
                // fails, roll everything back and run the batch again with a savepoint per write.
                var outcomes = await RunBatchAsync(connection, batch, isolateEach: false)
                    ?? await RunBatchAsync(connection, batch, isolateEach: true);
                AddWriteTime(Stopwatch.GetElapsedTime(started));
                for (var i = 0; i < batch.Count; i++)
                {
                    if (outcomes![i].Error is { } error)
                    {
                        batch[i].Done.TrySetException(error);
                    }
                    else
                    {
                        outcomes[i].Scope!.Committed();
                        batch[i].Done.TrySetResult(outcomes[i].Result);
                    }
                }
            }
            catch (Exception e)
            {
                // The batch's transaction could not commit (disk full, I/O error): nothing in it happened.
                Logger.LogError(e, "SQLite write batch of {Count} failed", batch.Count);
                writer?.Destroy();
                writer = null;
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    /// <summary>
    /// Runs a batch in one transaction and commits it. Without <paramref name="isolateEach"/>, the first
    /// failing write rolls the whole batch back and the result is null; with it, each write runs in its own
    /// savepoint, so a failure undoes only that write and is reported to its caller.
    /// </summary>
    private async Task<(object? Result, WriteScope? Scope, Exception? Error)[]?> RunBatchAsync(
        StatementCachingConnection connection, List<PendingWrite> batch, bool isolateEach)
    {
        var outcomes = new (object? Result, WriteScope? Scope, Exception? Error)[batch.Count];
        using var tx = connection.Inner.BeginTransaction(deferred: false);
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (pending.Cancellation.IsCancellationRequested)
            {
                outcomes[i] = (null, null, new OperationCanceledException(pending.Cancellation));
                continue;
            }
            if (isolateEach)
            {
                tx.Save("w");
            }
            try
            {
                var scope = new WriteScope();
                outcomes[i] = (await WriteScope.RunAsync(scope, () => pending.Work(connection, tx)), scope, null);
                if (isolateEach)
                {
                    tx.Release("w");
                }
            }
            catch (Exception e) when (isolateEach)
            {
                tx.Rollback("w");
                tx.Release("w");
                outcomes[i] = (null, null, e);
            }
            catch (Exception)
            {
                tx.Rollback();
                return null;
            }
        }
        CountCommand();
        tx.Commit();
        return outcomes;
    }

    private async Task<StatementCachingConnection> OpenWriterAsync()
    {
        if (writer is not null)
        {
            return writer;
        }
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; {MemoryMapping}");
        writer = new StatementCachingConnection(connection);
        return writer;
    }

    private sealed record PendingWrite(Func<DbConnection, DbTransaction, Task<object?>> Work, CancellationToken Cancellation)
    {
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
