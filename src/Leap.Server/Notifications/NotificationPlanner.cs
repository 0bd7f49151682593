using System.Globalization;
using Leap.Server.Appointments;
using Leap.Server.Storage;

namespace Leap.Server.Notifications;

/// <summary>
/// Plans the messages an appointment change calls for, inside the change's own transaction (docs/notifications.md):
/// one row each, so a message exists exactly when its change does, and the database's unique key on (appointment,
/// trigger, occurrence, channel) keeps it to one. <see cref="NotificationWorker"/> sends them when they fall due.
/// </summary>
public sealed class NotificationPlanner(NotificationWorkerSignal signal)
{
    /// <summary>One message to plan.</summary>
    public sealed record Planned(string Trigger, string Occurrence, string Channel, DateTimeOffset DueAt, int? MinutesBefore = null);

    /// <summary>Plans what <paramref name="after"/> calls for (<paramref name="before"/> is null for a booking).</summary>
    public async Task PlanAsync(TenantDb db, Appointment? before, Appointment after, CancellationToken ct)
    {
        var (planned, outdated) = Decide(before, after, after.TemplateNotifications ?? await NotificationStore.TemplateSettingsAsync(db, after.AppointmentTypeId, ct));
        if (outdated is not null)
        {
            await NotificationStore.SkipPendingAsync(db, after.Id, outdated.Value.Reason, outdated.Value.Triggers, after.StartTime, after.UpdatedAt, ct);
        }
        if (planned.Count > 0)
        {
            await NotificationStore.InsertPlannedAsync(db, after, planned, ct);
            if (planned.Any(p => p.DueAt <= after.UpdatedAt))
            {
                WriteScope.AfterCommit(signal.Wake);
            }
        }
    }

    /// <summary>
    /// The rule, as a pure function of the change and the template's settings: the messages to plan, and which still
    /// pending ones the change makes pointless (skipped at once, with the reason, rather than when they fall due).
    /// </summary>
    public static (IReadOnlyList<Planned> Planned, (string Reason, IReadOnlyList<string> Triggers)? Outdated) Decide(
        Appointment? before, Appointment after, TemplateNotifications settings)
    {
        var now = after.UpdatedAt;
        var planned = new List<Planned>();
        void Messages(string trigger, IReadOnlyList<string> channels, string occurrence, DateTimeOffset due)
        {
            if (settings.SendsMessages)
            {
                planned.AddRange(channels.Select(channel => new Planned(trigger, occurrence, channel, due)));
            }
        }

        if (before is null)
        {
            if (AppointmentStatuses.IsActive(after.Status))
            {
                Messages(NotificationTriggers.Booked, settings.Booked.Channels, "1", now);
                planned.AddRange(Reminders(after, settings));
            }
            return (planned, null);
        }
        if (after.Status != before.Status && !AppointmentStatuses.IsActive(after.Status))
        {
            if (after.Status == AppointmentStatuses.Cancelled)
            {
                Messages(NotificationTriggers.Cancelled, settings.Cancelled.Channels, "1", now);
                return (planned, (SkipReasons.AppointmentCancelled, [NotificationTriggers.Booked, NotificationTriggers.Rescheduled, NotificationTriggers.Reminder]));
            }
            if (after.Status == AppointmentStatuses.Completed)
            {
                Messages(NotificationTriggers.FollowUp, settings.FollowUp.Channels, "1", now.AddMinutes(settings.FollowUp.MinutesAfter));
            }
            return (planned, (SkipReasons.AppointmentFinished, [NotificationTriggers.Reminder]));
        }
        if (after.StartTime != before.StartTime && AppointmentStatuses.IsActive(after.Status))
        {
            Messages(NotificationTriggers.Rescheduled, settings.Rescheduled.Channels, Instant(now), now);
            planned.AddRange(Reminders(after, settings));
            return (planned, (SkipReasons.AppointmentMoved, [NotificationTriggers.Rescheduled, NotificationTriggers.Reminder]));
        }
        return (planned, null);
    }

    /// <summary>
    /// Reminders for the appointment's start: one per offset and channel (and the webhook event, if the template
    /// raises it), unless already past. Their occurrence is the offset and the start, so moving an appointment away
    /// and back finds the reminders it had (one reminder per start, however often it moves).
    /// </summary>
    private static IEnumerable<Planned> Reminders(Appointment a, TemplateNotifications settings)
    {
        foreach (var reminder in settings.Reminders)
        {
            var due = a.StartTime.AddMinutes(-reminder.MinutesBefore);
            if (due <= a.UpdatedAt)
            {
                continue;
            }
            var occurrence = $"{reminder.MinutesBefore.ToString(CultureInfo.InvariantCulture)}@{Instant(a.StartTime)}";
            var channels = (settings.SendsMessages ? reminder.Channels : []).Concat(settings.RaisesReminderWebhooks ? [NotificationChannels.Webhook] : []);
            foreach (var channel in channels)
            {
                yield return new Planned(NotificationTriggers.Reminder, occurrence, channel, due, reminder.MinutesBefore);
            }
        }
    }

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString(TypeHandlers.SqliteTimestampFormat, CultureInfo.InvariantCulture);
}

/// <summary>Wakes this process's notification worker once a change with a message due now is committed.</summary>
public sealed class NotificationWorkerSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}
