using System.Collections.Concurrent;
using System.Globalization;
using Leap.Server.Storage;

namespace Leap.Server.Http;

/// <summary>
/// Per-key request budget in fixed clock-hour windows (Jump: 1,000 per hour, resetting on the hour).
/// Every authenticated response carries <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and
/// <c>X-RateLimit-Reset</c> (Unix seconds); over the limit is a 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimiting(IRateLimitCounter counter, TimeProvider clock) : IMiddleware
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Caller.Of(context) is not { } caller)
        {
            await next(context);
            return;
        }
        var now = clock.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % Window.Ticks, TimeSpan.Zero);
        var reset = windowStart + Window;
        var used = await counter.IncrementAsync(caller.Id, windowStart, caller.RateLimitPerHour, context.RequestAborted);

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = caller.RateLimitPerHour.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = Math.Max(0, caller.RateLimitPerHour - used).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (used > caller.RateLimitPerHour)
        {
            throw new ApiException(429, ErrorCodes.RateLimited,
                $"Rate limit exceeded: this key may make {caller.RateLimitPerHour} requests per hour. " +
                $"The limit resets at {reset:HH:mm} UTC (on the hour).")
            {
                RetryAfter = reset - now,
            };
        }
        await next(context);
    }
}

/// <summary>Counts requests per key and window; returns the count including this request.</summary>
public interface IRateLimitCounter
{
    ValueTask<long> IncrementAsync(string keyId, DateTimeOffset windowStart, long limit, CancellationToken ct);
}

/// <summary>In-process counts: right for a single server (the SQLite deployment).</summary>
public sealed class MemoryRateLimitCounter : IRateLimitCounter
{
    private sealed class Bucket(DateTimeOffset start)
    {
        public readonly DateTimeOffset Start = start;
        public long Count;
    }

    private readonly ConcurrentDictionary<string, Bucket> buckets = new();

    public ValueTask<long> IncrementAsync(string keyId, DateTimeOffset windowStart, long limit, CancellationToken ct)
    {
        while (true)
        {
            var bucket = buckets.GetOrAdd(keyId, _ => new Bucket(windowStart));
            if (bucket.Start == windowStart)
            {
                return ValueTask.FromResult(Interlocked.Increment(ref bucket.Count));
            }
            if (bucket.Start < windowStart)
            {
                buckets.TryUpdate(keyId, new Bucket(windowStart), bucket);
                continue;
            }
            // A request that read the clock just before the window turned: count it in the window it saw.
            return ValueTask.FromResult(1L);
        }
    }
}

/// <summary>
/// Counts shared through the database, so several server processes enforce one budget per key. The
/// counter commits without waiting for the disk (synchronous_commit off): a crash may forget a few counts,
/// never a booking.
/// <para>
/// Every increment of one key updates one row, so a busy key's requests would queue on that row's lock. While a
/// key is far from its limit (more than <see cref="Margin"/> requests left) its increments are therefore added up
/// in this process and sent every <see cref="FlushInterval"/>; close to the limit each request is counted in the
/// database at once, so the limit itself stays exact. Far from the limit, the count another process sees can
/// lag by what arrived in the last 50 ms, well inside the margin.
/// </para>
/// </summary>
public sealed class DatabaseRateLimitCounter(Database database, ILogger<DatabaseRateLimitCounter> logger) : IRateLimitCounter, IAsyncDisposable
{
    private readonly CrossTenantDb db = database.CrossTenant("rate limits");

    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);

    private const string Upsert =
        """
        INSERT INTO rate_limit_windows (key_id, window_start, request_count) VALUES (@keyId, @windowStart, @requests)
        ON CONFLICT (key_id, window_start) DO UPDATE SET request_count = rate_limit_windows.request_count + @requests
        RETURNING request_count
        """;

    private sealed class KeyWindow(DateTimeOffset start)
    {
        public readonly Lock Gate = new();
        public DateTimeOffset Start = start;
        /// <summary>The count the database last reported.</summary>
        public long Counted;
        /// <summary>Requests let through here and not yet sent.</summary>
        public long Pending;
    }

    private readonly ConcurrentDictionary<string, KeyWindow> windows = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? flushing;

    /// <summary>How many requests must be left for a key's increments to be batched: a tenth of the limit, at least 1,000.</summary>
    public static long Margin(long limit) => Math.Max(1_000, limit / 10);

    public async ValueTask<long> IncrementAsync(string keyId, DateTimeOffset windowStart, long limit, CancellationToken ct)
    {
        var window = windows.GetOrAdd(keyId, _ => new KeyWindow(windowStart));
        long send;
        lock (window.Gate)
        {
            if (window.Start != windowStart)
            {
                // A new hour: what was pending belonged to the old one, which no longer limits anything.
                (window.Start, window.Counted, window.Pending) = (windowStart, 0, 0);
            }
            var estimate = window.Counted + window.Pending + 1;
            if (limit - estimate > Margin(limit))
            {
                window.Pending++;
                flushing ??= Task.Run(FlushLoopAsync, CancellationToken.None);
                return estimate;
            }
            send = window.Pending + 1;
            window.Pending = 0;
        }
        var counted = await db.ScalarRelaxedAsync<long>(Upsert, new { keyId, windowStart, requests = send }, ct);
        Record(window, windowStart, counted);
        return counted;
    }

    private static void Record(KeyWindow window, DateTimeOffset windowStart, long counted)
    {
        lock (window.Gate)
        {
            if (window.Start == windowStart)
            {
                window.Counted = Math.Max(window.Counted, counted);
            }
        }
    }

    private async Task FlushLoopAsync()
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                await FlushAsync(stopping.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        foreach (var (keyId, window) in windows)
        {
            DateTimeOffset windowStart;
            long send;
            lock (window.Gate)
            {
                (windowStart, send, window.Pending) = (window.Start, window.Pending, 0);
            }
            if (send == 0)
            {
                continue;
            }
            try
            {
                Record(window, windowStart, await db.ScalarRelaxedAsync<long>(Upsert, new { keyId, windowStart, requests = send }, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The requests were already let through; losing their count only errs towards letting more in.
                logger.LogWarning(e, "Could not record {Count} requests of API key {KeyId}", send, keyId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (flushing is not null)
        {
            await flushing;
        }
        await FlushAsync(CancellationToken.None);
        stopping.Dispose();
    }

    /// <summary>Windows that ended over an hour ago are of no further use.</summary>
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync("DELETE FROM rate_limit_windows WHERE window_start < @cutoff", new { cutoff = now - 2 * RateLimiting.Window }, ct);
}
