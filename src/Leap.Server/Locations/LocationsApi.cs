using Leap.Server.Accounts;
using Leap.Server.Http;

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

    private static async Task<ApiList<Location>> List(HttpRequest request, Caller caller, LocationStore store, CancellationToken ct) =>
        Api.List(await store.ListAsync(caller.Tenant, LocationStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<Location>> Get(string id, Caller caller, LocationStore store, CancellationToken ct) =>
        Api.Ok(await store.FindAsync(caller.Tenant, id, ct) ?? throw ApiException.NotFound("location", id));
}
