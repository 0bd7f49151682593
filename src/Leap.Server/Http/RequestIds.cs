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

    private static string Assign(HttpContext context)
    {
        var id = "req_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        return id;
    }
}
