using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Availability;
using Leap.Server.Holds;
using Leap.Server.Http;
using Leap.Server.OnlineBooking;
using Leap.Server.Patients;
using Leap.Server.Storage;

namespace Leap.Server.Waitlist;

/// <summary>
/// The waitlist (docs/waitlist.md): patients waiting for a freed slot of a template, offered one automatically
/// (<see cref="WaitlistOffers"/>) and claiming it through the clinic's key or the patient's claim link.
/// </summary>
public static class WaitlistApi
{
    public const int MinPriority = -1000;
    public const int MaxPriority = 1000;

    public static void MapWaitlist(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/waitlist-entries").WithTags("Waitlist");
        group.MapGet("/", List).RequireScope(Scopes.ReadAppointments);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadAppointments);
        group.MapPost("/", Create).RequireScope(Scopes.WriteAppointments).Idempotent()
            .Reads("WaitlistEntryCreate", r => Read(r, Sample.Now), $$"""
                {"patient_id": "{{ExampleIds.Patient}}", "appointment_template_id": "{{ExampleIds.Template}}", "clinician_profile_id": "{{ExampleIds.Clinician}}",
                 "earliest_date": "2030-01-07", "latest_date": "2030-02-28", "priority": 10, "notes": "Mornings suit best"}
                """);
        group.MapDelete("/{id}", Remove).RequireScope(Scopes.WriteAppointments);
        group.MapPost("/{id}/claim", Claim).RequireScope(Scopes.WriteAppointments).Idempotent();

