using System.Globalization;
using Leap.Server.Episodes;
using Leap.Server.Notifications;
using Leap.Server.Pathways;
using Leap.Server.Resources;
using Leap.Server.Storage;
using Leap.Server.Waitlist;
using Leap.Server.Webhooks;

namespace Leap.Server.Appointments;

/// <summary>
/// The one way appointments are written, so every booking and change has its consequences: the change queues its
/// routing in its own transaction (<see cref="RoutingQueue"/>), and <see cref="RouteAsync"/> later raises the pathway
/// trigger (the event lands on an episode, whose id the appointment then records) and records the webhook event,
/// after the commit, once. Whatever books or changes an appointment (the API, a confirmed hold) calls
/// <see cref="BookAsync"/> or <see cref="ChangeAsync"/> inside its <c>WriteAsync</c>, instead of writing through
/// <see cref="AppointmentStore"/> itself.
/// </summary>
public sealed class AppointmentEvents(PathwayEngine pathways, WebhookOutbox outbox, RoutingQueue queue, NotificationPlanner notifications, ManageLinks links,
    WaitlistOffers waitlist)
{
    /// <summary>What each change raises when routed: its trigger (none for a plain update) and its verb on the timeline.</summary>
    private static readonly Dictionary<string, (string? Trigger, string Verb)> Routes = new(StringComparer.Ordinal)
    {
        [WebhookEventTypes.AppointmentCreated] = (PathwayValues.AppointmentBooked, "booked"),
        [WebhookEventTypes.AppointmentRescheduled] = (PathwayValues.AppointmentRescheduled, "rescheduled"),
        [WebhookEventTypes.AppointmentCancelled] = (PathwayValues.AppointmentCancelled, "cancelled"),
        [WebhookEventTypes.AppointmentCompleted] = (PathwayValues.AppointmentCompleted, "completed"),
        [WebhookEventTypes.AppointmentNoShow] = (PathwayValues.AppointmentNoShow, "missed (no-show)"),
        [WebhookEventTypes.AppointmentUpdated] = (null, "updated"),
    };

    /// <summary>Inserts a new appointment (the database refuses an overlap) and queues its routing.</summary>
    public async Task BookAsync(TenantDb db, Appointment appointment, CancellationToken ct)
    {
        await AppointmentStore.InsertAsync(db, appointment, ct);
        await queue.EnqueueAsync(db, RoutingQueue.Appointment, appointment.Id, appointment.PatientId, WebhookEventTypes.AppointmentCreated,
            appointment, null, ct);
        await notifications.PlanAsync(db, null, appointment, ct);
    }

    /// <summary>
    /// Saves a change and queues its routing: a new status (cancelled, completed, no-show) or new times (a reschedule)
    /// raise their trigger; any change sends its webhook event with the appointment before and after. A reschedule keeps
    /// the resources free at the new time and place and re-picks the others (409 <c>SLOT_UNAVAILABLE</c> when a type has
    /// none free). Returns the appointment as saved.
    /// </summary>
    public async Task<Appointment> ChangeAsync(TenantDb db, Appointment before, Appointment after, CancellationToken ct)
    {
        var (moved, shortage) = await ResourceBooking.RepickAsync(db, before, after, ct);
        after = shortage is null ? moved : throw ResourceBooking.Unavailable(after, shortage);
        await AppointmentStore.UpdateAsync(db, before, after, ct);
        var change = Classify(before, after);
        if (change == WebhookEventTypes.AppointmentRescheduled)
        {
            // Links sent for the old time must not move or cancel the new one; the answer carries a fresh link.
            await ManageLinks.RevokeAsync(db, after.Id, after.UpdatedAt, ct);
        }
        await queue.EnqueueAsync(db, RoutingQueue.Appointment, after.Id, after.PatientId, change, after, before, ct);
        await notifications.PlanAsync(db, before, after, ct);
        return after;
    }

    private static string Classify(Appointment before, Appointment after)
    {
        if (after.Status != before.Status)
        {
            return after.Status switch
            {
                AppointmentStatuses.Cancelled => WebhookEventTypes.AppointmentCancelled,
                AppointmentStatuses.Completed => WebhookEventTypes.AppointmentCompleted,
                AppointmentStatuses.NoShow => WebhookEventTypes.AppointmentNoShow,
                _ => WebhookEventTypes.AppointmentUpdated,
            };
        }
        return after.StartTime != before.StartTime || after.EndTime != before.EndTime
            ? WebhookEventTypes.AppointmentRescheduled
            : WebhookEventTypes.AppointmentUpdated;
    }

    /// <summary>
    /// Routes a queued change (inside the routing worker's transaction): files it on the episode the pathway rules
    /// choose, records that episode on the appointment, and records the webhook event. The appointment's own episode
    /// is read as routing left it so far (a patient's earlier changes are routed first), and its row stays locked
    /// until the end, so a concurrent change of the appointment waits.
    /// </summary>
    public async Task RouteAsync(TenantDb db, RoutingQueue.Entry entry, CancellationToken ct)
    {
        var after = queue.Read<Appointment>(entry.AfterJson);
        var before = entry.BeforeJson is null ? null : queue.Read<Appointment>(entry.BeforeJson);
        var filed = await AppointmentStore.EpisodeOfAsync(db, after.Id, ct);
        var (trigger, verb) = Routes[entry.Change];
        var episodeId = filed;
        if (trigger is not null)
        {
            episodeId = await RaiseAsync(db, trigger, verb, after with { EpisodeId = filed }, ct) ?? filed;
            if (episodeId != filed)
            {
                await AppointmentStore.FileAsync(db, after.Id, episodeId!, ct);
            }
        }
        // The payloads show the episode as routing has it: after this change, and before it (unless the change
        // itself moved the appointment to another episode, a PATCH of episode_id, whose previous value it replaced).
        var previous = before is null ? null : before with { EpisodeId = before.EpisodeId != after.EpisodeId ? before.EpisodeId : filed };
        // The event carries a manage link issued now (a clinic sending its own messages passes it on); the previous state none.
        await outbox.RecordAsync(db, entry.Change, links.Attach(db.Tenant, after with { EpisodeId = episodeId }), previous, ct);
        if (Freed(before, entry.Change) is { } slot)
        {
            await waitlist.OfferAsync(db, slot, ct);
        }
    }

    /// <summary>The slot a cancellation or a move gave up, when it was an active booking of a template with a clinician.</summary>
    private static WaitlistStore.FreedSlot? Freed(Appointment? before, string change) =>
        change is WebhookEventTypes.AppointmentCancelled or WebhookEventTypes.AppointmentRescheduled
            && before is { BlocksClinician: true, AppointmentTypeId: { } templateId, ClinicianProfileId: { } clinicianId }
            ? new WaitlistStore.FreedSlot(templateId, clinicianId, before.LocationId, before.StartTime, before.PatientId)
            : null;

    private Task<string?> RaiseAsync(TenantDb db, string trigger, string verb, Appointment a, CancellationToken ct)
    {
        var when = a.StartTime.UtcDateTime.ToString("ddd d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return pathways.RaiseAsync(db, new PathwayEngine.Trigger
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
    }
}
