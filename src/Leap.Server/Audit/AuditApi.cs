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
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadAudit);
        foreach (var pattern in new[] { "/", "/{id}" })
        {
            group.MapMethods(pattern, ["POST", "PUT", "PATCH", "DELETE"], NotEditable).ExcludeFromDescription();
        }
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

    private static IResult NotEditable() => throw new ApiException(405, ErrorCodes.MethodNotAllowed,
        "The access log is append-only: the server writes it, and nobody can add, change or delete an entry through the API.");
}
