using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Leap.Server.Storage;
using Leap.Server.Telemetry;

namespace Leap.Server.Webhooks;

/// <summary>
/// Sends what the outbox recorded: claims due deliveries, POSTs each signed payload with a timeout, and
/// records the attempt in the delivery's log. A 2xx is delivered; anything else (status, timeout, refused connection) is retried
/// after the next delay of <see cref="WebhookOptions.RetryDelays"/> (with ±20% jitter) until they run out,
/// then the delivery is failed (it can be re-queued through the API). Delivery is at least once: a server
/// that dies mid-attempt leaves the claim to expire and the attempt to be made again.
/// </summary>
public sealed class WebhookDispatcher(Database database, WebhookOptions options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private readonly CrossTenantDb db = database.CrossTenant("webhook delivery");

    private const int MaxResponseChars = 1000;
    private const int Parallelism = 8;

    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        // A redirect is the receiver's configuration error to fix, not something to follow with a signed body.
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = options.Timeout,
        ConnectCallback = options.AllowPrivateNetworks ? null : ReceiverAddresses.ConnectToPublicAsync,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("Leap-Webhooks", "1.0") } },
    };

    /// <summary>Cut attempts short: cancelled only when the host's shutdown timeout runs out (see <see cref="StopAsync"/>).</summary>
    private readonly CancellationTokenSource abandon = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.DeliveryEnabled)
        {
            logger.LogInformation("Webhook delivery is off (Webhooks:DeliveryEnabled=false): events are recorded, not sent");
            return;
        }
        // Claims of attempts cut short by shutting down expire and are retried.
        await WorkRounds.RunAsync("Webhook delivery", RunOnceAsync, options.BatchSize, token => Task.Delay(options.PollInterval, token),
            options.PollInterval, logger, stoppingToken);
    }

    /// <summary>
    /// One round: claims what is due and attempts each; returns how many were claimed. <paramref name="ct"/> stops the
    /// claiming only: the attempts of a claimed batch are made (each within its timeout) and their outcomes recorded,
    /// so a graceful shutdown leaves no claim to expire and no delivery waiting for its lease.
    /// </summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claims = await WebhookStore.ClaimDueAsync(db, TypeHandlers.Truncate(now), TypeHandlers.Truncate(now + options.Lease), options.BatchSize, ct);
        await Parallel.ForEachAsync(claims, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = abandon.Token },
            async (claim, token) => await AttemptAsync(claim, token));
        return claims.Count;
    }

    private async Task AttemptAsync(WebhookStore.Claim claim, CancellationToken ct)
    {
        using var activity = LeapMetrics.StartWebhookAttempt(claim.Id, claim.EventType, claim.Attempts);
        var body = Encoding.UTF8.GetBytes(claim.Payload);
        var attemptedAt = TypeHandlers.Truncate(clock.GetUtcNow());
        var timestamp = attemptedAt.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, claim.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.IdHeader, claim.EventId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(claim.Secret, timestamp, body));

        int? status = null;
        string? response = null;
        string? error = null;
        var started = clock.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)answer.StatusCode;
            response = await ReadStartAsync(answer, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error ??= $"No response within {options.Timeout.TotalSeconds:0.###} seconds.";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }
        var duration = clock.GetElapsedTime(started);

        var delivered = status is >= 200 and < 300;
        var retry = claim.Attempts <= options.RetryDelays.Count;
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var next = delivered || !retry ? (DateTimeOffset?)null : TypeHandlers.Truncate(now + Jittered(options.RetryDelays[claim.Attempts - 1]));
        var outcome = delivered ? DeliveryStatuses.Delivered : retry ? DeliveryStatuses.Pending : DeliveryStatuses.Failed;
        if (!delivered)
        {
            error ??= $"The endpoint answered HTTP {status}; only 2xx counts as delivered.";
            activity?.SetStatus(ActivityStatusCode.Error, error);
            logger.LogInformation("Webhook delivery {DeliveryId} attempt {Attempt} failed ({Status}); {Outcome}",
                claim.Id, claim.Attempts, status?.ToString(CultureInfo.InvariantCulture) ?? "no response", retry ? $"retry at {next:O}" : "giving up");
        }
        var attempt = new WebhookDeliveryAttempt
        {
            Id = Ids.New(Ids.WebhookDeliveryAttempt),
            AttemptedAt = attemptedAt,
            DurationMs = (int)Math.Min(int.MaxValue, duration.TotalMilliseconds),
            StatusCode = status,
            Response = response,
            Error = delivered ? null : error,
        };
        await WebhookStore.RecordAttemptAsync(db, claim.Id, claim.Attempts, outcome, next, attempt, now, CancellationToken.None);
        LeapMetrics.WebhookAttempted(outcome, delivered ? now - claim.EventCreatedAt : null);
    }

    /// <summary>The first kilobyte of the answer, for the delivery log (receivers sometimes explain a refusal there).</summary>
    private static async Task<string?> ReadStartAsync(HttpResponseMessage answer, CancellationToken ct)
    {
        await using var stream = await answer.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxResponseChars];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return read == 0 ? null : new string(buffer, 0, read);
    }

    private static TimeSpan Jittered(TimeSpan delay) => delay * (0.8 + 0.4 * Random.Shared.NextDouble());

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var timedOut = cancellationToken.Register(abandon.Cancel);
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        http.Dispose();
        abandon.Dispose();
        base.Dispose();
    }
}
