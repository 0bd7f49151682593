using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Pathways;

public static class PathwayRulesApi
{
    public static void MapPathwayRules(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/pathway-rules").WithTags("Pathway rules");
        group.MapGet("/", List).RequireScope(Scopes.ReadPathwayRules);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadPathwayRules);
        group.MapPost("/", Create).RequireScope(Scopes.WritePathwayRules).Accepts<PathwayRuleRequestExample>("application/json");
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WritePathwayRules).Accepts<PathwayRuleRequestExample>("application/json");
        group.MapDelete("/{id}", Delete).RequireScope(Scopes.WritePathwayRules);
    }

    private static async Task<ApiList<PathwayRule>> List(HttpRequest request, Caller caller, PathwayRuleStore store, CancellationToken ct) =>
        Api.List(await store.ListAsync(caller.Tenant, PathwayRuleStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<PathwayRule>> Get(string id, Caller caller, PathwayRuleStore store, CancellationToken ct) =>
        Api.Ok(await store.FindAsync(caller.Tenant, id, ct) ?? throw ApiException.NotFound("pathway rule", id));

    private static async Task<ApiCreated<PathwayRule>> Create(
        HttpContext http, Caller caller, Idempotency idempotency, PathwayRuleStore store, Database db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var request = Idempotency.Describe(http, caller, body);
        if (await idempotency.FindReplayAsync<PathwayRule>(request, ct) is { } replay)
        {
            return replay;
        }
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = new BodyReader(body.Root);
        var rule = PathwayRuleValidation.Apply(reader, PathwayRuleValidation.Blank(Ids.New(Ids.PathwayRule), now), creating: true, now);
        reader.ThrowIfInvalid();
        try
        {
            return await idempotency.ExecuteAsync(http, request, rule,
                (connection, tx) => PathwayRuleStore.InsertAsync(connection, tx, caller.Tenant, rule, ct), ct);
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            throw await PriorityTakenAsync(store, caller, rule, ct);
        }
    }

    private static async Task<ApiData<PathwayRule>> Update(
        string id, HttpContext http, Caller caller, PathwayRuleStore store, Database db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        PathwayRule? attempted = null;
        try
        {
            return Api.Ok(await db.WriteAsync(async (connection, tx) =>
            {
                var current = await PathwayRuleStore.FindAsync(connection, tx, caller.Tenant, id, ct) ?? throw ApiException.NotFound("pathway rule", id);
                var now = TypeHandlers.Truncate(clock.GetUtcNow());
                var reader = new BodyReader(body.Root);
                attempted = PathwayRuleValidation.Apply(reader, current, creating: false, now);
                reader.ThrowIfInvalid();
                await PathwayRuleStore.UpdateAsync(connection, tx, caller.Tenant, attempted, ct);
                return attempted;
            }, ct));
        }
        catch (Exception e) when (db.IsUniqueViolation(e) && attempted is not null)
        {
            throw await PriorityTakenAsync(store, caller, attempted, ct);
        }
    }

    private static async Task<ApiData<Deletion>> Delete(string id, Caller caller, PathwayRuleStore store, CancellationToken ct) =>
        await store.DeleteAsync(caller.Tenant, id, ct) == 1 ? Api.Ok(new Deletion(id)) : throw ApiException.NotFound("pathway rule", id);

    /// <summary>Rules of one trigger are tried in priority order, so two of them may not share a priority.</summary>
    private static async Task<ApiException> PriorityTakenAsync(PathwayRuleStore store, Caller caller, PathwayRule rule, CancellationToken ct)
    {
        var holder = await store.HolderOfPriorityAsync(caller.Tenant, rule.TriggerType, rule.Priority, ct);
        return new ApiException(409, ErrorCodes.Conflict,
            $"Rule {holder ?? "(another)"} already has priority {rule.Priority} for {rule.TriggerType}: rules of a trigger are tried in " +
            "priority order, so each needs its own. Choose another priority.");
    }
}
