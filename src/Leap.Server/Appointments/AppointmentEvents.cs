using System.Globalization;
using Leap.Server.Episodes;
using Leap.Server.Pathways;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Appointments;

/// <summary>
/// The one way appointments are written, so every booking and change has its consequences in the same
/// transaction: the pathway trigger (the event lands on an episode, whose id the appointment records) and the
/// webhook event. Whatever books or changes an appointment (the API, a confirmed hold) calls
/// <see cref="BookAsync"/> or <see cref="ChangeAsync"/> inside its <c>WriteAsync</c>, instead of writing
/// through <see cref="AppointmentStore"/> itself.
/// </summary>
public sealed class AppointmentEvents(PathwayEngine pathways, WebhookOutbox outbox)
{
    /// <summary>Inserts a new appointment (the database refuses an overlap) with its trigger and event; returns it as stored.</summary>
    public async Task<Appointment> BookAsync(TenantDb db, Appointment appointment, CancellationToken ct)
    {
        appointment = await RouteAsync(db, PathwayValues.AppointmentBooked, "booked", appointment, ct);
        await AppointmentStore.InsertAsync(db, appointment, ct);
        await outbox.RecordAsync(db, WebhookEventTypes.AppointmentCreated, appointment, null, ct);
        return appointment;
    }

    /// <summary>
    /// Saves a change: a new status (cancelled, completed, no-show) or new times (a reschedule) raise their
    /// trigger; any change sends its webhook event with the appointment before and after. Returns it as stored.
    /// </summary>
    public async Task<Appointment> ChangeAsync(TenantDb db, Appointment before, Appointment after, CancellationToken ct)
    {
        var (trigger, verb, webhook) = Classify(before, after);
        if (trigger is not null)
        {
            after = await RouteAsync(db, trigger, verb, after, ct);
        }
        await AppointmentStore.UpdateAsync(db, before, after, ct);
        await outbox.RecordAsync(db, webhook, after, before, ct);
        return after;
    }

    private static (string? Trigger, string Verb, string Webhook) Classify(Appointment before, Appointment after)
    {
        if (after.Status != before.Status)
        {
            return after.Status switch
            {
                AppointmentStatuses.Cancelled => (PathwayValues.AppointmentCancelled, "cancelled", WebhookEventTypes.AppointmentCancelled),
                AppointmentStatuses.Completed => (PathwayValues.AppointmentCompleted, "completed", WebhookEventTypes.AppointmentCompleted),
                AppointmentStatuses.NoShow => (PathwayValues.AppointmentNoShow, "missed (no-show)", WebhookEventTypes.AppointmentNoShow),
                _ => (null, "updated", WebhookEventTypes.AppointmentUpdated),
            };
        }
        return after.StartTime != before.StartTime || after.EndTime != before.EndTime
            ? (PathwayValues.AppointmentRescheduled, "rescheduled", WebhookEventTypes.AppointmentRescheduled)
            : (null, "updated", WebhookEventTypes.AppointmentUpdated);
    }

    private async Task<Appointment> RouteAsync(TenantDb db, string trigger, string verb, Appointment a, CancellationToken ct)
    {
        var when = a.StartTime.UtcDateTime.ToString("ddd d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var episodeId = await pathways.RaiseAsync(db, new PathwayEngine.Trigger
        {
            Type = trigger,
            PatientId = a.PatientId,
            EpisodeId = a.EpisodeId,
            Facts = new TriggerFacts
            {
                AppointmentTypeId = a.AppointmentTypeId, ClinicianProfileId = a.ClinicianProfileId, LocationId = a.LocationId, IsRemote = a.IsRemote,
            },
            EventType = EpisodeEventTypes.Appointment,
            EventTitle = $"Appointment {verb}: {a.Title}, {when}",
            EventDescription = a.Status == AppointmentStatuses.Cancelled ? a.CancellationReason : null,
            RelatedObjectType = "appointment",
            RelatedObjectId = a.Id,
            EpisodeTitle = $"Appointment: {a.Title}",
        }, a.UpdatedAt, ct);
        return a with { EpisodeId = episodeId ?? a.EpisodeId };
    }
}
