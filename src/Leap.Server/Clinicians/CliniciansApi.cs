using Leap.Server.Accounts;
using Leap.Server.Availability;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Pathways;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Clinicians;

/// <summary>
/// Clinician profiles with their working sessions and blocks (time away): read with <c>read_clinicians</c>, written with
/// <c>write_clinicians</c>. Every write changes availability at once and never strands an appointment silently
/// (see <see cref="Stranding"/>; docs/directory.md).
/// </summary>
public static class CliniciansApi
{
    private static readonly ClinicianProfile Blank = ClinicianValidation.Blank(Sample.Id(Ids.Clinician), Sample.Now);
    private static readonly ClinicianSession BlankSession = ScheduleValidation.BlankSession(Sample.Id(Ids.Session), Sample.Id(Ids.Clinician), Sample.Now);

    public static void MapClinicians(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/clinician-profiles").WithTags("Clinician profiles");
        group.MapGet("/", List).RequireScope(Scopes.ReadClinicians);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadClinicians);
        group.MapPost("/", Create).RequireScope(Scopes.WriteClinicians).Idempotent()
            .Reads("ClinicianProfileCreate", r => ClinicianValidation.Apply(r, Blank, creating: true, Sample.Now), $$"""
                {"name": "Dr Ada Example", "title": "Dr", "first_name": "Ada", "last_name": "Example", "role": "Physiotherapist",
                 "email": "ada.example@example.com", "is_bookable_online": true, "appointment_template_ids": ["{{ExampleIds.Template}}"]}
                """);
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WriteClinicians).Idempotent()
            .Reads("ClinicianProfileUpdate", r =>
            {
                ClinicianValidation.Apply(r, Blank, creating: false, Sample.Now);
                Stranding.ReadForce(r);
            }, """{"role": "Senior Physiotherapist", "is_bookable_online": false}""", partial: true);
        group.MapGet("/{id}/sessions", Sessions).RequireScope(Scopes.ReadClinicians);
        group.MapPost("/{id}/sessions", AddSession).RequireScope(Scopes.WriteClinicians).Idempotent()
            .Reads("SessionCreate", r => ScheduleValidation.ApplySession(r, BlankSession, creating: true, Sample.Now), $$"""
                {"location_id": "{{ExampleIds.Location}}", "weekday": "tuesday", "start_time": "09:00", "end_time": "17:00", "valid_from": "2030-01-01"}
                """);
        group.MapPatch("/{id}/sessions/{sessionId}", UpdateSession).RequireScope(Scopes.WriteClinicians).Idempotent()
            .Reads("SessionUpdate", r =>
            {
                ScheduleValidation.ApplySession(r, BlankSession, creating: false, Sample.Now);
                Stranding.ReadForce(r);
            }, """{"end_time": "18:00"}""", partial: true);
        group.MapDelete("/{id}/sessions/{sessionId}", RemoveSession).RequireScope(Scopes.WriteClinicians).Idempotent()
            .Reads("SessionRemove", r => Stranding.ReadForce(r), """{"force": false}""", partial: true);
        group.MapGet("/{id}/blocks", Blocks).RequireScope(Scopes.ReadClinicians);
        group.MapPost("/{id}/blocks", AddBlock).RequireScope(Scopes.WriteClinicians).Idempotent()
            .Reads("BlockCreate", r =>
            {
                ScheduleValidation.ReadBlock(r, Sample.Id(Ids.Block), Sample.Id(Ids.Clinician), TimeZoneInfo.Utc, Sample.Now);
                Stranding.ReadForce(r);
            }, """{"start_time": "2030-02-04", "end_time": "2030-02-08", "reason": "leave", "note": "Half-term week"}""");
        group.MapDelete("/{id}/blocks/{blockId}", RemoveBlock).RequireScope(Scopes.WriteClinicians).Idempotent();
    }

    private static async Task<ApiList<ClinicianProfile>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await ClinicianStore.ListAsync(db, ClinicianStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<ClinicianProfile>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await FindAsync(db, id, ct));

    private static async Task<ApiCreated<ClinicianProfile>> Create(WriteRequest request, WebhookOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var profile = ClinicianValidation.Apply(reader, ClinicianValidation.Blank(Ids.New(Ids.Clinician), now), creating: true, now);
        await ClinicianValidation.CheckReferencesAsync(reader, request.Db, profile, ct);
        reader.ThrowIfInvalid();
        return await request.CreateAsync(profile, async write =>
        {
            await ClinicianStore.InsertAsync(write, profile, ct);
            await outbox.RecordAsync(write, WebhookEventTypes.ClinicianProfileCreated, profile, null, ct);
        }, ct);
    }

    /// <summary>Changes the fields sent; <c>is_active: false</c> deactivates (refused while future appointments remain, unless forced).</summary>
    private static async Task<ApiActed<ClinicianProfile>> Update(string id, WriteRequest request, WebhookOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            var before = await FindAsync(write, id, ct);
            var reader = request.Reader();
            var after = ClinicianValidation.Apply(reader, before, creating: false, now);
            var force = Stranding.ReadForce(reader);
            await ClinicianValidation.CheckReferencesAsync(reader, write, after, ct);
            reader.ThrowIfInvalid();
            if (after with { UpdatedAt = before.UpdatedAt } == before)
            {
                return before;
            }
            var deactivated = before.IsActive && !after.IsActive;
            var stranded = deactivated
                ? Stranding.Check(await Stranding.FutureAsync(write, id, null, now, ct), force, "with an inactive clinician")
                : null;
            await ClinicianStore.UpdateAsync(write, before, after, ct);
            await outbox.RecordAsync(write, deactivated ? WebhookEventTypes.ClinicianProfileDeactivated : WebhookEventTypes.ClinicianProfileUpdated,
                after, before, ct);
            return after with { StrandedAppointmentIds = stranded };
        }, ct);
    }

    private static async Task<ApiList<ClinicianSession>> Sessions(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var query = ClinicianScheduleStore.SessionListSpec.Parse(request);
        await FindAsync(db, id, ct);
        return Api.List(await ClinicianScheduleStore.ListSessionsAsync(db, id, query, ct));
    }

    /// <summary>Adds working time (it cannot strand anything); a session at a new location links the clinician to it.</summary>
    private static async Task<ApiCreated<ClinicianSession>> AddSession(string id, WriteRequest request, WebhookOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.CreateAsync(async write =>
        {
            var clinician = await FindAsync(write, id, ct);
            var reader = request.Reader();
            var session = ScheduleValidation.ApplySession(reader, ScheduleValidation.BlankSession(Ids.New(Ids.Session), id, now), creating: true, now);
            await CheckLocationAsync(reader, write, session.LocationId, ct);
            reader.ThrowIfInvalid();
            await ClinicianScheduleStore.InsertSessionAsync(write, session, ct);
            await RecordNewLocationAsync(write, outbox, clinician, session, ct);
            return session;
        }, ct);
    }

    /// <summary>Changes a session's times, dates or location; refused if that leaves booked time outside the clinician's sessions, unless forced.</summary>
    private static async Task<ApiActed<ClinicianSession>> UpdateSession(string id, string sessionId, WriteRequest request, WebhookOutbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            var clinician = await FindAsync(write, id, ct);
            var before = await FindSessionAsync(write, id, sessionId, ct);
            var reader = request.Reader();
            var after = ScheduleValidation.ApplySession(reader, before, creating: false, now);
            var force = Stranding.ReadForce(reader);
            var location = after.LocationId == before.LocationId ? null : await CheckLocationAsync(reader, write, after.LocationId, ct);
            reader.ThrowIfInvalid();
            if (after with { UpdatedAt = before.UpdatedAt } == before)
            {
                return before;
            }
            var stranded = Stranding.Check(await Stranding.UncoveredAsync(write, id, null, sessions => sessions.Select(s =>
                s.Session.Id == sessionId ? s with { Session = after, Timezone = location?.Timezone ?? s.Timezone } : s), now, ct),
                force, "outside the clinician's sessions");
            await ClinicianScheduleStore.UpdateSessionAsync(write, after, ct);
            await RecordNewLocationAsync(write, outbox, clinician, after, ct);
            return after with { StrandedAppointmentIds = stranded };
        }, ct);
    }

    private static async Task<ApiActed<Deletion>> RemoveSession(string id, string sessionId, WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            await FindAsync(write, id, ct);
            await FindSessionAsync(write, id, sessionId, ct);
            var reader = request.Reader();
            var force = Stranding.ReadForce(reader);
            reader.ThrowIfInvalid();
            var stranded = Stranding.Check(await Stranding.UncoveredAsync(write, id, null, sessions => sessions.Where(s => s.Session.Id != sessionId), now, ct),
                force, "outside the clinician's sessions");
            await ClinicianScheduleStore.DeleteAsync(write, sessionId, ct);
            return new Deletion(sessionId) { StrandedAppointmentIds = stranded };
        }, ct);
    }

    private static async Task<ApiList<ClinicianBlock>> Blocks(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var query = ClinicianScheduleStore.BlockListSpec.Parse(request);
        await FindAsync(db, id, ct);
        return Api.List(await ClinicianScheduleStore.ListBlocksAsync(db, id, query, ct));
    }

    /// <summary>Adds time away (dates are whole days in the clinician's time zone); refused over booked time unless forced.</summary>
    private static async Task<ApiCreated<ClinicianBlock>> AddBlock(string id, WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.CreateAsync(async write =>
        {
            await FindAsync(write, id, ct);
            var zone = LocalTimes.Zone(await ClinicianStore.TimezoneAsync(write, id, LocationValidation.DefaultTimezone, ct));
            var reader = request.Reader();
            var block = ScheduleValidation.ReadBlock(reader, Ids.New(Ids.Block), id, zone, now);
            var force = Stranding.ReadForce(reader);
            reader.ThrowIfInvalid();
            var stranded = Stranding.Check(await Stranding.FutureAsync(write, id, null, now, ct, block.StartTime, block.EndTime), force,
                "while the clinician is away");
            await ClinicianScheduleStore.InsertBlockAsync(write, block, ct);
            return block with { StrandedAppointmentIds = stranded };
        }, ct);
    }

    /// <summary>Removes time away; the time it frees is offered to the waitlist when the removal is routed.</summary>
    private static async Task<ApiActed<Deletion>> RemoveBlock(string id, string blockId, WriteRequest request, RoutingQueue routing, CancellationToken ct) =>
        await request.ActAsync(async write =>
        {
            await FindAsync(write, id, ct);
            _ = await ClinicianScheduleStore.FindBlockAsync(write, id, blockId, ct) ?? throw ApiException.NotFound("block", blockId);
            await ClinicianScheduleStore.RemoveBlockAsync(write, routing, blockId, ct);
            return new Deletion(blockId);
        }, ct);

    private static async Task<ClinicianProfile> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await ClinicianStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("clinician profile", id);

    private static async Task<ClinicianSession> FindSessionAsync(TenantDb db, string clinicianId, string id, CancellationToken ct) =>
        await ClinicianScheduleStore.FindSessionAsync(db, clinicianId, id, ct) ?? throw ApiException.NotFound("session", id);

    /// <summary>A session's location must be an active location of the tenant.</summary>
    private static async Task<Location?> CheckLocationAsync(BodyReader reader, TenantDb db, string locationId, CancellationToken ct)
    {
        if (reader.Failed("location_id") || locationId.Length == 0)
        {
            return null;
        }
        var location = await LocationStore.FindAsync(db, locationId, ct);
        if (location is null || !location.IsActive)
        {
            reader.Fail("location_id", location is null ? $"no location {locationId} exists" : $"location {locationId} is not active");
        }
        return location;
    }

    /// <summary>A session at a location the clinician did not work at changes their <c>location_ids</c>: <c>clinician_profile.updated</c>.</summary>
    private static async Task RecordNewLocationAsync(TenantDb db, WebhookOutbox outbox, ClinicianProfile before, ClinicianSession session, CancellationToken ct)
    {
        if (!before.LocationIds.Contains(session.LocationId))
        {
            await outbox.RecordAsync(db, WebhookEventTypes.ClinicianProfileUpdated, (await ClinicianStore.FindAsync(db, before.Id, ct))!, before, ct);
        }
    }
}
