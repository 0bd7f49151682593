using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Participants;

/// <summary>
/// The participants of a group appointment (docs/groups-and-resources.md): patients join and leave one by one, the
/// session itself staying as it is; the database keeps the count within the capacity however many join at once.
/// </summary>
public static class ParticipantsApi
{
    private const string Path = "/appointments/{id}/participants";

    public static void MapParticipants(this IEndpointRouteBuilder api)
    {
        api.MapGet(Path, List).WithTags("Appointments").RequireScope(Scopes.ReadAppointments);
        api.MapPost(Path, Join).WithTags("Appointments").RequireScope(Scopes.WriteAppointments).Idempotent()
            .Reads("ParticipantCreate", r => r.Id("patient_id", Ids.Patient, required: true), $$"""{"patient_id": "{{ExampleIds.Patient}}"}""");
        api.MapDelete(Path + "/{patientId}", Leave).WithTags("Appointments").RequireScope(Scopes.WriteAppointments).Idempotent();
    }

    private static async Task<ApiList<Participant>> List(string id, TenantDb db, CancellationToken ct)
    {
        await GroupAsync(db, id, verb: null, ct);
        var items = await ParticipantStore.ListAsync(db, id, ct);
        return Api.List(new Page<Participant>(items, items.Count, 0, false));
    }

    /// <summary>Takes a seat for a patient: 409 <c>SESSION_FULL</c> when none is free, <c>CONFLICT</c> when the patient already has one.</summary>
    private static async Task<ApiCreated<Participant>> Join(string id, WriteRequest request, WebhookOutbox outbox, NotificationPlanner notifications,
        TimeProvider clock, CancellationToken ct)
    {
        // Another tenant's appointment is a 404 whatever the body says, as on every route about a record.
        await GroupAsync(request.Db, id, verb: null, ct);
        var reader = request.Reader();
        var patientId = reader.Id("patient_id", Ids.Patient, required: true);
        if (patientId is not null)
        {
            var found = await AppointmentStore.FindReferencesAsync(request.Db, patientId, null, null, null, null, ct);
            if (found.PatientFirstName is null)
            {
                reader.Fail("patient_id", $"no patient {patientId} exists");
            }
            else if (found.PatientArchived)
            {
                reader.Fail("patient_id", $"patient {patientId} is archived and cannot join");
            }
        }
        reader.ThrowIfInvalid();
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        try
        {
            return await request.CreateAsync(async write =>
            {
                var session = await GroupAsync(write, id, "joined", ct);
                if (await ParticipantStore.LatestAsync(write, id, patientId!, ct) is { Status: Participant.JoinedStatus } joined)
                {
                    throw AlreadyJoined(joined);
                }
                if (!await ParticipantStore.ClaimSeatAsync(write, id, now, ct))
                {
                    throw new ApiException(409, ErrorCodes.SessionFull,
                        $"Appointment {id} is full: all {session.MaxParticipants} seats are taken. Another patient must leave before anyone can join.")
                    {
                        DetailsObject = new SessionFullDetails(session.MaxParticipants!.Value, session.ParticipantCount ?? 0),
                    };
                }
                var participant = Participant.Joined(id, patientId!, now);
                await ParticipantStore.InsertAsync(write, participant, ct);
                await outbox.RecordAsync(write, WebhookEventTypes.AppointmentParticipantAdded, participant, null, ct);
                await notifications.PlanJoinAsync(write, session, patientId!, now, ct);
                return participant;
            }, ct);
        }
        catch (Exception e) when (request.Db.IsUniqueViolation(e))
        {
            // The same patient joining twice at the same moment: the index on joined participants let one in.
            throw AlreadyJoined(await ParticipantStore.LatestAsync(request.Db, id, patientId!, ct));
        }
    }

    /// <summary>The patient leaves; their seat is free again and the session goes on, even with no one left.</summary>
    private static async Task<ApiActed<Participant>> Leave(string id, string patientId, WriteRequest request, WebhookOutbox outbox,
        NotificationPlanner notifications, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            var session = await GroupAsync(write, id, "changed", ct);
            var latest = await ParticipantStore.LatestAsync(write, id, patientId, ct);
            if (latest is not { Status: Participant.JoinedStatus })
            {
                throw latest is null
                    ? new ApiException(404, ErrorCodes.NotFound, $"Patient {patientId} is not a participant of appointment {id}.")
                    : new ApiException(409, ErrorCodes.InvalidState,
                        $"Patient {patientId} already left appointment {id} at {latest.CancelledAt:yyyy-MM-dd'T'HH:mm:ss'Z'}.");
            }
            var left = latest.Cancelled(now);
            await ParticipantStore.LeaveAsync(write, left, ct);
            await outbox.RecordAsync(write, WebhookEventTypes.AppointmentParticipantRemoved, left, latest, ct);
            await notifications.PlanLeaveAsync(write, session, patientId, now, ct);
            return left;
        }, ct);
    }

    /// <summary>
    /// The group appointment (inside a write, locked until the transaction ends, so joins and leaves of one session
    /// take turns): 404 if there is none, 409 if it is one-to-one, and when <paramref name="verb"/> is given 409 unless active.
    /// </summary>
    private static async Task<Appointment> GroupAsync(TenantDb db, string id, string? verb, CancellationToken ct)
    {
        var appointment = await AppointmentStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("appointment", id);
        if (appointment.MaxParticipants is null)
        {
            throw ApiException.Conflict(
                $"Appointment {id} is a one-to-one appointment (its template's max_participants is 1), so it has no participants: book another appointment for another patient.");
        }
        if (verb is not null && !AppointmentStatuses.IsActive(appointment.Status))
        {
            throw AppointmentsApi.InvalidState(appointment, verb);
        }
        return appointment;
    }

    private static ApiException AlreadyJoined(Participant? joined) =>
        ApiException.Conflict(joined is null
            ? "The patient joined this appointment in another request at the same moment."
            : $"Patient {joined.PatientId} is already a participant of appointment {joined.AppointmentId} (joined at {joined.JoinedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}).");
}
