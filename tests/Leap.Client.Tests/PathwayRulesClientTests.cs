using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class PathwayRulesClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_with_conditions_and_overrides_get_and_list_with_filters()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var rules = sdk.Client.PathwayRules;
        var template = await t.CreateTemplateAsync("Urgent care");

        var urgent = await rules.CreateAsync(new PathwayRuleCreate
        {
            TriggerType = PathwayTrigger.AppointmentBooked, RuleName = "Urgent care to the team lead", Priority = 10,
            Conditions = new PathwayRuleConditions { AppointmentTypeIds = [template], IsRemote = false },
            SuggestedAssignment = "usr_team_lead", SuggestedPriority = EpisodePriority.Urgent, ExpectedNextActor = PathwayNextActor.Practice,
            InboxVisibility = EpisodeInboxVisibility.Surface, JourneyType = EpisodeJourneyType.Access,
        }, ct: Ct);
        Assert.StartsWith("rule_", urgent.Id);
        Assert.Equal((PathwayTrigger.AppointmentBooked, "Urgent care to the team lead", 10, true), (urgent.TriggerType, urgent.RuleName, urgent.Priority, urgent.Enabled));
        Assert.Equal([template], urgent.Conditions.AppointmentTypeIds!);
        Assert.Equal(false, urgent.Conditions.IsRemote);
        Assert.Null(urgent.Conditions.QuestionnaireIds);
        Assert.Equal(("usr_team_lead", EpisodePriority.Urgent, PathwayNextActor.Practice), (urgent.SuggestedAssignment, urgent.SuggestedPriority, urgent.ExpectedNextActor));
        Assert.Equal(((string?)null, EpisodeJourneyType.Access), (urgent.CreationMode, urgent.JourneyType));

        var raw = (await t.Api.GetAsync($"pathway-rules/{urgent.Id}")).Expect(200).Data;
        Assert.Equal(template, raw.GetProperty("conditions").GetProperty("appointment_type_ids")[0].GetString());
        Assert.False(raw.GetProperty("conditions").TryGetProperty("location_ids", out _));

        var skip = await rules.CreateAsync(new PathwayRuleCreate
        {
            TriggerType = PathwayTrigger.AppointmentCancelled, RuleName = "Ignore cancellations", Priority = 5,
            CreationMode = PathwayCreationMode.Skip, Enabled = false,
        }, ct: Ct);
        var phq = await rules.CreateAsync(new PathwayRuleCreate
        {
            TriggerType = PathwayTrigger.QuestionnaireSubmitted, RuleName = "PHQ-2 is urgent", Priority = 1,
            Conditions = new PathwayRuleConditions { QuestionnaireKeys = ["phq2"] }, SuggestedPriority = EpisodePriority.High,
        }, ct: Ct);
        Assert.Equal(urgent.CreatedAt, (await rules.GetAsync(urgent.Id, Ct)).CreatedAt);

        Assert.Equal([urgent.Id, skip.Id, phq.Id], (await rules.ListAsync(ct: Ct)).Data.Select(r => r.Id));
        Assert.Equal([skip.Id], (await rules.ListAsync(new() { Enabled = false }, Ct)).Data.Select(r => r.Id));
        Assert.Equal([urgent.Id, phq.Id], (await rules.ListAsync(new() { TriggerTypeIn = [PathwayTrigger.AppointmentBooked, PathwayTrigger.QuestionnaireSubmitted] }, Ct)).Data.Select(r => r.Id));
        Assert.Equal([skip.Id], (await rules.ListAsync(new() { CreationMode = PathwayCreationMode.Skip }, Ct)).Data.Select(r => r.Id));
        Assert.Equal([phq.Id], (await rules.ListAsync(new() { TriggerType = PathwayTrigger.QuestionnaireSubmitted, SuggestedPriority = EpisodePriority.High }, Ct)).Data.Select(r => r.Id));
        var all = new List<string>();
        await foreach (var rule in rules.ListAllAsync(new() { Limit = 2 }, Ct))
        {
            all.Add(rule.Id);
        }
        Assert.Equal((await t.Api.GetAsync("pathway-rules")).Expect(200).Ids(), all);
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public async Task Update_replaces_conditions_null_inherits_again_and_clashes_and_typos_are_refused()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var rules = sdk.Client.PathwayRules;
        var location = await t.CreateLocationAsync();
        var first = await rules.CreateAsync(new PathwayRuleCreate
        {
            TriggerType = PathwayTrigger.AppointmentCompleted, RuleName = "Write-ups", Priority = 1,
            Conditions = new PathwayRuleConditions { IsRemote = true }, SuggestedPriority = EpisodePriority.Low, SuggestedAssignment = "usr_a",
        }, ct: Ct);
        var second = await rules.CreateAsync(new PathwayRuleCreate { TriggerType = PathwayTrigger.AppointmentCompleted, RuleName = "Other", Priority = 2 }, ct: Ct);

        var changes = new PathwayRuleUpdate
        {
            RuleName = "Write-ups at the branch", Conditions = new PathwayRuleConditions { LocationIds = [location] }, SuggestedPriority = null, Enabled = false,
        };
        Assert.Equal(["rule_name", "conditions", "suggested_priority", "enabled"], changes.FieldNames);
        var updated = await rules.UpdateAsync(first.Id, changes, Ct);
        Assert.Equal(("Write-ups at the branch", false, (string?)null, "usr_a"), (updated.RuleName, updated.Enabled, updated.SuggestedPriority, updated.SuggestedAssignment));
        Assert.Equal([location], updated.Conditions.LocationIds!);
        Assert.Null(updated.Conditions.IsRemote);
        var raw = (await t.Api.GetAsync($"pathway-rules/{first.Id}")).Expect(200).Data;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, raw.GetProperty("suggested_priority").ValueKind);
        Assert.Equal(["location_ids"], raw.GetProperty("conditions").EnumerateObject().Select(p => p.Name));

        var clash = await Assert.ThrowsAsync<LeapConflictException>(() => rules.UpdateAsync(second.Id, new PathwayRuleUpdate { Priority = 1 }, Ct));
        Assert.Equal(LeapErrorCodes.Conflict, clash.Code);
        Assert.Contains(first.Id, clash.Message);
        Assert.Equal(2, (await rules.GetAsync(second.Id, Ct)).Priority);

        var typo = await Assert.ThrowsAsync<LeapValidationException>(() => rules.UpdateAsync(second.Id,
            new PathwayRuleUpdate { Conditions = new PathwayRuleConditions { QuestionnaireKeys = ["phq2"] } }, Ct));
        Assert.Equal(["conditions.questionnaire_keys"], typo.Details.Select(d => d.Field));
    }

    [Fact]
    public async Task Delete_removes_the_rule()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var rules = sdk.Client.PathwayRules;
        var rule = await rules.CreateAsync(new PathwayRuleCreate { TriggerType = PathwayTrigger.InvoicePaid, RuleName = "Paid", Priority = 0 }, ct: Ct);

        var deleted = await rules.DeleteAsync(rule.Id, Ct);
        Assert.Equal((rule.Id, true), (deleted.Id, deleted.Deleted));
        (await t.Api.GetAsync($"pathway-rules/{rule.Id}")).ExpectError(404, "NOT_FOUND");
        var gone = await Assert.ThrowsAsync<LeapNotFoundException>(() => rules.DeleteAsync(rule.Id, Ct));
        Assert.Equal((404, LeapErrorCodes.NotFound), (gone.Status, gone.Code));
        await Assert.ThrowsAsync<LeapNotFoundException>(() => rules.GetAsync(rule.Id, Ct));
    }

    [Fact]
    public async Task A_key_without_the_write_scope_is_refused()
    {
        var t = await server.NewTenantAsync();
        var readOnly = await t.KeyAsync(["read_pathway_rules"]);
        using var sdk = new Sdk(t.Fixture.BaseUrl + "/api/v1", readOnly.Key!);
        Assert.Empty((await sdk.Client.PathwayRules.ListAsync(ct: Ct)).Data);
        var e = await Assert.ThrowsAsync<LeapPermissionException>(() => sdk.Client.PathwayRules.CreateAsync(
            new PathwayRuleCreate { TriggerType = PathwayTrigger.InvoicePaid, RuleName = "No", Priority = 0 }, ct: Ct));
        Assert.Equal((403, LeapErrorCodes.Forbidden), (e.Status, e.Code));
        Assert.Empty((await t.Api.GetAsync("pathway-rules")).Expect(200).Ids());
    }
}

public sealed class PathwayRulesClientTestsOnSqlite(SqliteServer server) : PathwayRulesClientTests(server);
public sealed class PathwayRulesClientTestsOnPostgres(PostgresServer server) : PathwayRulesClientTests(server);
