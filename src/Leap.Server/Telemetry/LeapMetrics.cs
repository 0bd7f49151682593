using System.Diagnostics;
using System.Diagnostics.Metrics;
using Leap.Server.Http;
using Leap.Server.Webhooks;

namespace Leap.Server.Telemetry;

/// <summary>
/// Leap's own metrics and trace activities, every one defined here (names, units and tags are listed in
/// docs/observability.md). Until something listens (telemetry is off by default) recording is a check of an
/// empty listener list; it never allocates or locks (tags are struct pairs of constant names and values), so
/// the booking path pays nothing measurable either way.
/// </summary>
public static class LeapMetrics
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "Leap.Server";

    public const string BookingSourceTag = "leap.booking.source";
    public const string ErrorCodeTag = "leap.error.code";
    public const string RouteTag = "http.route";
    public const string WebhookOutcomeTag = "leap.webhook.outcome";

    public static readonly ActivitySource Activities = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Bookings = Meter.CreateCounter<long>(
        "leap.bookings", "{booking}", "Appointments booked, by POST /appointments or by confirming a hold (replays not counted).");

    private static readonly Counter<long> Conflicts = Meter.CreateCounter<long>(
        "leap.conflicts", "{response}", "Answers with status 409, by error code and route.");

    private static readonly Counter<long> IdempotentReplays = Meter.CreateCounter<long>(
        "leap.idempotent_replays", "{response}", "Creates answered with the stored response of an earlier request with the same Idempotency-Key.");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "leap.rate_limited", "{response}", "Requests refused with 429 RATE_LIMITED (over the key's hourly budget).");

    private static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>(
        "leap.webhook.delivery.attempts", "{attempt}",
        "Webhook delivery attempts, by outcome: delivered, retrying (failed, another attempt is due) or failed (no retries left).");

    private static readonly Histogram<double> WebhookLag = Meter.CreateHistogram(
        "leap.webhook.delivery.lag", "s", "From an event's creation to its delivery (2xx from the receiver), retries included.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 10800, 86400] });

    private static readonly UpDownCounter<long> SqliteQueueDepth = Meter.CreateUpDownCounter<long>(
        "leap.sqlite.writer.queue_depth", "{write}", "Writes waiting for the SQLite writer.");

    private static readonly Histogram<int> SqliteBatchSize = Meter.CreateHistogram(
        "leap.sqlite.writer.batch_size", "{write}", "Writes committed together by the SQLite writer (one transaction, one fsync).",
        tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    /// <summary>A booking's answer; counted unless it replays an earlier one. <paramref name="source"/>: <c>appointment</c> or <c>hold</c>.</summary>
    public static void Booked(StoredAnswer answer, string source)
    {
        if (!answer.Replayed)
        {
            Bookings.Add(1, new KeyValuePair<string, object?>(BookingSourceTag, source));
        }
    }

    public static void Replayed(HttpContext context)
    {
        if (IdempotentReplays.Enabled)
        {
            IdempotentReplays.Add(1, new KeyValuePair<string, object?>(RouteTag, Route(context)));
        }
    }

    /// <summary>Every error answer passes here; conflicts and rate-limited requests are counted.</summary>
    public static void Answered(HttpContext context, int status, string code)
    {
        if (status == StatusCodes.Status409Conflict && Conflicts.Enabled)
        {
            Conflicts.Add(1, new KeyValuePair<string, object?>(ErrorCodeTag, code), new KeyValuePair<string, object?>(RouteTag, Route(context)));
        }
        else if (status == StatusCodes.Status429TooManyRequests && RateLimited.Enabled)
        {
            RateLimited.Add(1, new KeyValuePair<string, object?>(RouteTag, Route(context)));
        }
    }

    /// <summary>A delivery attempt, by the delivery's status after it; <paramref name="lag"/> is given when it delivered.</summary>
    public static void WebhookAttempted(string deliveryStatus, TimeSpan? lag)
    {
        var outcome = deliveryStatus == DeliveryStatuses.Pending ? "retrying" : deliveryStatus;
        WebhookAttempts.Add(1, new KeyValuePair<string, object?>(WebhookOutcomeTag, outcome));
        if (lag is { } value)
        {
            WebhookLag.Record(Math.Max(0, value.TotalSeconds));
        }
    }

    /// <summary>The trace activity of one delivery attempt (the HTTP request to the receiver is its child).</summary>
    public static Activity? StartWebhookAttempt(string deliveryId, string eventType, int attempt) =>
        Activities.StartActivity("webhook delivery")?
            .SetTag("leap.webhook.delivery_id", deliveryId)
            .SetTag("leap.webhook.event_type", eventType)
            .SetTag("leap.webhook.attempt", attempt);

    public static void SqliteWriteQueued() => SqliteQueueDepth.Add(1);

    /// <summary>The SQLite writer took <paramref name="size"/> writes off its queue: records it and starts the batch's activity.</summary>
    public static Activity? SqliteBatchTaken(int size)
    {
        SqliteQueueDepth.Add(-size);
        SqliteBatchSize.Record(size);
        return Activities.StartActivity("sqlite write batch")?.SetTag("leap.sqlite.batch_size", size);
    }

    /// <summary>The route template (<c>/api/v1/appointments/</c>), never the path: ids would make every series unique.</summary>
    private static string? Route(HttpContext context) => (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
}
