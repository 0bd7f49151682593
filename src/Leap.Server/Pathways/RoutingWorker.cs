using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Clinicians;
using Leap.Server.Questionnaires;
using Leap.Server.Storage;
using Leap.Server.Waitlist;

namespace Leap.Server.Pathways;

/// <summary>
/// Routes what <see cref="RoutingQueue"/> holds, in every server process: a commit in this process wakes a worker at
/// once, which claims a batch of rows (each the next of its patient), routes each as its tenant (pathway trigger,
/// episode on the record, webhook event) and deletes it, all in one transaction; a poll catches what other processes
/// left. At least once per row (a worker that dies mid-batch leaves its rows to be claimed again), and its effects
/// exactly once: they commit with the row's deletion or not at all.
/// </summary>
public sealed class RoutingWorker(Database database, RoutingQueue queue, AppointmentEvents appointments, QuestionnaireEvents questionnaires,
    WaitlistOffers waitlist,     RoutingOptions options, TimeProvider clock, ILogger<RoutingWorker> logger) : BackgroundService
{
    private const int MaxErrorLength = 1000;

    private readonly CrossTenantDb db = database.CrossTenant("routing");

    /// <summary>
    /// Where a claim starts looking: the first row of the last claim. On PostgreSQL a routed row stays in the queue's
    /// index as a dead entry until vacuum, and a claim that always scanned from the start walked them all. Rows before
    /// this point were routed, or could not be taken at that moment (not due, behind an earlier row of their patient,
    /// held by another worker, or committed later than rows after them): a claim from the start, at least once per
    /// poll interval, finds those.
    /// </summary>
    private long claimFrom;
    private long nextScanFromStart;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            logger.LogInformation("Routing is off (Routing:Enabled=false): changes are queued, not routed, by this process");
            return;
        }
        await Task.WhenAll(Enumerable.Range(0, options.Workers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));
    }

    /// <summary>A batch cut short by shutting down is rolled back, and its rows are claimed again.</summary>
    private Task WorkAsync(CancellationToken ct) =>
        WorkRounds.RunAsync("Routing", RunOnceAsync, options.BatchSize, token => queue.WaitAsync(options.PollInterval, token), options.PollInterval, logger, ct);

    /// <summary>One round: routes a batch of due rows in one transaction; returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            var from = ClaimFrom();
            return await db.WriteAsync(async write =>
            {
                var entries = await RoutingQueue.ClaimAsync(write, options.BatchSize, TypeHandlers.Truncate(clock.GetUtcNow()), ct, from);
                if (entries.Count > 0)
                {
                    Interlocked.Exchange(ref claimFrom, entries[0].Seq);
                }
                foreach (var entry in entries)
                {
                    await RouteAsync(write, entry, ct);
                }
                return entries.Count;
            }, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or WriteContentionException))
        {
            // A row that cannot be routed must not hold up the others: route them one per transaction, so only it waits.
            logger.LogDebug(e, "Routing batch failed; routing its rows one by one");
            return await RunOneByOneAsync(ct);
        }
    }

    /// <summary>The point the next claim starts from: the start of the queue once per poll interval (real time, not the clock's).</summary>
    private long ClaimFrom()
    {
        var now = Environment.TickCount64;
        var due = Interlocked.Read(ref nextScanFromStart);
        if (now >= due && Interlocked.CompareExchange(ref nextScanFromStart, now + (long)options.PollInterval.TotalMilliseconds, due) == due)
        {
            return 0;
        }
        return Interlocked.Read(ref claimFrom);
    }

    private async Task<int> RunOneByOneAsync(CancellationToken ct)
    {
        var routed = 0;
        for (var i = 0; i < options.BatchSize; i++)
        {
            RoutingQueue.Entry? current = null;
            try
            {
                if (await db.WriteAsync(async write =>
                    {
                        var entries = await RoutingQueue.ClaimAsync(write, 1, TypeHandlers.Truncate(clock.GetUtcNow()), ct);
                        if (entries.Count == 0)
                        {
                            return false;
                        }
                        current = entries[0];
                        await RouteAsync(write, current, ct);
                        return true;
                    }, ct))
                {
                    routed++;
                    continue;
                }
                return routed;
            }
            catch (Exception e) when (e is not OperationCanceledException && current is not null)
            {
                var due = TypeHandlers.Truncate(clock.GetUtcNow() + RoutingOptions.RetryDelay(current.Attempts));
                logger.LogWarning(e, "Routing {SubjectType} {SubjectId} failed (attempt {Attempt}); trying again at {Due:O}, its patient's later changes wait",
                    current.SubjectType, current.SubjectId, current.Attempts + 1, due);
                var error = e.Message.Length > MaxErrorLength ? e.Message[..MaxErrorLength] : e.Message;
                await RoutingQueue.PostponeAsync(db, current.Seq, error, due, ct);
            }
        }
        return routed;
    }

    private async Task RouteAsync(CrossTenantDb write, RoutingQueue.Entry entry, CancellationToken ct)
    {
        var tenant = write.ForTenant(new Tenant(entry.OrgId, entry.Mode), entry.Actor);
        await (entry.SubjectType switch
        {
            RoutingQueue.Appointment => appointments.RouteAsync(tenant, entry, ct),
            RoutingQueue.QuestionnaireResponse => questionnaires.RouteAsync(tenant, entry, ct),
            RoutingQueue.ClinicianBlock => waitlist.OfferFreedTimeAsync(tenant, queue.Read<ClinicianBlock>(entry.AfterJson), ct),
            _ => throw new InvalidOperationException($"Nothing routes a {entry.SubjectType}."),
        });
        await RoutingQueue.DoneAsync(tenant, entry.Seq, ct);
    }
}
