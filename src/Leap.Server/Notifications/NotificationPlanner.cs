using System.Globalization;
using Leap.Server.Appointments;
using Leap.Server.Participants;
using Leap.Server.Storage;

namespace Leap.Server.Notifications;

/// <summary>
/// Plans the messages an appointment change calls for, inside the change's own transaction (docs/notifications.md):
/// one row each, so a message exists exactly when its change does, and the database's unique key on (appointment,
/// patient, trigger, occurrence, channel) keeps it to one. <see cref="NotificationWorker"/> sends them when they fall due.
/// </summary>
public sealed class NotificationPlanner(NotificationWorkerSignal signal)
{
    /// <summary>One message to plan.</summary>
    public sealed record Planned(string Trigger, string Occurrence, string Channel, DateTimeOffset DueAt, int? MinutesBefore = null);

    /// <summary>
    /// Plans what <paramref name="after"/> calls for (<paramref name="before"/> is null for a booking): to its patient, or for
    /// a change of a group session to each patient who takes part (a new session's one participant is its booking patient).
    /// </summary>
    public async Task PlanAsync(TenantDb db, Appointment? before, Appointment after, CancellationToken ct)
    {
        var (planned, outdated) = Decide(before, after, await SettingsAsync(db, after, ct));
        if (outdated is not null)
        {
            await NotificationStore.SkipPendingAsync(db, after.Id, outdated.Value.Reason, outdated.Value.Triggers, after.StartTime, after.UpdatedAt, ct);
        }
        if (planned.Count > 0)
        {
            await InsertAsync(db, after, before is null || after.MaxParticipants is null ? [after.PatientId]
                : await ParticipantStore.JoinedPatientsAsync(db, after.Id, ct), planned, ct);
        }
    }

    /// <summary>A patient joined a group session: their own confirmation (once per join) and reminders, as a booking's.</summary>
    public async Task PlanJoinAsync(TenantDb db, Appointment session, string patientId, DateTimeOffset now, CancellationToken ct)
    {
        var joined = session with { UpdatedAt = now };
        var (planned, _) = Decide(null, joined, await SettingsAsync(db, session, ct));
        await InsertAsync(db, joined, [patientId],
            [.. planned.Select(p => p.Trigger == NotificationTriggers.Booked ? p with { Occurrence = $"joined@{Instant(now)}" } : p)], ct);
    }

    /// <summary>A participant left a group session: a cancellation to them alone, and their own pending messages about it skipped.</summary>
    public async Task PlanLeaveAsync(TenantDb db, Appointment session, string patientId, DateTimeOffset now, CancellationToken ct)
    {
        await NotificationStore.SkipPendingAsync(db, session.Id, SkipReasons.ParticipantLeft,
            [NotificationTriggers.Booked, NotificationTriggers.Rescheduled, NotificationTriggers.Reminder], session.StartTime, now, ct, patientId);
        var settings = await SettingsAsync(db, session, ct);
        if (settings.SendsMessages)
        {
            await InsertAsync(db, session with { UpdatedAt = now }, [patientId],
                [.. settings.Cancelled.Channels.Select(channel => new Planned(NotificationTriggers.Cancelled, $"left@{Instant(now)}", channel, now))], ct);
        }
    }

    private static async Task<TemplateNotifications> SettingsAsync(TenantDb db, Appointment a, CancellationToken ct) =>
        a.TemplateNotifications ?? await NotificationStore.TemplateSettingsAsync(db, a.AppointmentTypeId, ct);

    /// <summary>
    /// Plans each message to each recipient; the <c>appointment.reminder_due</c> webhook event is the appointment's, not
    /// each participant's, so it is planned once, on the appointment's patient (a join finds it planned already).
    /// </summary>
    private async Task InsertAsync(TenantDb db, Appointment a, IReadOnlyList<string> recipients, IReadOnlyList<Planned> planned, CancellationToken ct)
    {
        var rows = planned.SelectMany(p => p.Channel == NotificationChannels.Webhook ? [(a.PatientId, p)] : recipients.Select(r => (r, p))).ToList();
        if (rows.Count == 0)
        {
            return;
        }
        await NotificationStore.InsertPlannedAsync(db, a, rows, ct);
        if (planned.Any(p => p.DueAt <= a.UpdatedAt))
        {
            WriteScope.AfterCommit(signal.Wake);
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
