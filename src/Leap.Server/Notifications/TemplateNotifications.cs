using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Notifications;

/// <summary>
/// What an appointment template sends (the <c>notifications</c> object of a template, docs/notifications.md): per
/// trigger the channels, the reminders' offsets, and who sends (Leap, the clinic's own system through the
/// <c>appointment.reminder_due</c> webhook event, or both). A template that never set it has <see cref="Defaults"/>.
/// </summary>
public sealed record TemplateNotifications
{
    public const string ByLeap = "leap";
    public const string ByWebhook = "webhook";
    public const string ByBoth = "both";
    public static readonly IReadOnlyList<string> Deliveries = [ByLeap, ByWebhook, ByBoth];

    public const int MaxReminders = 5;
    public const int MaxMinutesBefore = 30 * 24 * 60;

    /// <summary>An email confirmation, reschedule and cancellation notice, a 24-hour email reminder and a 2-hour SMS one (sent only where SMS is set up).</summary>
    public static readonly TemplateNotifications Defaults = new()
    {
        Delivery = ByLeap,
        Booked = new TriggerChannels { Channels = [NotificationChannels.Email] },
        Rescheduled = new TriggerChannels { Channels = [NotificationChannels.Email] },
        Cancelled = new TriggerChannels { Channels = [NotificationChannels.Email] },
        FollowUp = new FollowUpSetting { Channels = [], MinutesAfter = 24 * 60 },
        Reminders =
        [
            new ReminderSetting { MinutesBefore = 24 * 60, Channels = [NotificationChannels.Email] },
            new ReminderSetting { MinutesBefore = 2 * 60, Channels = [NotificationChannels.Sms] },
        ],
    };

    public required string Delivery { get; init; }
    public required TriggerChannels Booked { get; init; }
    public required TriggerChannels Rescheduled { get; init; }
    public required TriggerChannels Cancelled { get; init; }
    public required FollowUpSetting FollowUp { get; init; }
    public required IReadOnlyList<ReminderSetting> Reminders { get; init; }

    /// <summary>Whether Leap itself sends messages to the patient (not only the webhook event).</summary>
    [JsonIgnore] public bool SendsMessages => Delivery != ByWebhook;

    /// <summary>Whether reminders also raise <c>appointment.reminder_due</c>.</summary>
    [JsonIgnore] public bool RaisesReminderWebhooks => Delivery != ByLeap;

    /// <summary>
    /// Reads the <c>notifications</c> object of a template request over <paramref name="current"/>: each member sent
    /// replaces that member whole, members left out keep their value.
    /// </summary>
    public static TemplateNotifications Apply(BodyReader template, TemplateNotifications current)
    {
        if (!template.Has("notifications"))
        {
            return current;
        }
        var r = template.Object("notifications", required: true);
        if (r is null)
        {
            return current;
        }
        TriggerChannels Trigger(string field, TriggerChannels existing)
        {
            if (!r.Has(field))
            {
                return existing;
            }
            var o = r.Object(field, required: true);
            return o is null ? existing : new TriggerChannels { Channels = Channels(o) ?? existing.Channels };
        }

        var followUp = current.FollowUp;
        if (r.Has("follow_up") && r.Object("follow_up", required: true) is { } f)
        {
            followUp = new FollowUpSetting
            {
                Channels = Channels(f) ?? followUp.Channels,
                MinutesAfter = f.Has("minutes_after") ? f.Int("minutes_after", 0, MaxMinutesBefore, required: true) ?? followUp.MinutesAfter : followUp.MinutesAfter,
            };
        }
        var reminders = current.Reminders;
        if (r.Has("reminders") && r.Objects("reminders", MaxReminders, required: true) is { } items)
        {
            reminders = items.Select(item => new ReminderSetting
            {
                MinutesBefore = item.Int("minutes_before", 1, MaxMinutesBefore, required: true) ?? 0,
                Channels = Channels(item) ?? [],
            }).ToList();
            if (reminders.Select(x => x.MinutesBefore).Distinct().Count() < reminders.Count)
            {
                r.Fail("reminders", "two reminders have the same minutes_before");
            }
        }
        return new TemplateNotifications
        {
            Delivery = r.Has("delivery") ? r.Enum("delivery", Deliveries, required: true) ?? current.Delivery : current.Delivery,
            Booked = Trigger(NotificationTriggers.Booked, current.Booked),
            Rescheduled = Trigger(NotificationTriggers.Rescheduled, current.Rescheduled),
            Cancelled = Trigger(NotificationTriggers.Cancelled, current.Cancelled),
            FollowUp = followUp,
            Reminders = reminders,
        };
    }

    /// <summary>The <c>channels</c> member: a list of distinct channels (an empty list turns the trigger off).</summary>
    private static List<string>? Channels(BodyReader r)
    {
        var channels = r.StringList("channels", maxItems: NotificationChannels.Messages.Count, maxLength: 20);
        if (channels is null)
        {
            return null;
        }
        if (channels.FirstOrDefault(c => !NotificationChannels.Messages.Contains(c)) is { } unknown)
        {
            r.Fail("channels", $"'{unknown}' is not a channel: use {string.Join(" or ", NotificationChannels.Messages)}");
            return null;
        }
        return channels.Distinct().ToList();
    }
}

public sealed record TriggerChannels
{
    public required IReadOnlyList<string> Channels { get; init; }
}

public sealed record FollowUpSetting
{
    public required IReadOnlyList<string> Channels { get; init; }
    /// <summary>How long after the appointment is completed the follow-up is sent.</summary>
    public int MinutesAfter { get; init; }
}

public sealed record ReminderSetting
{
    public int MinutesBefore { get; init; }
    public required IReadOnlyList<string> Channels { get; init; }
}
