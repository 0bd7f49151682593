using System.Net;
using Leap.Server.Http;

namespace Leap.Server.Webhooks;

public static class WebhookValidation
{
    public static WebhookEndpoint Blank(string id, DateTimeOffset now) => new()
    {
        Id = id,
        Url = "",
        IsActive = true,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>Create and PATCH share one path, as elsewhere: absent fields keep their value.</summary>
    public static WebhookEndpoint Apply(BodyReader r, WebhookEndpoint current, bool creating, WebhookOptions options, DateTimeOffset now) => current with
    {
        Url = creating || r.Has("url") ? Url(r, options) ?? current.Url : current.Url,
        Events = creating || r.Has("events") ? Events(r) is { } events && !events.SequenceEqual(current.Events) ? events : current.Events : current.Events,
        Name = r.Has("name") ? r.String("name", 200) : current.Name,
        Description = r.Has("description") ? r.String("description", 2000, multiline: true) : current.Description,
        IsActive = r.Has("is_active") ? r.Bool("is_active", required: true) ?? current.IsActive : current.IsActive,
        UpdatedAt = now,
    };

    /// <summary>
    /// An absolute https URL of a public host (see <see cref="ReceiverAddresses"/>). Plain http is accepted for
    /// loopback hosts (a receiver on the developer's machine, with <c>Webhooks:AllowPrivateNetworks</c>) or
    /// everywhere with <c>Webhooks:AllowInsecureUrls</c>: signed payloads still carry patient data.
    /// </summary>
    private static string? Url(BodyReader r, WebhookOptions options)
    {
        var text = r.String("url", 2000, required: true);
        if (text is null)
        {
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            r.Fail("url", "must be an absolute https:// URL");
            return null;
        }
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            r.Fail("url", "must not contain credentials or a #fragment");
            return null;
        }
        if (!options.AllowPrivateNetworks && ReceiverAddresses.IsPrivateHost(uri))
        {
            r.Fail("url", ReceiverAddresses.Refused);
            return null;
        }
        if (uri.Scheme == "http" && !options.AllowInsecureUrls && !IsLoopback(uri))
        {
            r.Fail("url", "must use https (plain http is only accepted for localhost and 127.0.0.1)");
            return null;
        }
        return uri.AbsoluteUri;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static IReadOnlyList<string>? Events(BodyReader r)
    {
        var events = r.StringList("events", maxItems: WebhookEventTypes.Subscribable.Count + 1, maxLength: 64);
        if (events is null)
        {
            if (!r.Errors.Any(e => e.Field == "events"))
            {
                r.Fail("events", "is required: the event types to receive, or [\"*\"] for all");
            }
            return null;
        }
        if (events.Count == 0)
        {
            r.Fail("events", "must name at least one event type, or \"*\" for all");
            return null;
        }
        if (events.FirstOrDefault(e => e != WebhookEventTypes.All && !WebhookEventTypes.Subscribable.Contains(e)) is { } unknown)
        {
            r.Fail("events", $"'{unknown}' is not an event type; known types: {string.Join(", ", WebhookEventTypes.Subscribable)}");
            return null;
        }
        return events.Distinct().ToList();
    }
}
