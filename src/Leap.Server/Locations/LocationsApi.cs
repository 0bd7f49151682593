using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Locations;

/// <summary>Read-only, as in Jump: locations are managed by the practice (here: the admin command line).</summary>
public static class LocationsApi
{
    public static void MapLocations(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/locations").WithTags("Locations");
        group.MapGet("/", List).RequireScope(Scopes.ReadLocations);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadLocations);
    }

    private static async Task<ApiList<Location>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await LocationStore.ListAsync(db, LocationStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<Location>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await LocationStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("location", id));
}
