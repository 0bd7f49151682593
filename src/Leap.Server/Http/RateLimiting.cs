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
        var used = await counter.IncrementAsync(caller.KeyId, windowStart, context.RequestAborted);

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
    ValueTask<long> IncrementAsync(string keyId, DateTimeOffset windowStart, CancellationToken ct);
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

    public ValueTask<long> IncrementAsync(string keyId, DateTimeOffset windowStart, CancellationToken ct)
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
/// </summary>
public sealed class DatabaseRateLimitCounter(Database db) : IRateLimitCounter
{
    public async ValueTask<long> IncrementAsync(string keyId, DateTimeOffset windowStart, CancellationToken ct) =>
        await db.ExecuteScalarRelaxedAsync<long>(
            """
            INSERT INTO rate_limit_windows (key_id, window_start, request_count) VALUES (@keyId, @windowStart, 1)
            ON CONFLICT (key_id, window_start) DO UPDATE SET request_count = rate_limit_windows.request_count + 1
            RETURNING request_count
            """,
            new { keyId, windowStart }, ct);

    /// <summary>Windows that ended over an hour ago are of no further use.</summary>
    public Task<int> PurgeAsync(DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM rate_limit_windows WHERE window_start < @cutoff", new { cutoff = now - 2 * RateLimiting.Window }, ct);
}
