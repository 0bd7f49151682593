using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Resources;
using Leap.Server.Storage;
using Leap.Server.Telemetry;

namespace Leap.Server.Appointments;

public static class AppointmentsApi
{
    public const string BookingSource = "api";

    public static void MapAppointments(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/appointments").WithTags("Appointments");
        group.MapGet("/", List).RequireScope(Scopes.ReadAppointments);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadAppointments);
        group.MapPost("/", Create).RequireScope(Scopes.WriteAppointments).Idempotent()
            .Reads("AppointmentCreate", r => AppointmentValidation.Apply(r, Blank, creating: true, Sample.Now), $$"""
                {"patient_id": "{{ExampleIds.Patient}}", "appointment_type_id": "{{ExampleIds.Template}}",
                 "clinician_profile_id": "{{ExampleIds.Clinician}}", "location_id": "{{ExampleIds.Location}}", "title": "Physiotherapy assessment",
                 "start_time": "2030-01-07T09:00:00Z", "end_time": "2030-01-07T09:45:00Z", "status": "confirmed"}
                """);
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WriteAppointments)
            .Reads("AppointmentUpdate", r => AppointmentValidation.Apply(r, Blank, creating: false, Sample.Now),
                """{"start_time": "2030-01-07T10:00:00Z", "end_time": "2030-01-07T10:45:00Z", "description": "Moved at the patient's request"}""",
                partial: true);
        group.MapPost("/{id}/cancel", Cancel).RequireScope(Scopes.WriteAppointments).Idempotent()
            .Reads("AppointmentCancel", r => AppointmentValidation.ReadCancel(r), """{"cancellation_reason": "The patient is unwell"}""");
        group.MapPost("/{id}/complete", Complete).RequireScope(Scopes.WriteAppointments).Idempotent();
        group.MapPost("/{id}/no-show", NoShow).RequireScope(Scopes.WriteAppointments).Idempotent();
    }

    private static async Task<ApiList<Appointment>> List(HttpRequest request, TenantDb db, ManageLinks links, CancellationToken ct)
    {
        var page = await AppointmentStore.ListAsync(db, AppointmentStore.ListSpec.Parse(request), ct);
        return Api.List(page with { Items = page.Items.Select(a => links.Attach(db.Tenant, a)).ToList() });
    }

    private static async Task<ApiData<Appointment>> Get(string id, TenantDb db, ManageLinks links, CancellationToken ct) =>
        Api.Ok(links.Attach(db.Tenant, await AppointmentStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("appointment", id)));

    private static readonly Appointment Blank = AppointmentValidation.Blank(Sample.Id(Ids.Appointment), BookingSource, Sample.Now);

    private static async Task<ApiCreated<Appointment>> Create(WriteRequest request, AppointmentEvents events, ManageLinks links, TimeProvider clock, CancellationToken ct) =>
        await BookAsync(request.Db, request.Reader(), events, clock,
            (appointment, book) => request.CreateAsync(links.Attach(request.Db.Tenant, appointment), book, ct), answer => answer.Answer, ct);

    /// <summary>
    /// The one way a new appointment is booked (the REST create and the FHIR facade's $book): the body is read as a
    /// create body (422 listing every problem), then <paramref name="commit"/> runs the booking in the request's
    /// transaction, storing its answer with the Idempotency-Key, with the rooms and equipment it takes; a clash with the
    /// clinician's or a resource's time is a 409 naming it.
    /// </summary>
    public static async Task<T> BookAsync<T>(TenantDb db, BodyReader reader, AppointmentEvents events, TimeProvider clock,
        Func<Appointment, Func<TenantDb, Task>, Task<T>> commit, Func<T, StoredAnswer> answerOf, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var appointment = AppointmentValidation.Apply(reader, AppointmentValidation.Blank(Ids.New(Ids.Appointment), BookingSource, now), creating: true, now);
        appointment = await AppointmentValidation.CheckReferencesAsync(reader, db, appointment, before: null, ct);
        reader.ThrowIfInvalid();
        var booked = await ResourceBooking.BookAsync(db, appointment, booking => commit(booking, write => events.BookAsync(write, booking, ct)),
            booking => ClinicianBusy.SlotUnavailableAsync(db, booking.ClinicianProfileId!, booking.BusyStart, booking.BusyEnd, null, clock.GetUtcNow(), ct), ct);
        LeapMetrics.Booked(answerOf(booked), "appointment");
        return booked;
    }

    private static async Task<ApiData<Appointment>> Update(string id, HttpContext http, TenantDb db,
        AppointmentEvents events, ManageLinks links, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var before = await AppointmentStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("appointment", id);
        var reader = new BodyReader(body.Root);
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var after = AppointmentValidation.Apply(reader, before, creating: false, now);
        after = await AppointmentValidation.CheckReferencesAsync(reader, db, after, before, ct);
        reader.ThrowIfInvalid();
        if (after with { UpdatedAt = before.UpdatedAt } == before)
        {
            return Api.Ok(links.Attach(db.Tenant, before));
        }
        if (!AppointmentStatuses.IsActive(before.Status))
        {
            throw InvalidState(before, "changed");
        }
        return Api.Ok(links.Attach(db.Tenant, await SaveAsync(db, events, before, after, clock, ct)));
    }

    private static async Task<ApiActed<Appointment>> Cancel(string id, WriteRequest request, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var reason = AppointmentValidation.ReadCancel(reader);
        reader.ThrowIfInvalid();
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(write => CancelAsync(write, events, id, reason, now, ct), ct);
    }

    /// <summary>Cancels an active appointment (409 INVALID_STATE otherwise): the REST action, a series' occurrences and the FHIR facade's status change.</summary>
    public static Task<Appointment> CancelAsync(TenantDb db, AppointmentEvents events, string id, string? reason, DateTimeOffset now, CancellationToken ct) =>
        TransitionAsync(db, events, id, "cancelled", now,
            a => a with { Status = AppointmentStatuses.Cancelled, CancellationReason = reason, CancelledAt = now }, ct);

    private static async Task<ApiActed<Appointment>> Complete(string id, WriteRequest request, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(write => TransitionAsync(write, events, id, "completed", now,
            a => a with { Status = AppointmentStatuses.Completed, AttendanceStatus = "attended" }, ct, mustHaveStarted: true), ct);
    }

    private static async Task<ApiActed<Appointment>> NoShow(string id, WriteRequest request, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(write => TransitionAsync(write, events, id, "marked as a no show", now,
            a => a with { Status = AppointmentStatuses.NoShow, AttendanceStatus = "no_show" }, ct, mustHaveStarted: true), ct);
    }

    /// <summary>
    /// A status action: only an active appointment (pending, pending_approval, confirmed, scheduled) can move,
    /// so repeating an action is a 409 rather than a silent success.
    /// </summary>
    private static async Task<Appointment> TransitionAsync(TenantDb db, AppointmentEvents events, string id, string verb,
        DateTimeOffset now, Func<Appointment, Appointment> change, CancellationToken ct, bool mustHaveStarted = false)
    {
        return await db.WriteAsync(async write =>
        {
            var before = await AppointmentStore.FindAsync(write, id, ct) ?? throw ApiException.NotFound("appointment", id);
            if (!AppointmentStatuses.IsActive(before.Status))
            {
                throw InvalidState(before, verb);
            }
            if (mustHaveStarted && before.StartTime > now)
            {
                throw new ApiException(409, ErrorCodes.InvalidState,
                    $"Appointment {id} starts at {before.StartTime:yyyy-MM-dd'T'HH:mm'Z'} and cannot be {verb} before it starts.");
            }
            var after = change(before) with { UpdatedAt = now };
            await events.ChangeAsync(write, before, after, ct);
            return after;
        }, ct);
    }

    private static async Task<Appointment> SaveAsync(TenantDb db, AppointmentEvents events, Appointment before, Appointment after, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            return await db.WriteAsync(async write =>
            {
                var current = await AppointmentStore.FindAsync(write, before.Id, ct);
                if (current is null || current.UpdatedAt != before.UpdatedAt)
                {
                    throw new ApiException(409, ErrorCodes.Conflict,
                        $"Appointment {before.Id} was changed by another request while this one was being processed. Fetch it and try again.");
                }
                // Routing may have filed the appointment on an episode since it was read (filing leaves updated_at alone).
                var saved = after.EpisodeId == before.EpisodeId ? after with { EpisodeId = current.EpisodeId } : after;
                return await events.ChangeAsync(write, current, saved, ct);
            }, ct);
        }
        catch (Exception e) when (db.IsOverlapViolation(e))
        {
            throw await ResourceBooking.TakenAsync(db, after, ct)
                ?? await ClinicianBusy.SlotUnavailableAsync(db, after.ClinicianProfileId!, after.BusyStart, after.BusyEnd, after.Id, clock.GetUtcNow(), ct);
        }
    }

    /// <summary>409 <c>INVALID_STATE</c>: the appointment is no longer active, so it cannot be <paramref name="verb"/>.</summary>
    internal static ApiException InvalidState(Appointment appointment, string verb)
    {
        var status = appointment.Status.Replace('_', ' ');
        var message = verb.EndsWith(status, StringComparison.Ordinal)
            ? $"Appointment {appointment.Id} is already {status}."
            : $"Appointment {appointment.Id} is {status} and cannot be {verb}.";
        if (appointment.Status == AppointmentStatuses.Cancelled && appointment.CancelledAt is { } at)
        {
            message += $" It was cancelled at {at:yyyy-MM-dd'T'HH:mm:ss'Z'}.";
        }
        return new ApiException(409, ErrorCodes.InvalidState, message);
    }
}
