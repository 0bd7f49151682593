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
        group.MapPost("/", Create).RequireScope(Scopes.WritePathwayRules).Idempotent()
            .Reads("PathwayRuleCreate", r => PathwayRuleValidation.Apply(r, Blank, creating: true, Sample.Now), $$"""
                {"trigger_type": "appointment.no_show", "rule_name": "Missed physio: urgent follow-up", "priority": 10,
                 "conditions": {"appointment_type_ids": ["{{ExampleIds.Template}}"]}, "suggested_priority": "urgent",
                 "suggested_assignment": "team_physio", "expected_next_actor": "clinician"}
                """);
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WritePathwayRules)
            .Reads("PathwayRuleUpdate", r => PathwayRuleValidation.Apply(r, Blank, creating: false, Sample.Now),
                """{"enabled": false}""", partial: true);
        group.MapDelete("/{id}", Delete).RequireScope(Scopes.WritePathwayRules);
    }

    private static async Task<ApiList<PathwayRule>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await PathwayRuleStore.ListAsync(db, PathwayRuleStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<PathwayRule>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await PathwayRuleStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("pathway rule", id));

    private static readonly PathwayRule Blank = PathwayRuleValidation.Blank(Sample.Id(Ids.PathwayRule), Sample.Now);

    private static async Task<ApiCreated<PathwayRule>> Create(WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var rule = PathwayRuleValidation.Apply(reader, PathwayRuleValidation.Blank(Ids.New(Ids.PathwayRule), now), creating: true, now);
        reader.ThrowIfInvalid();
        try
        {
            return await request.CreateAsync(rule, write => PathwayRuleStore.InsertAsync(write, rule, ct), ct);
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            throw await PriorityTakenAsync(db, rule, ct);
        }
    }

    private static async Task<ApiData<PathwayRule>> Update(
        string id, HttpContext http, TenantDb db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        PathwayRule? attempted = null;
        try
        {
            return Api.Ok(await db.WriteAsync(async write =>
            {
                var current = await PathwayRuleStore.FindAsync(write, id, ct) ?? throw ApiException.NotFound("pathway rule", id);
                var now = TypeHandlers.Truncate(clock.GetUtcNow());
                var reader = new BodyReader(body.Root);
                attempted = PathwayRuleValidation.Apply(reader, current, creating: false, now);
                reader.ThrowIfInvalid();
                await PathwayRuleStore.UpdateAsync(write, attempted, ct);
                return attempted;
            }, ct));
        }
        catch (Exception e) when (db.IsUniqueViolation(e) && attempted is not null)
        {
            throw await PriorityTakenAsync(db, attempted, ct);
        }
    }

    private static async Task<ApiData<Deletion>> Delete(string id, TenantDb db, CancellationToken ct) =>
        await PathwayRuleStore.DeleteAsync(db, id, ct) == 1 ? Api.Ok(new Deletion(id)) : throw ApiException.NotFound("pathway rule", id);

    /// <summary>Rules of one trigger are tried in priority order, so two of them may not share a priority.</summary>
    private static async Task<ApiException> PriorityTakenAsync(TenantDb db, PathwayRule rule, CancellationToken ct)
    {
        var holder = await PathwayRuleStore.HolderOfPriorityAsync(db, rule.TriggerType, rule.Priority, ct);
        return new ApiException(409, ErrorCodes.Conflict,
            $"Rule {holder ?? "(another)"} already has priority {rule.Priority} for {rule.TriggerType}: rules of a trigger are tried in " +
            "priority order, so each needs its own. Choose another priority.");
    }
}
