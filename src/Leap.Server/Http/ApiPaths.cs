namespace Leap.Server.Http;

/// <summary>
/// The API lives at <c>/api/v1</c> and also answers at Jump's own path, <c>/functions/v1/api-v1</c>, so a
/// Jump client only needs its host changed. Requests on the alias are rewritten before routing.
/// </summary>
public static class ApiPaths
{
    public const string Root = "/api/v1";
    public static readonly PathString JumpAlias = "/functions/v1/api-v1";

    public static Task RewriteJumpAlias(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Path.StartsWithSegments(JumpAlias, out var rest))
        {
            context.Request.Path = new PathString(Root).Add(rest);
        }
        return next(context);
    }

    /// <summary>The path below the API root, e.g. <c>/patients</c>: the same whichever alias was called.</summary>
    public static string Relative(PathString path) =>
        path.StartsWithSegments(Root, out var rest) ? rest.Value ?? "/" : path.Value ?? "/";
}
