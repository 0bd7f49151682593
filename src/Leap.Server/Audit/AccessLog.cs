using System.Globalization;
using System.Threading.Channels;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Audit;

/// <summary>What one access touched: a record of a type, and the patient it belongs to.</summary>
public sealed record Access(string ResourceType, string? ResourceId, string? PatientId);

/// <summary>
/// The access log's writer (docs/audit.md). A request records its accesses in memory; this service writes them in
/// batches, one transaction per batch (at most <see cref="AuditOptions.FlushInterval"/> after the first), so a
/// patient search costs no write of its own on the read path: on SQLite no turn of the single writer, on PostgreSQL
/// no round trip. What that gives up: the accesses of the last moments before a crash (power loss, kill -9) are lost;
/// a normal stop writes every one first. A full queue makes requests wait rather than drop an entry, and a failed
/// write is retried, never skipped. <see cref="FlushAsync"/> lets the audit list see every access recorded before it.
/// </summary>
public sealed class AccessLog(Database database, AuditOptions options, TimeProvider clock, ILogger<AccessLog> logger) : BackgroundService
{
    private const int BatchSize = 500;
    /// <summary>
    /// Small on purpose: drivers and SQLite find each named parameter by a linear search, so a statement's binding cost
    /// grows with the square of its parameters (measured: 50 rows of 9 cost about 120 µs a row, 10 rows a few).
    /// </summary>
    private const int RowsPerStatement = 10;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<(Tenant Tenant, AuditEvent Event)> queue =
        Channel.CreateBounded<(Tenant, AuditEvent)>(new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long enqueued;
    private long written;
    private TaskCompletionSource flushRequested = NewSignal();
    private TaskCompletionSource batchWritten = NewSignal();

    /// <summary>Records one access by the request's caller (a record read or written, a document downloaded).</summary>
    public ValueTask RecordAsync(HttpContext http, string action, string resourceType, string? resourceId, string? patientId)
    {
        var caller = Caller.Of(http) ?? throw new InvalidOperationException("Only an authenticated request is audited.");
        var entry = new AuditEvent
        {
            Id = Ids.New(Ids.AuditEvent),
            OccurredAt = TypeHandlers.Truncate(clock.GetUtcNow()),
            ActorType = caller.Actor.Type,
            ActorId = caller.Actor.Id,
            Action = action,
            ResourceType = resourceType,
            ResourceId = resourceId,
            PatientId = patientId,
            RequestId = RequestIds.Get(http),
        };
        Interlocked.Increment(ref enqueued);
        return queue.Writer.TryWrite((caller.Tenant, entry)) ? ValueTask.CompletedTask : queue.Writer.WriteAsync((caller.Tenant, entry), http.RequestAborted);
    }

    /// <summary>Records a read of each record of a list (or a card): one entry per record disclosed.</summary>
    public async ValueTask ReadAsync<T>(HttpContext http, string resourceType, IEnumerable<T> records, Func<T, string> id, Func<T, string?> patientId)
    {
        foreach (var record in records)
        {
            await RecordAsync(http, AuditActions.Read, resourceType, id(record), patientId(record));
        }
    }

    /// <summary>
    /// Runs a create through the idempotent pipeline and records what it wrote once it has committed. A replay records
    /// nothing: it wrote nothing, and answers the caller who made the first request.
    /// </summary>
    public async Task<ApiCreated<T>> CreateAsync<T>(HttpContext http, WriteRequest request, Func<TenantDb, Task<T>> create,
        Func<T, IEnumerable<Access>> written, CancellationToken ct)
    {
        var created = default(T);
        var answer = await request.CreateAsync(async db => created = await create(db), ct);
        if (!answer.Answer.Replayed)
        {
            await RecordAllAsync(http, AuditActions.Create, written(created!));
        }
        return answer;
    }

    /// <summary>As the other overload, for a record built before the transaction (its answer is serialized outside it).</summary>
    public async Task<ApiCreated<T>> CreateAsync<T>(HttpContext http, WriteRequest request, T created, Func<TenantDb, Task> write,
        IEnumerable<Access> written, CancellationToken ct)
    {
        var answer = await request.CreateAsync(created, write, ct);
        if (!answer.Answer.Replayed)
        {
            await RecordAllAsync(http, AuditActions.Create, written);
        }
        return answer;
    }

    /// <summary>Records each of <paramref name="accesses"/> as <paramref name="action"/>.</summary>
    public async ValueTask RecordAllAsync(HttpContext http, string action, IEnumerable<Access> accesses)
    {
        foreach (var access in accesses)
        {
            await RecordAsync(http, action, access.ResourceType, access.ResourceId, access.PatientId);
        }
    }

    /// <summary>Returns once every access recorded before the call is written.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var target = Interlocked.Read(ref enqueued);
        while (Interlocked.Read(ref written) < target)
        {
            var next = Volatile.Read(ref batchWritten).Task;
            Volatile.Read(ref flushRequested).TrySetResult();
            if (Interlocked.Read(ref written) >= target)
            {
                return;
            }
            await next.WaitAsync(ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(Tenant Tenant, AuditEvent Event)>(BatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Let a batch gather, unless someone is waiting to read the log.
                var requested = Volatile.Read(ref flushRequested);
                await Task.WhenAny(Task.Delay(options.FlushInterval, stoppingToken), requested.Task);
                if (requested.Task.IsCompleted)
                {
                    Interlocked.CompareExchange(ref flushRequested, NewSignal(), requested);
                }
                await DrainAsync(batch, untilEmpty: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued is written below.
        }
        queue.Writer.TryComplete();
        await DrainAsync(batch, untilEmpty: true, CancellationToken.None);
    }

    /// <summary>
    /// Writes what is queued, a batch at a time: while full batches wait, or (stopping) until the queue is empty. A part
    /// batch is written once and the writer goes back to gathering, so under steady load each interval costs one
    /// transaction, not one per request that arrived while the last one was written.
    /// </summary>
    private async Task DrainAsync(List<(Tenant Tenant, AuditEvent Event)> batch, bool untilEmpty, CancellationToken ct)
    {
        while (true)
        {
            while (batch.Count < BatchSize && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                return;
            }
            try
            {
                await WriteAsync(batch, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not write {Count} access log entries; retrying in {Delay}", batch.Count, RetryDelay);
                await Task.Delay(RetryDelay, ct);
                continue;
            }
            var full = batch.Count == BatchSize;
            Interlocked.Add(ref written, batch.Count);
            batch.Clear();
            Interlocked.Exchange(ref batchWritten, NewSignal()).TrySetResult();
            if (!full && !untilEmpty)
            {
                return;
            }
        }
    }

    /// <summary>One transaction for the batch; each tenant's entries through that tenant's session (the tenant rule holds).</summary>
    private Task WriteAsync(IReadOnlyList<(Tenant Tenant, AuditEvent Event)> batch, CancellationToken ct) =>
        database.CrossTenant("access log").WriteAsync(async db =>
        {
            foreach (var group in batch.GroupBy(e => e.Tenant))
            {
                foreach (var chunk in group.Select(e => e.Event).Chunk(RowsPerStatement))
                {
                    await AuditStore.InsertAsync(db.ForTenant(group.Key), chunk, ct);
                }
            }
            return 0;
        }, ct);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
