using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Leap.Server.Http;

namespace Leap.Server.Notifications;

/// <summary>
/// An organisation's wording of one message (trigger and channel): subject (email), plain text, and HTML (email; when
/// absent, made from the text). Placeholders are written <c>{{name}}</c>; a line with a placeholder that has no value
/// (no clinician, no manage link yet) is left out whole.
/// </summary>
public sealed record MessageTemplate
{
    public required string Trigger { get; init; }
    public required string Channel { get; init; }
    public string? Subject { get; init; }
    public required string Text { get; init; }
    public string? Html { get; init; }
    /// <summary>True while the organisation has not changed it (the built-in wording).</summary>
    public bool IsDefault { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>Whatever a message can say, worked out when it is sent.</summary>
public sealed record MessageFacts
{
    public required string PatientFirstName { get; init; }
    public required string Service { get; init; }
    public string? Clinician { get; init; }
    public string? Location { get; init; }
    public string? LocationAddress { get; init; }
    public string? LocationPhone { get; init; }
    /// <summary>The start in the location's time zone, e.g. "Monday 7 January 2030 at 09:00".</summary>
    public required string StartTime { get; init; }
    public required string TimeZone { get; init; }
    public string? ManageUrl { get; init; }
    public required string Organisation { get; init; }

    public string? Value(string placeholder) => placeholder switch
    {
        "patient_first_name" => PatientFirstName,
        "service" => Service,
        "clinician" => Clinician,
        "location" => Location,
        "location_address" => LocationAddress,
        "location_phone" => LocationPhone,
        "start_time" => StartTime,
        "time_zone" => TimeZone,
        "manage_url" => ManageUrl,
        "organisation" => Organisation,
        _ => null,
    };
}

public static partial class MessageTemplates
{
    public static readonly IReadOnlyList<string> Placeholders =
        ["patient_first_name", "service", "clinician", "location", "location_address", "location_phone", "start_time", "time_zone", "manage_url", "organisation"];

    /// <summary>Every (trigger, channel) a message can be written for.</summary>
    public static IEnumerable<(string Trigger, string Channel)> Kinds =>
        NotificationTriggers.All.SelectMany(t => NotificationChannels.Messages.Select(c => (t, c)));

    public const int MaxSubject = 200;
    public const int MaxText = 5000;
    public const int MaxHtml = 20_000;

    private const string Details =
        """
        Clinician: {{clinician}}
        Location: {{location}}
        Address: {{location_address}}
        Manage your booking: {{manage_url}}
        """;

    /// <summary>The built-in wording (British English; organisations change it through the API).</summary>
    public static MessageTemplate Default(string trigger, string channel)
    {
        var (subject, opening, sms) = trigger switch
        {
            NotificationTriggers.Booked => ("Your appointment on {{start_time}}",
                "Your appointment for {{service}} is booked for {{start_time}} ({{time_zone}}).",
                "{{organisation}}: your {{service}} appointment is booked for {{start_time}}.\nManage: {{manage_url}}"),
            NotificationTriggers.Rescheduled => ("Your appointment has moved to {{start_time}}",
                "Your appointment for {{service}} has moved. It is now on {{start_time}} ({{time_zone}}).",
                "{{organisation}}: your {{service}} appointment has moved to {{start_time}}.\nManage: {{manage_url}}"),
            NotificationTriggers.Reminder => ("Reminder: your appointment on {{start_time}}",
                "This is a reminder of your appointment for {{service}} on {{start_time}} ({{time_zone}}).",
                "{{organisation}}: reminder of your {{service}} appointment on {{start_time}}.\nManage: {{manage_url}}"),
            NotificationTriggers.Cancelled => ("Your appointment on {{start_time}} is cancelled",
                "Your appointment for {{service}} on {{start_time}} ({{time_zone}}) has been cancelled.",
                "{{organisation}}: your {{service}} appointment on {{start_time}} is cancelled."),
            NotificationTriggers.FollowUp => ("Thank you for your visit",
                "Thank you for coming to your {{service}} appointment on {{start_time}}. If anything is unclear, please get in touch.",
                "{{organisation}}: thank you for your visit. Please get in touch if anything is unclear."),
            _ => throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "Not a trigger."),
        };
        var details = trigger is NotificationTriggers.Cancelled or NotificationTriggers.FollowUp ? "Phone: {{location_phone}}" : Details;
        return channel == NotificationChannels.Sms
            ? new MessageTemplate { Trigger = trigger, Channel = channel, Text = sms, IsDefault = true }
            : new MessageTemplate
            {
                Trigger = trigger, Channel = channel, Subject = subject, IsDefault = true,
                Text = $"Hello {{{{patient_first_name}}}},\n\n{opening}\n\n{details}\n\n{{{{organisation}}}}\n",
            };
    }

    /// <summary>The organisation's change to <paramref name="current"/> (a PATCH body): subject, text and html, each optional.</summary>
    public static MessageTemplate Apply(BodyReader r, MessageTemplate current, DateTimeOffset now)
    {
        var email = current.Channel == NotificationChannels.Email;
        var subject = email && r.Has("subject") ? r.String("subject", MaxSubject, required: true) ?? current.Subject : current.Subject;
        var text = r.Has("text") ? r.String("text", MaxText, required: true, multiline: true) ?? current.Text : current.Text;
        var html = email && r.Has("html") ? r.String("html", MaxHtml, multiline: true) : current.Html;
        if (!email && (r.Has("subject") || r.Has("html")))
        {
            r.Fail(r.Has("subject") ? "subject" : "html", "an SMS has only a text");
        }
        foreach (var (field, value) in new[] { ("subject", subject), ("text", text), ("html", html) })
        {
            if (value is not null && UnknownPlaceholder(value) is { } unknown)
            {
                r.Fail(field, $"{{{{{unknown}}}}} is not a placeholder; use {string.Join(", ", Placeholders.Select(p => "{{" + p + "}}"))}");
            }
        }
        return current with { Subject = subject, Text = text, Html = html, IsDefault = false, UpdatedAt = now };
    }

    private static string? UnknownPlaceholder(string text) =>
        Placeholder().Matches(text).Select(m => m.Groups[1].Value).FirstOrDefault(name => !Placeholders.Contains(name));

    /// <summary>The text with its placeholders filled in; lines naming a placeholder without a value are left out.</summary>
    public static string Render(string template, MessageFacts facts, bool html = false)
    {
        var lines = template.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Where(line => Placeholder().Matches(line).All(m => !string.IsNullOrWhiteSpace(facts.Value(m.Groups[1].Value))))
            .Select(line => Placeholder().Replace(line, m =>
            {
                var value = facts.Value(m.Groups[1].Value) ?? "";
                return html ? WebUtility.HtmlEncode(value) : value;
            }));
        return string.Join("\n", lines);
    }

    /// <summary>HTML made from a rendered plain text: escaped, one paragraph per blank-line-separated block.</summary>
    public static string HtmlFromText(string text)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family: sans-serif\">");
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            html.Append("<p>").Append(string.Join("<br>", block.Split('\n').Select(Linked))).Append("</p>");
        }
        return html.Append("</body></html>").ToString();
    }

    private static string Linked(string line) => Url().Replace(WebUtility.HtmlEncode(line), m => $"<a href=\"{m.Value}\">{m.Value}</a>");

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Url();
}
