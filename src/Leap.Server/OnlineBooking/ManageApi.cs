using Leap.Server.Appointments;
using Leap.Server.Availability;
using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Resources;
using Leap.Server.Storage;

namespace Leap.Server.OnlineBooking;

/// <summary>
/// The patient's manage link (docs/online-booking.md): see the appointment, cancel it, or move it to another free
/// slot of the same service, until the template's <c>cancellation_notice_hours</c> before it starts. The changes go
/// through the appointments' own path (the same rules, Idempotency-Key, webhooks and routing), by the patient.
/// </summary>
public static class ManageApi
{
    public static void MapManageLinks(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/manage/{token}").WithTags("Manage links").ByManageLink();
        group.MapGet("/", Get);
        group.MapGet("/availability", Availability);
        group.MapPost("/cancel", Cancel).Idempotent()
            .Reads("ManageCancel", r => AppointmentValidation.ReadCancel(r), """{"cancellation_reason": "I am feeling better"}""");
        group.MapPost("/reschedule", Reschedule).Idempotent()
            .Reads("ManageReschedule", r => ReadMove(r), $$"""{"start_time": "2030-01-07T10:00:00Z", "clinician_profile_id": "{{ExampleIds.Clinician}}"}""");
    }

    private static (DateTimeOffset? Start, string? ClinicianId) ReadMove(BodyReader r) =>
        (r.Timestamp("start_time", required: true), r.Id("clinician_profile_id", Ids.Clinician));

    private static async Task<ApiData<ManagedAppointment>> Get(HttpContext http, TenantDb db, ManageLinks links, TimeProvider clock, CancellationToken ct)
    {
        var appointment = await LinkedAppointmentAsync(db, PatientAccess.ClaimOf(http), ct);
        return Api.Ok(await ManagedAppointment.OfAsync(db, appointment, links, clock.GetUtcNow(), ct));
    }

    /// <summary>Free slots of the appointment's service (any clinician who offers it online, unless one is named).</summary>
    private static async Task<AvailabilityAnswer> Availability(HttpContext http, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var appointment = await LinkedAppointmentAsync(db, PatientAccess.ClaimOf(http), ct);
        var q = new QueryReader(http.Request, "date_from", "date_to", "clinician_profile_id");
        var range = AvailabilityApi.ReadRange(q);
        var clinicianId = q.Id("clinician_profile_id", Ids.Clinician);
        var rules = await RulesAsync(db, availability, appointment, clinicianId, q.Fail, ct);
        q.ThrowIfInvalid();
        return await AvailabilityApi.AnswerAsync(db, availability, rules!, range, clinicianId, null, ct);
    }

    private static async Task<ApiActed<ManagedAppointment>> Cancel(HttpContext http, WriteRequest request, AppointmentEvents events, ManageLinks links,
        TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var reason = AppointmentValidation.ReadCancel(reader) ?? "Cancelled by the patient online";
        reader.ThrowIfInvalid();
        var claim = PatientAccess.ClaimOf(http);
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            var before = await LinkedAppointmentAsync(write, claim, ct);
            await EnsureChangeableAsync(write, before, links, now, ct);
            var after = before with { Status = AppointmentStatuses.Cancelled, CancellationReason = reason, CancelledAt = now, UpdatedAt = now };
            await events.ChangeAsync(write, before, after, ct);
            return await ManagedAppointment.OfAsync(write, after, links, now, ct);
        }, ct);
    }

    /// <summary>Moves the appointment to a free slot of its service (the same checks as a hold of that slot), keeping its length and buffers.</summary>
    private static async Task<ApiActed<ManagedAppointment>> Reschedule(HttpContext http, WriteRequest request, AppointmentEvents events, ManageLinks links,
        AvailabilityService availability, TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var claim = PatientAccess.ClaimOf(http);
        var reader = request.Reader();
        var (start, named) = ReadMove(reader);
        var current = await LinkedAppointmentAsync(db, claim, ct);
        var clinicianId = named ?? current.ClinicianProfileId ?? throw CannotMove();
        var rules = await RulesAsync(db, availability, current, clinicianId, reader.Fail, ct);
        reader.ThrowIfInvalid();
        var check = await availability.CheckAsync(db, rules!, clinicianId, null, start!.Value, ct);
        if (!check.Available && check.Reason is not (SlotReasons.Booked or SlotReasons.Held))
        {
            throw new ApiException(409, ErrorCodes.SlotUnavailable, $"This time cannot be booked: {check.Message} Choose another free time.");
        }
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var moved = current with
        {
            StartTime = start.Value,
            EndTime = start.Value + rules!.Duration,
            DurationMinutes = (int)rules.Duration.TotalMinutes,
            ClinicianProfileId = clinicianId,
            LocationId = check.SessionLocationId ?? current.LocationId,
            UpdatedAt = now,
        };
        try
        {
            return await request.ActAsync(async write =>
            {
                var before = await LinkedAppointmentAsync(write, claim, ct);
                if (before.UpdatedAt != current.UpdatedAt)
                {
                    throw ApiException.Conflict("The appointment was changed while this request was being made. Reload the page and try again.");
                }
                await EnsureChangeableAsync(write, before, links, now, ct);
                return await ManagedAppointment.OfAsync(write, await events.ChangeAsync(write, before, moved, ct), links, now, ct);
            }, ct);
        }
        catch (Exception e) when (db.IsOverlapViolation(e))
        {
            throw await ResourceBooking.TakenAsync(db, moved, ct) ?? await ClinicianBusy.SlotUnavailableAsync(db, clinicianId, moved.BusyStart, moved.BusyEnd, moved.Id, clock.GetUtcNow(), ct,
                "Choose another free time.");
        }
    }

    /// <summary>
    /// The link's appointment (locked inside a write), if the link still opens it: the patient's own, still active, and
    /// the link not revoked by a later reschedule. Otherwise the same 404 for every reason.
    /// </summary>
    private static async Task<Appointment> LinkedAppointmentAsync(TenantDb db, ManageLinks.Claim claim, CancellationToken ct)
    {
        var appointment = await AppointmentStore.FindAsync(db, claim.AppointmentId, ct);
        if (appointment is null || appointment.PatientId != claim.PatientId || !AppointmentStatuses.IsActive(appointment.Status)
            || await ManageLinks.IsRevokedAsync(db, appointment.Id, claim.IssuedAt, ct))
        {
            throw PatientAccess.LinkNotValid();
        }
        return appointment;
    }

    private static async Task EnsureChangeableAsync(TenantDb db, Appointment appointment, ManageLinks links, DateTimeOffset now, CancellationToken ct)
    {
        var view = await ManagedAppointment.OfAsync(db, appointment, links, now, ct);
        if (!view.CanChange)
        {
            throw view.TooLate();
        }
    }

    /// <summary>The booking rules of the appointment's service, for a move (refused when it was booked without one).</summary>
    private static async Task<BookingRules?> RulesAsync(TenantDb db, AvailabilityService availability, Appointment appointment, string? clinicianId,
        Action<string, string> fail, CancellationToken ct)
    {
        if (appointment.AppointmentTypeId is null)
        {
            throw CannotMove();
        }
        return (await availability.ResolveAsync(db, appointment.AppointmentTypeId, clinicianId, null, fail, ct)).Rules;
    }

    private static ApiException CannotMove() => new(409, ErrorCodes.InvalidState, "This appointment cannot be moved online: please contact the clinic.");
}
