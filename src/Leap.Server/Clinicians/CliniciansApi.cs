using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Clinicians;

/// <summary>
/// Read-only, as in Jump: the practice manages its clinicians (here: the admin command line). Each clinician's
/// working sessions and blocks can be read too, so an integration can see why a slot is or is not offered.
/// </summary>
public static class CliniciansApi
{
    public static void MapClinicians(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/clinician-profiles").WithTags("Clinician profiles");
        group.MapGet("/", List).RequireScope(Scopes.ReadClinicians);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadClinicians);
        group.MapGet("/{id}/sessions", Sessions).RequireScope(Scopes.ReadClinicians);
        group.MapGet("/{id}/blocks", Blocks).RequireScope(Scopes.ReadClinicians);
    }

    private static async Task<ApiList<ClinicianProfile>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await ClinicianStore.ListAsync(db, ClinicianStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<ClinicianProfile>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await FindAsync(db, id, ct));

    private static async Task<ApiList<ClinicianSession>> Sessions(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var query = ClinicianScheduleStore.SessionListSpec.Parse(request);
        await FindAsync(db, id, ct);
        return Api.List(await ClinicianScheduleStore.ListSessionsAsync(db, id, query, ct));
    }

    private static async Task<ApiList<ClinicianBlock>> Blocks(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var query = ClinicianScheduleStore.BlockListSpec.Parse(request);
        await FindAsync(db, id, ct);
        return Api.List(await ClinicianScheduleStore.ListBlocksAsync(db, id, query, ct));
    }

    private static async Task<ClinicianProfile> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await ClinicianStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("clinician profile", id);
}
