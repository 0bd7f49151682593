using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Resources;

/// <summary>
/// Rooms and equipment (docs/groups-and-resources.md): part of a location's directory, so read with <c>read_locations</c>
/// and written with <c>write_locations</c>, as locations are.
/// </summary>
public static class ResourcesApi
{
    private static readonly Resource Blank = ResourceValidation.Blank(Sample.Id(Ids.Resource), Sample.Now);

    public static void MapResources(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/resources").WithTags("Resources");
        group.MapGet("/", List).RequireScope(Scopes.ReadLocations);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadLocations);
        group.MapPost("/", Create).RequireScope(Scopes.WriteLocations).Idempotent()
            .Reads("ResourceCreate", r => ResourceValidation.Apply(r, Blank, creating: true, Sample.Now),
                $$"""{"name": "Treatment room 1", "type": "room", "location_id": "{{ExampleIds.Location}}"}""");
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WriteLocations).Idempotent()
            .Reads("ResourceUpdate", r => ResourceValidation.Apply(r, Blank, creating: false, Sample.Now), """{"name": "Treatment room 2"}""", partial: true);
    }

    private static async Task<ApiList<Resource>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await ResourceStore.ListAsync(db, ResourceStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<Resource>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await FindAsync(db, id, ct));

    private static async Task<ApiCreated<Resource>> Create(WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var resource = ResourceValidation.Apply(reader, ResourceValidation.Blank(Ids.New(Ids.Resource), now), creating: true, now);
        await CheckLocationAsync(reader, request.Db, resource, ct);
        reader.ThrowIfInvalid();
        return await request.CreateAsync(resource, write => ResourceStore.InsertAsync(write, resource, ct), ct);
    }

    /// <summary>
    /// Changes the fields sent. A deactivated resource is no longer picked for new bookings and keeps those it has; its
    /// type and location cannot change while future appointments take it (they were booked for that room or equipment).
    /// </summary>
    private static async Task<ApiActed<Resource>> Update(string id, WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            var before = await FindAsync(write, id, ct);
            var reader = request.Reader();
            var after = ResourceValidation.Apply(reader, before, creating: false, now);
            if (after.LocationId != before.LocationId)
            {
                await CheckLocationAsync(reader, write, after, ct);
            }
            reader.ThrowIfInvalid();
            if (after with { UpdatedAt = before.UpdatedAt } == before)
            {
                return before;
            }
            if ((after.Type != before.Type || after.LocationId != before.LocationId) && await ResourceBusy.TakenFromAsync(write, id, now, ct) is { } booked)
            {
                throw new ApiException(409, ErrorCodes.Conflict,
                    $"Resource {id} is taken by appointment {booked} (and perhaps others) from now on, so its type and location cannot change. " +
                    "Create a new resource instead, and deactivate this one.")
                {
                    ConflictingAppointmentId = booked,
                };
            }
            await ResourceStore.UpdateAsync(write, after, ct);
            return after;
        }, ct);
    }

    private static async Task CheckLocationAsync(BodyReader reader, TenantDb db, Resource resource, CancellationToken ct)
    {
        if (reader.Failed("location_id"))
        {
            return;
        }
        switch (await ResourceStore.LocationActiveAsync(db, resource.LocationId, ct))
        {
            case null:
                reader.Fail("location_id", $"no location {resource.LocationId} exists");
                break;
            case false:
                reader.Fail("location_id", $"location {resource.LocationId} is not active");
                break;
        }
    }

    private static async Task<Resource> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await ResourceStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("resource", id);
}
