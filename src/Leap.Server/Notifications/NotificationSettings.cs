using System.Globalization;
using Leap.Server.Http;

namespace Leap.Server.Notifications;

/// <summary>An organisation's notification settings (<c>GET/PATCH /notification-settings</c>), and how this server sends.</summary>
public sealed record NotificationSettings
{
    /// <summary>No message goes out between these local times (the appointment location's zone); null: none.</summary>
    public QuietHours? QuietHours { get; init; }
    /// <summary>Read-only: <c>smtp</c>, or <c>pickup_folder</c> when the server has no SMTP server set (docs/notifications.md).</summary>
    public string EmailDelivery { get; init; } = "pickup_folder";
    /// <summary>Read-only: the SMS provider this server uses (<c>none</c>, <c>govuk_notify</c>, <c>twilio</c>).</summary>
    public string SmsProvider { get; init; } = SmsOptions.None;
    public DateTimeOffset? UpdatedAt { get; init; }

    public static NotificationSettings Apply(BodyReader r, NotificationSettings current, DateTimeOffset now)
    {
        var quiet = current.QuietHours;
        if (r.Has("quiet_hours"))
        {
            var o = r.Object("quiet_hours");
            quiet = o is null ? null : new QuietHours(Clock(o, "start") ?? "", Clock(o, "end") ?? "");
            if (quiet is not null && quiet.Start == quiet.End && !o!.Failed("start"))
            {
                o.Fail("end", "must differ from start");
            }
        }
        return current with { QuietHours = quiet, UpdatedAt = now };
    }

    private static string? Clock(BodyReader r, string field)
    {
        var text = r.String(field, 5, required: true);
        if (text is not null && !TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            r.Fail(field, "must be a local time written HH:mm, e.g. \"21:00\"");
            return null;
        }
        return text;
    }
}

/// <summary>A nightly window, local time, e.g. 21:00 to 08:00 (crossing midnight) or 12:00 to 14:00.</summary>
public sealed record QuietHours(string Start, string End)
{
    /// <summary>
    /// When a message due at <paramref name="instant"/> may go: the instant itself outside the window, otherwise the
    /// window's end, in <paramref name="zone"/>.
    /// </summary>
    public DateTimeOffset Release(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var start = TimeOnly.ParseExact(Start, "HH:mm", CultureInfo.InvariantCulture);
        var end = TimeOnly.ParseExact(End, "HH:mm", CultureInfo.InvariantCulture);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = start < end ? time >= start && time < end : time >= start || time < end;
        if (!inside)
        {
            return instant;
        }
        var endDate = DateOnly.FromDateTime(local.DateTime);
        if (start > end && time >= start)
        {
            endDate = endDate.AddDays(1);
        }
        var endLocal = endDate.ToDateTime(end);
        // A local end time skipped by a clock change is read as the instant after the gap.
        while (zone.IsInvalidTime(endLocal))
        {
            endLocal = endLocal.AddMinutes(1);
        }
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }
}