        var offers = api.MapGroup(WaitlistOffers.OfferPath + "/{token}").WithTags("Waitlist").ByManageLink();
        offers.MapGet("/", GetOffer);
        offers.MapPost("/claim", ClaimOffer).Idempotent();
    }

    private static WaitlistEntry Read(BodyReader r, DateTimeOffset now)
    {
        var entry = new WaitlistEntry
        {
            Id = Ids.New(Ids.WaitlistEntry),
            PatientId = r.Id("patient_id", Ids.Patient, required: true) ?? "",
            AppointmentTemplateId = r.Id("appointment_template_id", Ids.AppointmentTemplate, required: true) ?? "",
            ClinicianProfileId = r.Id("clinician_profile_id", Ids.Clinician),
            LocationId = r.Id("location_id", Ids.Location),
            EarliestDate = r.Date("earliest_date"),
            LatestDate = r.Date("latest_date"),
            Priority = r.Int("priority", MinPriority, MaxPriority) ?? 0,
            Notes = r.String("notes", 2000, multiline: true),
            Status = WaitlistStatuses.Waiting,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (entry is { EarliestDate: { } earliest, LatestDate: { } latest } && latest < earliest)
        {
            r.Fail("latest_date", "must not be before earliest_date");
        }
        return entry;
    }

    private static async Task<ApiList<WaitlistEntry>> List(HttpRequest request, TenantDb db, WaitlistOffers offers, CancellationToken ct)
    {
        var page = await WaitlistStore.ListAsync(db, WaitlistStore.ListSpec.Parse(request), ct);
        return Api.List(page with { Items = page.Items.Select(e => offers.Attach(db.Tenant, e)).ToList() });
    }

    private static async Task<ApiData<WaitlistEntry>> Get(string id, TenantDb db, WaitlistOffers offers, CancellationToken ct) =>
        Api.Ok(offers.Attach(db.Tenant, await FindAsync(db, id, ct)));

    private static async Task<WaitlistEntry> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await WaitlistStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("waitlist entry", id);

    /// <summary>
    /// Puts a patient on the waitlist of a template (with the clinician, location and dates they accept): the records must
    /// exist and take online bookings, as the slot is offered to the patient to claim like an online booking.
    /// </summary>
    private static async Task<ApiCreated<WaitlistEntry>> Create(WriteRequest request, AvailabilityService availability, TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var reader = request.Reader();
        var entry = Read(reader, TypeHandlers.Truncate(clock.GetUtcNow()));
        if (!reader.Failed("patient_id"))
        {
            var patient = await PatientStore.FindAsync(db, entry.PatientId, ct);
            if (patient is null || patient.ArchivedAt is not null)
            {
                reader.Fail("patient_id", patient is null ? $"no patient {entry.PatientId} exists" : $"patient {entry.PatientId} is archived");
            }
        }
        if (!reader.Failed("appointment_template_id"))
        {
            await availability.ResolveAsync(db, entry.AppointmentTemplateId, entry.ClinicianProfileId, entry.LocationId, reader.Fail, ct);
        }
        reader.ThrowIfInvalid();
        try
        {
            return await request.CreateAsync(entry, write => WaitlistStore.InsertAsync(write, entry, ct), ct);
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            throw new ApiException(409, ErrorCodes.Conflict,
                $"Patient {entry.PatientId} is already on the waitlist for appointment template {entry.AppointmentTemplateId}: change or remove that entry.");
        }
    }

    /// <summary>
    /// The patient no longer wants a slot: the entry is <c>removed</c>; an offered slot is released and offered to the next
    /// entry at once. Removing an entry that is no longer waiting or offered is a 409, as for other actions.
    /// </summary>
    private static async Task<ApiData<WaitlistEntry>> Remove(string id, TenantDb db, WaitlistOffers offers, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return Api.Ok(await db.WriteAsync(async write =>
        {
            var entry = await FindAsync(write, id, ct);
            if (!await WaitlistStore.MoveAsync(write, id, WaitlistStatuses.Waiting, WaitlistStatuses.Removed, now, ct)
                && !await WaitlistStore.MoveAsync(write, id, WaitlistStatuses.Offered, WaitlistStatuses.Removed, now, ct))
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Waitlist entry {id} is {entry.Status} and cannot be removed.");
            }
            if (entry.Status == WaitlistStatuses.Offered && await HoldStore.FindAsync(write, entry.HoldId!, ct) is { } hold
                && await HoldStore.EndAsync(write, hold, HoldStatuses.Released, () => Task.FromResult<string?>(null), now, ct))
            {
                await offers.OfferAsync(write, new WaitlistStore.FreedSlot(hold.AppointmentTemplateId, hold.ClinicianProfileId, hold.LocationId, hold.StartTime,
                    entry.PatientId), ct);
            }
            return entry with { Status = WaitlistStatuses.Removed, UpdatedAt = now };
        }, ct));
    }

    private static Task<ApiActed<WaitlistEntry>> Claim(string id, WriteRequest request, AppointmentEvents events, WaitlistOffers offers, TimeProvider clock,
        CancellationToken ct) =>
        ClaimAsync(request, id, patientId: null, events, offers, clock, ct);

    /// <summary>The offer as the patient sees it through their claim link (without the clinic's notes).</summary>
    private static async Task<ApiData<WaitlistEntry>> GetOffer(HttpContext http, TenantDb db, WaitlistOffers offers, CancellationToken ct)
    {
        var claim = PatientAccess.ClaimOf(http);
        return Api.Ok(offers.Attach(db.Tenant, await LinkedAsync(db, claim.AppointmentId, claim.PatientId, ct)) with { Notes = null });
    }

    private static Task<ApiActed<WaitlistEntry>> ClaimOffer(HttpContext http, WriteRequest request, AppointmentEvents events, WaitlistOffers offers,
        TimeProvider clock, CancellationToken ct)
    {
        var claim = PatientAccess.ClaimOf(http);
        return ClaimAsync(request, claim.AppointmentId, claim.PatientId, events, offers, clock, ct);
    }

    private static async Task<WaitlistEntry> LinkedAsync(TenantDb db, string id, string patientId, CancellationToken ct) =>
        await WaitlistStore.FindAsync(db, id, ct) is { } entry && entry.PatientId == patientId ? entry : throw PatientAccess.LinkNotValid();

    /// <summary>
    /// Books the offered slot for the entry's patient through the hold's confirm (the appointments' own path: webhooks,
    /// routing, messages), and marks the entry <c>booked</c>, in one transaction. Claiming a booked entry again answers it
    /// as it is; an offer that expired, or an entry not offered, is a 409.
    /// </summary>
    private static async Task<ApiActed<WaitlistEntry>> ClaimAsync(WriteRequest request, string id, string? patientId, AppointmentEvents events,
        WaitlistOffers offers, TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var entry = patientId is null ? await FindAsync(db, id, ct) : await LinkedAsync(db, id, patientId, ct);
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        if (entry.Status == WaitlistStatuses.Booked)
        {
            return await request.ActAsync(_ => Task.FromResult(Answer(offers, db.Tenant, entry, patientId)), ct);
        }
        if (entry.Status != WaitlistStatuses.Offered || entry.OfferExpiresAt <= now)
        {
            throw new ApiException(409, ErrorCodes.InvalidState, entry.Status == WaitlistStatuses.Offered || entry.Status == WaitlistStatuses.Expired
                ? $"The offer of waitlist entry {id} expired at {entry.OfferExpiresAt:yyyy-MM-dd'T'HH:mm:ss'Z'}: the slot may have been offered to someone else."
                : $"Waitlist entry {id} is {entry.Status}: it has no offer to claim.");
        }
        // The hold is confirmed for the entry's patient; the claim sets nothing else (the ids are the server's own, safe in JSON).
        var body = JsonDocument.Parse($$"""{"patient_id": "{{entry.PatientId}}"}""").RootElement;
        return await HoldsApi.ConfirmAsync(db, entry.HoldId!, body, events, clock, (appointment, book) => request.ActAsync(async write =>
        {
            await book(write);
            if (!await WaitlistStore.MoveAsync(write, id, WaitlistStatuses.Offered, WaitlistStatuses.Booked, now, ct, appointment.Id))
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Waitlist entry {id} changed while it was being claimed: read it again.");
            }
            return Answer(offers, write.Tenant, entry with { Status = WaitlistStatuses.Booked, AppointmentId = appointment.Id, UpdatedAt = now }, patientId);
        }, ct), answer => answer.Answer, ct);
    }

    private static WaitlistEntry Answer(WaitlistOffers offers, Tenant tenant, WaitlistEntry entry, string? patientId) =>
        patientId is null ? offers.Attach(tenant, entry) : offers.Attach(tenant, entry) with { Notes = null };
}
