using Leap.Server.Accounts;
using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Locations;

/// <summary>
/// Locations and their closures: read with <c>read_locations</c>, written with <c>write_locations</c>. Every write changes
/// availability at once and never strands an appointment silently (see <see cref="Stranding"/>; docs/directory.md).
/// </summary>
public static class LocationsApi
{
    private static readonly Location Blank = LocationValidation.Blank(Sample.Id(Ids.Location), Sample.Now);

    public static void MapLocations(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/locations").WithTags("Locations");
        group.MapGet("/", List).RequireScope(Scopes.ReadLocations);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadLocations);
        group.MapPost("/", Create).RequireScope(Scopes.WriteLocations).Idempotent()
            .Reads("LocationCreate", r => LocationValidation.Apply(r, Blank, creating: true, Sample.Now), """
                {"name": "Riverside Surgery", "address_line_1": "1 Example Street", "town_city": "Sampleton", "postcode": "ZZ99 1AA",
                 "phone": "020 7946 0001", "timezone": "Europe/London",
                 "opening_hours": {"monday": {"open": "08:00", "close": "18:30"}, "saturday": {"open": "09:00", "close": "12:00"}}}
                """);
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WriteLocations).Idempotent()
            .Reads("LocationUpdate", r =>
            {
                LocationValidation.Apply(r, Blank, creating: false, Sample.Now);
                Stranding.ReadForce(r);
            }, """{"phone": "020 7946 0002", "is_primary": true}""", partial: true);
        group.MapGet("/{id}/closures", Closures).RequireScope(Scopes.ReadLocations);
        group.MapPost("/{id}/closures", AddClosure).RequireScope(Scopes.WriteLocations).Idempotent()
            .Reads("ClosureCreate", r =>
            {
                LocationValidation.ReadClosure(r, Sample.Id(Ids.Closure), Blank, Sample.Now);
                Stranding.ReadForce(r);
            }, """{"start_time": "2030-12-25", "end_time": "2030-12-26", "reason": "bank_holiday", "note": "Christmas"}""");
        group.MapDelete("/{id}/closures/{closureId}", RemoveClosure).RequireScope(Scopes.WriteLocations).Idempotent();
    }

    private static async Task<ApiList<Location>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await LocationStore.ListAsync(db, LocationStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<Location>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await FindAsync(db, id, ct));

    private static async Task<ApiCreated<Location>> Create(WriteRequest request, WebhookOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var location = LocationValidation.Apply(reader, LocationValidation.Blank(Ids.New(Ids.Location), now), creating: true, now);
        reader.ThrowIfInvalid();
        return await request.CreateAsync(location, async write =>
        {
            await LocationStore.InsertAsync(write, location, ct);
            await outbox.RecordAsync(write, WebhookEventTypes.LocationCreated, location, null, ct);
        }, ct);
    }

    /// <summary>
    /// Changes the fields sent. Deactivating strands every future appointment there, and a new time zone moves the
    /// sessions' hours: both are refused while they would strand appointments, unless forced.
    /// </summary>
    private static async Task<ApiActed<Location>> Update(string id, WriteRequest request, WebhookOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            var before = await FindAsync(write, id, ct);
            var reader = request.Reader();
            var after = LocationValidation.Apply(reader, before, creating: false, now);
            var force = Stranding.ReadForce(reader);
            reader.ThrowIfInvalid();
            if (after with { UpdatedAt = before.UpdatedAt } == before)
            {
                return before;
            }
            var deactivated = before.IsActive && !after.IsActive;
            var stranded = deactivated
                ? Stranding.Check(await Stranding.FutureAsync(write, null, id, now, ct), force, "at an inactive location")
                : after.Timezone == before.Timezone ? null
                : Stranding.Check(await Stranding.UncoveredAsync(write, null, id, sessions => sessions.Select(s =>
                    s.Session.LocationId == id ? s with { Timezone = after.Timezone } : s), now, ct), force, "outside the sessions in the new time zone");
            await LocationStore.UpdateAsync(write, after, ct);
            await outbox.RecordAsync(write, deactivated ? WebhookEventTypes.LocationDeactivated : WebhookEventTypes.LocationUpdated, after, before, ct);
            return after with { StrandedAppointmentIds = stranded };
        }, ct);
    }

    private static async Task<ApiList<LocationClosure>> Closures(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var query = LocationStore.ClosureListSpec.Parse(request);
        await FindAsync(db, id, ct);
        return Api.List(await LocationStore.ListClosuresAsync(db, id, query, ct));
    }

    /// <summary>Closes the location for a while (dates are whole days in its time zone); refused over booked time unless forced.</summary>
    private static async Task<ApiCreated<LocationClosure>> AddClosure(string id, WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.CreateAsync(async write =>
        {
            var location = await FindAsync(write, id, ct);
            var reader = request.Reader();
            var closure = LocationValidation.ReadClosure(reader, Ids.New(Ids.Closure), location, now);
            var force = Stranding.ReadForce(reader);
            reader.ThrowIfInvalid();
            var stranded = Stranding.Check(await Stranding.FutureAsync(write, null, id, now, ct, closure.StartTime, closure.EndTime), force,
                "while the location is closed");
            await LocationStore.InsertClosureAsync(write, closure, ct);
            return closure with { StrandedAppointmentIds = stranded };
        }, ct);
    }

    private static async Task<ApiActed<Deletion>> RemoveClosure(string id, string closureId, WriteRequest request, CancellationToken ct) =>
        await request.ActAsync(async write =>
        {
            await FindAsync(write, id, ct);
            _ = await LocationStore.FindClosureAsync(write, id, closureId, ct) ?? throw ApiException.NotFound("closure", closureId);
            await LocationStore.DeleteClosureAsync(write, closureId, ct);
            return new Deletion(closureId);
        }, ct);

    private static async Task<Location> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await LocationStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("location", id);
}
