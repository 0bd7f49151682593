using Leap.Server.Audit;
using Leap.Server.Holds;
using Leap.Server.OnlineBooking;
using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Users;
using Leap.Server.Webhooks;

namespace Leap.Server;

/// <summary>
/// Periodic clean-up of state that expires: idempotency keys after 24 hours, old rate-limit windows, holds past
/// their 15 minutes (which stop counting the moment they expire; this records it and frees their rows),
/// webhook events (with their deliveries and attempt logs) past their retention once nothing is left to
/// deliver, webhook delivery attempts past the retention, and access-log entries past theirs (eight years unless
/// configured, docs/audit.md). On SQLite it also keeps the planner's statistics
/// current.
/// </summary>
public sealed class Housekeeping(
    Database database, Idempotency idempotency, IRateLimitCounter rateLimits, WebhookOptions webhookOptions, AuditOptions auditOptions,
    TimeProvider clock, IConfiguration configuration, ILogger<Housekeeping> logger)
    : BackgroundService
{
    private readonly CrossTenantDb db = database.CrossTenant("housekeeping");

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Housekeeping:Enabled", true))
        {
            return;
        }
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        try
        {
            var purged = await idempotency.PurgeExpiredAsync(ct);
            purged += await HoldStore.ExpireAsync(db, clock.GetUtcNow(), ct);
            if (rateLimits is DatabaseRateLimitCounter shared)
            {
                purged += await shared.PurgeAsync(clock.GetUtcNow(), ct);
            }
            purged += await WebhookStore.PurgeAsync(db, clock.GetUtcNow() - webhookOptions.Retention, ct);
            purged += await UserStore.PurgeSessionsAsync(db, clock.GetUtcNow(), ct);
            purged += await BookingRequestStore.PurgeExpiredAsync(db, clock.GetUtcNow(), ct);
            purged += await AuditStore.PurgeAsync(db, clock.GetUtcNow() - auditOptions.Retention, ct);
            if (purged > 0)
            {
                logger.LogInformation("Housekeeping removed {Count} expired rows", purged);
            }
            await RefreshStatisticsAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Housekeeping failed; will retry in {Interval}", Interval);
        }
    }

    /// <summary>
    /// SQLite's planner knows how many rows an index range holds only once ANALYZE has run; <c>PRAGMA optimize</c>
    /// analyzes the tables never analyzed or grown or shrunk a lot since, and <c>analysis_limit</c> samples
    /// instead of reading whole indexes, so the writer is held for milliseconds. PostgreSQL's autovacuum keeps
    /// its statistics itself.
    /// </summary>
    private Task RefreshStatisticsAsync(CancellationToken ct) =>
        db.Engine == Engine.Sqlite ? db.WriteAsync("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002", ct: ct) : Task.CompletedTask;
}
