using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Leap.Client.Tests.Infrastructure;

/// <summary>
/// Server-side faults for the retry tests, placed in front of the whole pipeline of a test's own server:
/// requests to one method and path get an error before the server sees them (a 429 from a proxy, a 503 from
/// a restarting instance), hang, or run to completion and then lose their response (the connection drops
/// after the booking was committed, the case Idempotency-Keys exist for).
/// </summary>
public sealed class FaultInjection : IStartupFilter
{
    public abstract record Fault;

    /// <summary>Answer with this status and error code in the API's envelope, optionally with Retry-After (seconds).</summary>
    public sealed record Reject(int Status, string Code, int? RetryAfterSeconds = null) : Fault;

    /// <summary>Let the server do the work, then drop the connection instead of answering.</summary>
    public sealed record LoseResponse : Fault;

    /// <summary>Hold the request this long (or until the client gives up) before letting it through.</summary>
    public sealed record Stall(TimeSpan Duration) : Fault;

    private readonly Queue<(string Method, string PathSuffix, Fault Fault)> planned = new();
    private readonly ConcurrentDictionary<(string Method, string PathSuffix), bool> watched = new();
    private readonly ConcurrentQueue<string?> keysSeen = new();

    /// <summary>The Idempotency-Key of every request to a method and path that faults were planned for, in order.</summary>
    public IReadOnlyList<string?> KeysSeen => keysSeen.ToArray();

    /// <summary>The next <paramref name="times"/> requests to <paramref name="method"/> ...<paramref name="pathSuffix"/> get <paramref name="fault"/>.</summary>
    public FaultInjection Plan(string method, string pathSuffix, Fault fault, int times = 1)
    {
        watched[(method, pathSuffix)] = true;
        lock (planned)
        {
            for (var i = 0; i < times; i++)
            {
                planned.Enqueue((method, pathSuffix, fault));
            }
        }
        return this;
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var fault = Take(context.Request);
            switch (fault)
            {
                case Reject reject:
                    await RejectAsync(context, reject);
                    return;
                case LoseResponse:
                    context.Response.Body = new MemoryStream();
                    await nextMiddleware(context);
                    context.Abort();
                    return;
                case Stall stall:
                    await Task.Delay(stall.Duration, context.RequestAborted);
                    await nextMiddleware(context);
                    return;
                default:
                    await nextMiddleware(context);
                    return;
            }
        });
        next(app);
    };

    private Fault? Take(HttpRequest request)
    {
        if (!watched.Keys.Any(w => Matches(w.Method, w.PathSuffix, request)))
        {
            return null;
        }
        keysSeen.Enqueue(request.Headers["Idempotency-Key"].FirstOrDefault());
        lock (planned)
        {
            return planned.TryPeek(out var next) && Matches(next.Method, next.PathSuffix, request) ? planned.Dequeue().Fault : null;
        }
    }

    private static bool Matches(string method, string pathSuffix, HttpRequest request) =>
        request.Method == method && (request.Path.Value ?? "").EndsWith(pathSuffix, StringComparison.Ordinal);

    private static async Task RejectAsync(HttpContext context, Reject reject)
    {
        context.Response.StatusCode = reject.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers["X-Request-Id"] = "req_injected";
        if (reject.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var body = $$$"""{"data":null,"meta":{"request_id":"req_injected"},"error":{"code":"{{{reject.Code}}}","message":"Injected by the test."}}""";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body));
    }
}
