using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Audit;

public static class AuditApi
{
    public static void MapAudit(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/audit-events").WithTags("Audit");
        group.MapGet("/", List).RequireScope(Scopes.ReadAudit);
        // Nothing else is mapped: any other method is the framework's enveloped 405, so the log stays append-only.
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadAudit);
    }

    /// <summary>Sees every access recorded before it (the writer is flushed first), so a check right after a read finds it.</summary>
    private static async Task<ApiList<AuditEvent>> List(HttpRequest request, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var query = AuditStore.ListSpec.Parse(request);
        await log.FlushAsync(ct);
        return Api.List(await AuditStore.ListAsync(db, query, ct));
    }

    private static async Task<ApiData<AuditEvent>> Get(string id, TenantDb db, AccessLog log, CancellationToken ct)
    {
        await log.FlushAsync(ct);
        return Api.Ok(await AuditStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("audit event", id));
    }
}
