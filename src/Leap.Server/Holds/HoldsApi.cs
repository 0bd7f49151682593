using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Availability;
using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Resources;
using Leap.Server.Storage;
using Leap.Server.Telemetry;

namespace Leap.Server.Holds;

/// <summary>
/// Holds (Jump's first-generation endpoints, scope <c>write_holds</c>): reserve a free slot for 15 minutes, then
/// confirm it into an appointment or release it. Rules and decisions: docs/holds.md.
/// </summary>
public static class HoldsApi
{
    private const string HoldAdvice = "Choose another slot (GET /availability) and hold that.";

    public static void MapHolds(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/holds").WithTags("Holds");
        group.MapPost("/", Create).RequireScope(Scopes.WriteHolds).Idempotent()
            .Reads("HoldCreate", AvailabilityValidation.DescribeSlot, AvailabilityApi.SlotExample);
        group.MapGet("/{id}", Get).RequireScope(Scopes.WriteHolds);
        group.MapDelete("/{id}", Release).RequireScope(Scopes.WriteHolds);
        group.MapPost("/{id}/confirm", Confirm).RequireScope(Scopes.WriteHolds).Idempotent()
            .Reads("HoldConfirm", HoldValidation.DescribeConfirm, $$"""{"patient_id": "{{ExampleIds.Patient}}", "description": "Booked by phone"}""");
    }

    /// <summary>Holds a free slot (also for a patient on the public booking page).</summary>
    public static async Task<ApiCreated<Hold>> Create(WriteRequest request, AvailabilityService availability, TimeProvider clock, CancellationToken ct)
    {
        var slot = await AvailabilityValidation.ReadSlotAsync(request.Reader(), request.Db, availability, ct);
        return await PlaceAsync(request.Db, slot, availability, clock, (hold, insert) => request.CreateAsync(hold, insert, ct), ct);
    }

    /// <summary>
    /// The one way a hold is made (the REST create and the FHIR facade's $hold): checks the slot (409 when it cannot
    /// be held), then <paramref name="commit"/> writes the hold in the request's transaction, storing its answer with
    /// the Idempotency-Key; a clash with the clinician's time is a 409 naming it.
    /// </summary>
    public static async Task<T> PlaceAsync<T>(TenantDb db, SlotRequest slot, AvailabilityService availability, TimeProvider clock,
        Func<Hold, Func<TenantDb, Task>, Task<T>> commit, CancellationToken ct)
    {
        var check = await availability.CheckAsync(db, slot.Rules, slot.ClinicianId, slot.LocationId, slot.Start, ct);
        // Taken time is left to the database, which names what is in the way (and settles races); the other reasons are final.
        if (!check.Available && check.Reason is not (SlotReasons.Booked or SlotReasons.Held))
        {
            throw new ApiException(409, ErrorCodes.SlotUnavailable, $"This slot cannot be held: {check.Message} {HoldAdvice}");
        }
        var hold = NewHold(slot, check.SessionLocationId, TypeHandlers.Truncate(clock.GetUtcNow()));
        try
        {
            return await commit(hold, write => HoldStore.InsertAsync(write, hold, ct));
        }
        catch (Exception e) when (db.IsOverlapViolation(e))
        {
            throw await ClinicianBusy.SlotUnavailableAsync(db, hold.ClinicianProfileId, hold.BusyStart, hold.BusyEnd, null, clock.GetUtcNow(), ct, HoldAdvice);
        }
    }

