using System.Diagnostics;

namespace Leap.Server.Http;

/// <summary>
/// How many requests this process is answering right now, so background work that can wait a little (sending
/// notifications) gives way to people waiting for an answer when the server is saturated.
/// </summary>
public sealed class RequestLoad
{
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(50);
    private int inFlight;

    public int InFlight => Volatile.Read(ref inFlight);

    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref inFlight);
        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
        }
    }

    /// <summary>
    /// Waits while at least <paramref name="busy"/> requests are in flight, for at most <paramref name="longest"/>
    /// (real time, whatever clock the caller's business runs on); returns at once when <paramref name="busy"/> is 0.
    /// </summary>
    public async Task GiveWayAsync(int busy, TimeSpan longest, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (busy > 0 && InFlight >= busy && waited.Elapsed < longest)
        {
            await Task.Delay(Recheck < longest - waited.Elapsed ? Recheck : longest - waited.Elapsed, ct);
        }
    }
}
