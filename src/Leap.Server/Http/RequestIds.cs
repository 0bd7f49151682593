using System.Security.Cryptography;

namespace Leap.Server.Http;

/// <summary>
/// Gives every request an id, returned as <c>X-Request-Id</c> and as <c>meta.request_id</c>, and puts it in the log
/// scope of everything logged while the request runs, so that an id a client quotes finds its log lines.
/// </summary>
public sealed class RequestIds
{
    private const string ItemKey = "leap.request_id";
    public const string Header = "X-Request-Id";

    private RequestIds()
    {
    }

    public static string Get(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var id) && id is string s ? s : Assign(context);

    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        var id = Assign(context);
        using (context.RequestServices.GetRequiredService<ILogger<RequestIds>>().BeginScope("{RequestId}", id))
        {
            await next(context);
        }
    }

    /// <summary>A new id, for an answer given outside any request's pipeline (<see cref="RefusedRequests"/>).</summary>
    public static string New() => "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string Assign(HttpContext context)
    {
        var id = New();
        context.Items[ItemKey] = id;
        // The server's own diagnostics (Kestrel's log lines, the hosting log scope) name requests by this.
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        return id;
    }
}