    /// <summary>A hold of <paramref name="slot"/> made at <paramref name="now"/>, in the session at <paramref name="locationId"/>; not yet written.</summary>
    public static Hold NewHold(SlotRequest slot, string? locationId, DateTimeOffset now) => new()
    {
        Id = Ids.New(Ids.Hold),
        AppointmentTemplateId = slot.Rules.TemplateId,
        ClinicianProfileId = slot.ClinicianId,
        LocationId = locationId,
        StartTime = slot.Start,
        EndTime = slot.Start + slot.Rules.Duration,
        BufferBeforeMinutes = (int)slot.Rules.BufferBefore.TotalMinutes,
        BufferAfterMinutes = (int)slot.Rules.BufferAfter.TotalMinutes,
        ExpiresAt = now + HoldStatuses.Lifetime,
        Status = HoldStatuses.Active,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static async Task<ApiData<Hold>> Get(string id, TenantDb db, TimeProvider clock, CancellationToken ct) =>
        Api.Ok((await HoldStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("hold", id)).At(clock.GetUtcNow()));

    /// <summary>Frees the slot at once. Only an active hold can be released; releasing twice is a 409, as for other actions.</summary>
    public static async Task<ApiData<Hold>> Release(string id, TenantDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return Api.Ok(await db.WriteAsync(async write =>
        {
            var hold = await HoldStore.FindAsync(write, id, ct) ?? throw ApiException.NotFound("hold", id);
            if (!await HoldStore.EndAsync(write, hold, HoldStatuses.Released, () => Task.FromResult<string?>(null), now, ct))
            {
                throw NotActive(hold.At(now), "released");
            }
            return hold with { Status = HoldStatuses.Released, UpdatedAt = now };
        }, ct));
    }

    private static async Task<ApiCreated<Appointment>> Confirm(string id, WriteRequest request, AppointmentEvents events, ManageLinks links, TimeProvider clock, CancellationToken ct) =>
        await ConfirmAsync(request.Db, id, request.Body.Root, events, clock,
            (appointment, book) => request.CreateAsync(links.Attach(request.Db.Tenant, appointment), book, ct), answer => answer.Answer, ct);

    /// <summary>
    /// Books the held slot for a patient, atomically: the hold's time passes straight to the appointment, so no
    /// one else can take it in between; the hold becomes <c>confirmed</c>. <paramref name="body"/> is read as a
    /// confirm body (an appointment create body without what the hold sets); <paramref name="commit"/> runs the booking
    /// in the request's transaction and stores its answer. The REST confirm and the FHIR facade's $book of a hold.
    /// </summary>
    public static async Task<T> ConfirmAsync<T>(TenantDb db, string id, JsonElement body, AppointmentEvents events, TimeProvider clock,
        Func<Appointment, Func<TenantDb, Task>, Task<T>> commit, Func<T, StoredAnswer> answerOf, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var hold = (await HoldStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("hold", id)).At(now);
        if (hold.Status != HoldStatuses.Active)
        {
            throw NotActive(hold, "confirmed");
        }
        var template = await AppointmentTemplateStore.FindAsync(db, hold.AppointmentTemplateId, ct);
        var (appointment, reader) = HoldValidation.Appointment(body, hold, template?.Name ?? "Appointment", Ids.New(Ids.Appointment), now);
        appointment = await AppointmentValidation.CheckReferencesAsync(reader, db, appointment, before: null, ct);
        reader.ThrowIfInvalid();
        // The held time is what was reserved: the appointment keeps the hold's buffers whatever the template says now.
        appointment = appointment with { BufferBeforeMinutes = hold.BufferBeforeMinutes, BufferAfterMinutes = hold.BufferAfterMinutes };
        var confirmed = await ResourceBooking.BookAsync(db, appointment, booking => commit(booking, write => BookHeldAsync(write, events, hold, booking, now, ct)),
            _ => ClinicianBusy.SlotUnavailableAsync(db, hold.ClinicianProfileId, hold.BusyStart, hold.BusyEnd, hold.Id, clock.GetUtcNow(), ct, HoldAdvice), ct);
        LeapMetrics.Booked(answerOf(confirmed), "hold");
        return confirmed;
    }

    /// <summary>
    /// Inside a write: ends the hold and books <paramref name="appointment"/> in its time, through the appointments' own
    /// path, so a confirmed hold raises the same pathway trigger and webhook event as any booking. 409 when the hold
    /// is no longer active.
    /// </summary>
    public static async Task BookHeldAsync(TenantDb write, AppointmentEvents events, Hold hold, Appointment appointment, DateTimeOffset now, CancellationToken ct)
    {
        if (!await HoldStore.EndAsync(write, hold, HoldStatuses.Confirmed, async () =>
            {
                await events.BookAsync(write, appointment, ct);
                return appointment.Id;
            }, now, ct))
        {
            var current = await HoldStore.FindAsync(write, hold.Id, ct);
            throw NotActive(current!.At(now), "confirmed");
        }
    }

    private static ApiException NotActive(Hold hold, string verb) => new(409, ErrorCodes.InvalidState, hold.Status switch
    {
        HoldStatuses.Expired => $"Hold {hold.Id} expired at {hold.ExpiresAt:yyyy-MM-dd'T'HH:mm:ss'Z'} and cannot be {verb}: its slot may have been taken since. Hold the slot again.",
        HoldStatuses.Confirmed => $"Hold {hold.Id} is already confirmed (appointment {hold.AppointmentId}) and cannot be {verb}.",
        _ => $"Hold {hold.Id} was released at {hold.UpdatedAt:yyyy-MM-dd'T'HH:mm:ss'Z'} and cannot be {verb}.",
    });
}
