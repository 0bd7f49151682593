using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Waitlist;

namespace Leap.Server.Telemetry;

/// <summary>
/// Paths that carry a bearer secret in a segment: a patient's manage link (<c>/manage/{token}</c>, its API under
/// <c>/api/v1/manage/{token}/...</c> and Jump's alias), a waitlist offer's claim link (<c>/api/v1/waitlist-offers/{token}</c>)
/// and a calendar feed (<c>/ical/{token}.ics</c>). Whoever reads
/// a trace must not be able to act as the patient, so traces carry the route's template in place of the token
/// (docs/observability.md, "What traces and logs never carry").
/// </summary>
public static class SecretPaths
{
    public const string TokenPlaceholder = "{token}";

    private static readonly string[] ManagePrefixes =
        [
            ManageLinks.PagePath + "/", ApiPaths.Root + ManageLinks.PagePath + "/", ApiPaths.JumpAlias + ManageLinks.PagePath + "/",
            ApiPaths.Root + WaitlistOffers.OfferPath + "/", ApiPaths.JumpAlias + WaitlistOffers.OfferPath + "/",
        ];

    private const string CalendarFeedPrefix = "/ical/";

    /// <summary>The path with its secret segment replaced by <c>{token}</c>, or null when it carries none.</summary>
    public static string? Redact(string path)
    {
        foreach (var prefix in ManagePrefixes)
        {
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var end = path.IndexOf('/', prefix.Length);
                return prefix + TokenPlaceholder + (end < 0 ? "" : path[end..]);
            }
        }
        if (path.StartsWith(CalendarFeedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return CalendarFeedPrefix + TokenPlaceholder + (path.EndsWith(".ics", StringComparison.OrdinalIgnoreCase) ? ".ics" : "");
        }
        return null;
    }
}
