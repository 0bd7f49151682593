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

    /// <summary>The id prefix of each collection whose <c>/{collection}/{id}</c> paths take an id.</summary>
    private static readonly Dictionary<string, string> CollectionPrefixes = new(StringComparer.Ordinal)
    {
        ["patients"] = Ids.Patient,
        ["appointments"] = Ids.Appointment,
        ["appointment-templates"] = Ids.AppointmentTemplate,
        ["appointment-types"] = Ids.AppointmentTemplate,
        ["clinician-profiles"] = Ids.Clinician,
        ["clinicians"] = Ids.Clinician,
        ["locations"] = Ids.Location,
        ["episodes"] = Ids.Episode,
        ["episode-events"] = Ids.Event,
        ["holds"] = Ids.Hold,
        ["pathway-rules"] = Ids.PathwayRule,
        ["questionnaire-templates"] = Ids.QuestionnaireTemplate,
        ["questionnaire-responses"] = Ids.QuestionnaireResponse,
        ["webhooks"] = Ids.WebhookEndpoint,
        ["users"] = Ids.User,
        ["waitlist-entries"] = Ids.WaitlistEntry,
    };

    /// <summary>
    /// <c>/patients/{uuid}</c> reads as <c>/patients/pat_{uuid}</c>: Jump's examples show bare UUIDs where we issue
    /// prefixed ids, and both name the same record (docs/api-conventions.md). Runs before routing.
    /// </summary>
    public static Task PrefixBareIds(HttpContext context, RequestDelegate next)
    {
        // "/api/v1/" + a collection + "/" + a 36-character UUID: anything shorter cannot hold a bare id.
        if (context.Request.Path.StartsWithSegments(Root, out var rest) && rest.Value is { Length: > 38 } path)
        {
            var collectionEnd = path.IndexOf('/', 1);
            var idEnd = collectionEnd < 0 ? -1 : path.IndexOf('/', collectionEnd + 1);
            var id = collectionEnd < 0 ? "" : path[(collectionEnd + 1)..(idEnd < 0 ? path.Length : idEnd)];
            if (id.Length == 36 && CollectionPrefixes.TryGetValue(path[1..collectionEnd], out var prefix) && Ids.WithPrefix(id, prefix) is var prefixed && prefixed != id)
            {
                context.Request.Path = new PathString(Root + path[..(collectionEnd + 1)] + prefixed + (idEnd < 0 ? "" : path[idEnd..]));
            }
        }
        return next(context);
    }

    /// <summary>The path below the API root, e.g. <c>/patients</c>: the same whichever alias was called.</summary>
    public static string Relative(PathString path) =>
        path.StartsWithSegments(Root, out var rest) ? rest.Value ?? "/" : path.Value ?? "/";
}
