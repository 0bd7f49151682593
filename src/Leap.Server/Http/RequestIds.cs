using System.Security.Cryptography;

namespace Leap.Server.Http;

/// <summary>Gives every request an id, returned as <c>X-Request-Id</c> and as <c>meta.request_id</c>.</summary>
public static class RequestIds
{
    private const string ItemKey = "leap.request_id";
    public const string Header = "X-Request-Id";

    public static string Get(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var id) && id is string s ? s : Assign(context);

    public static Task Middleware(HttpContext context, RequestDelegate next)
    {
        Assign(context);
        return next(context);
    }

    /// <summary>A new id, for an answer given outside any request's pipeline (<see cref="RefusedRequests"/>).</summary>
    public static string New() => "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static string Assign(HttpContext context)
    {
        var id = New();
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        return id;
    }
}
