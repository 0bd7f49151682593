using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class QuestionnairesClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Phq2 = "qt_0190b2a0-0000-7000-8000-000000000002";
    private const string Feedback = "qt_0190b2a0-0000-7000-8000-000000000003";

    [Fact]
    public async Task Templates_list_filter_page_and_get_with_their_schema()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var templates = sdk.Client.QuestionnaireTemplates;

        var page = await templates.ListAsync(ct: Ct);
        Assert.Equal(["new_patient_intake", "phq2", "appointment_feedback"], page.Data.Select(q => q.Key));
        Assert.All(page.Data, q => Assert.True(q.IsSystem && q.IsActive));

        var phq = Assert.Single((await templates.ListAsync(new() { Key = "phq2" }, Ct)).Data);
        Assert.Equal((Phq2, "PHQ-2 depression screen", "screening", true, 1), (phq.Id, phq.Title, phq.Category, phq.IsClinical, phq.Version));
        Assert.StartsWith("q_", phq.QuestionnaireId);
        Assert.Equal(["mental-health", "phq"], phq.Tags);
        Assert.Equal(["little_interest", "feeling_down"],
            phq.Schema.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("key").GetString()));
        Assert.Equal([Phq2], (await templates.ListAsync(new() { Search = "depression" }, Ct)).Data.Select(q => q.Id));
        Assert.Equal([Feedback], (await templates.ListAsync(new() { IsClinical = false }, Ct)).Data.Select(q => q.Id));

        var fetched = await templates.GetAsync(Phq2, Ct);
        Assert.Equal((phq.Id, phq.Description, phq.UpdatedAt), (fetched.Id, fetched.Description, fetched.UpdatedAt));
        var all = new List<string>();
        await foreach (var q in templates.ListAllAsync(new() { Limit = 1 }, Ct))
        {
            all.Add(q.Id);
        }
        Assert.Equal((await t.Api.GetAsync("questionnaire-templates")).Expect(200).Ids(), all);
        await Assert.ThrowsAsync<LeapNotFoundException>(() => templates.GetAsync("qt_0190b2a0-0000-7000-8000-00000000dead", Ct));
    }

    private static JsonObject Questions(params (string Key, string Type)[] questions) => new()
    {
        ["fields"] = new JsonArray(questions.Select(q => (JsonNode)new JsonObject { ["key"] = q.Key, ["label"] = $"{q.Key}?", ["type"] = q.Type, ["required"] = true }).ToArray()),
    };

    [Fact]
    public async Task Templates_are_created_and_edited_into_versions_and_a_response_shows_the_version_it_answered()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var templates = sdk.Client.QuestionnaireTemplates;

        var created = await templates.CreateAsync(new QuestionnaireTemplateCreate
        {
            Title = "Knee check-in", Schema = Questions(("swollen", "boolean")), Category = "physio", Tags = ["msk"], IsClinical = true, Key = "knee_check_in",
        }, ct: Ct);
        Assert.StartsWith("qt_", created.Id);
        Assert.Equal((1, true, false, "knee_check_in", "physio"), (created.Version, created.IsActive, created.IsSystem, created.Key, created.Category));
        var answered = await sdk.Client.QuestionnaireResponses.CreateAsync(new QuestionnaireResponseCreate
        {
            QuestionnaireId = created.Id, Responses = new JsonObject { ["swollen"] = true },
        }, ct: Ct);
        Assert.Equal(1, answered.QuestionnaireVersion);

        var changes = new QuestionnaireTemplateUpdate { Schema = Questions(("swollen", "boolean"), ("pain", "text")), Description = "Now asks about pain" };
        Assert.Equal(["schema", "description"], changes.FieldNames);
        var edited = await templates.UpdateAsync(created.Id, changes, ct: Ct);
        Assert.Equal((2, created.QuestionnaireId, "Now asks about pain"), (edited.Version, edited.QuestionnaireId, edited.Description));
        var retired = await templates.UpdateAsync(created.Id, new QuestionnaireTemplateUpdate { IsActive = false, Tags = [] }, ct: Ct);
        Assert.Equal((2, false), (retired.Version, retired.IsActive));
        Assert.Empty(retired.Tags);

        var shown = await templates.GetVersionAsync(created.Id, (await sdk.Client.QuestionnaireResponses.GetAsync(answered.Id, Ct)).QuestionnaireVersion, Ct);
        Assert.Equal((1, (string?)null), (shown.Version, shown.Description));
        Assert.Equal(["swollen"], shown.Schema.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("key").GetString()));
        Assert.Equal(2, (await templates.GetAsync(created.Id, Ct)).Schema.GetProperty("fields").GetArrayLength());
        await Assert.ThrowsAsync<LeapNotFoundException>(() => templates.GetVersionAsync(created.Id, 3, Ct));

        var invalid = await Assert.ThrowsAsync<LeapValidationException>(() => templates.CreateAsync(new QuestionnaireTemplateCreate
        {
            Title = "Broken", Schema = Questions(("a", "choice"), ("a", "colour")),
        }, ct: Ct));
        Assert.Equal(["schema.fields[0].options", "schema.fields[1].key", "schema.fields[1].type"], invalid.Details.Select(d => d.Field).Order());
        var system = await Assert.ThrowsAsync<LeapPermissionException>(() => templates.UpdateAsync(Phq2, new QuestionnaireTemplateUpdate { Title = "Mine" }, ct: Ct));
        Assert.Equal(403, system.Status);
        var key = Guid.NewGuid().ToString();
        Assert.Equal(edited.Id, (await templates.UpdateAsync(created.Id, new QuestionnaireTemplateUpdate { Title = "Knee review" }, key, Ct)).Id);
        await Assert.ThrowsAsync<LeapConflictException>(() => templates.UpdateAsync(created.Id, new QuestionnaireTemplateUpdate { Title = "Other" }, key, Ct));
        Assert.Equal((3, "Knee review"), ((await templates.GetAsync(created.Id, Ct)).Version, (await templates.GetAsync(created.Id, Ct)).Title));
    }

    [Fact]
    public async Task A_response_is_checked_stored_lands_on_an_episode_and_a_pathway_rule_applies()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var responses = sdk.Client.QuestionnaireResponses;
        var patient = await t.CreatePatientAsync("Dana", "Screened");
        await sdk.Client.PathwayRules.CreateAsync(new PathwayRuleCreate
        {
            TriggerType = PathwayTrigger.QuestionnaireSubmitted, RuleName = "PHQ-2 to the mental health lead", Priority = 1,
            Conditions = new PathwayRuleConditions { QuestionnaireKeys = ["phq2"] },
            SuggestedPriority = EpisodePriority.High, SuggestedAssignment = "usr_mh_lead",
        }, ct: Ct);
        var submitted = new DateTimeOffset(2026, 1, 5, 8, 30, 0, TimeSpan.Zero);

        var created = await responses.CreateAsync(new QuestionnaireResponseCreate
        {
            QuestionnaireId = Phq2, PatientId = patient, Responses = new JsonObject { ["little_interest"] = 2, ["feeling_down"] = 3 },
            IsPreBooking = true, SubmittedAt = submitted,
        }, ct: Ct);
        Assert.StartsWith("qr_", created.Id);
        Assert.Equal((Phq2, patient, (string?)null, true, false, submitted),
            (created.QuestionnaireId, created.PatientId, created.AppointmentId, created.IsPreBooking, created.SubmittedByPatient, created.SubmittedAt));
        Assert.Equal(3, created.Responses.GetProperty("feeling_down").GetInt32());

        // The answer comes before routing; once routed, the trigger has put it on a new questionnaire episode, as the rule says.
        Assert.Null(created.EpisodeId);
        await t.RoutedAsync();
        var fetched = await responses.GetAsync(created.Id, Ct);
        Assert.Equal((created.Id, created.CreatedAt), (fetched.Id, fetched.CreatedAt));
        Assert.Equal(created.Responses.GetRawText(), fetched.Responses.GetRawText());
        var episode = await sdk.Client.Episodes.GetAsync(fetched.EpisodeId!, Ct);
        Assert.Equal((patient, EpisodeJourneyType.Questionnaire, EpisodePriority.High, "usr_mh_lead", EpisodeStatus.AwaitingReview),
            (episode.PatientId, episode.JourneyType, episode.Priority, episode.AssignedTo, episode.Status));

        var raw = (await t.Api.GetAsync($"questionnaire-responses/{created.Id}")).Expect(200).Data;
        Assert.Equal(2, raw.GetProperty("responses").GetProperty("little_interest").GetInt32());
        Assert.Equal(fetched.EpisodeId, raw.GetProperty("episode_id").GetString());

        var other = await responses.CreateAsync(new QuestionnaireResponseCreate { QuestionnaireId = Feedback, Responses = new JsonObject { ["rating"] = 5 } }, ct: Ct);
        Assert.Null(other.PatientId);
        await t.RoutedAsync();
        Assert.Null((await responses.GetAsync(other.Id, Ct)).EpisodeId);
        Assert.Equal([created.Id], (await responses.ListAsync(new() { PatientId = patient }, Ct)).Data.Select(r => r.Id));
        Assert.Equal([other.Id], (await responses.ListAsync(new() { QuestionnaireId = Feedback }, Ct)).Data.Select(r => r.Id));
        Assert.Equal([created.Id], (await responses.ListAsync(new() { IsPreBooking = true, SubmittedAtLte = submitted }, Ct)).Data.Select(r => r.Id));
        Assert.Equal([created.Id], (await responses.ListAsync(new() { EpisodeId = fetched.EpisodeId }, Ct)).Data.Select(r => r.Id));
        var all = new List<string>();
        await foreach (var r in responses.ListAllAsync(new() { Limit = 1 }, Ct))
        {
            all.Add(r.Id);
        }
        Assert.Equal([created.Id, other.Id], all);
    }

    [Fact]
    public async Task Update_replaces_the_answers_and_links_and_bad_answers_are_a_validation_error()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var responses = sdk.Client.QuestionnaireResponses;
        var patient = await t.CreatePatientAsync("Eve", "Feedback");
        var response = await responses.CreateAsync(new QuestionnaireResponseCreate
        {
            QuestionnaireId = Feedback, Responses = new JsonObject { ["rating"] = 2, ["comments"] = "Late" },
        }, ct: Ct);

        var changes = new QuestionnaireResponseUpdate { Responses = new JsonObject { ["rating"] = 4, ["would_recommend"] = true }, PatientId = patient };
        Assert.Equal(["responses", "patient_id"], changes.FieldNames);
        var updated = await responses.UpdateAsync(response.Id, changes, Ct);
        Assert.Equal(patient, updated.PatientId);
        Assert.Equal(["rating", "would_recommend"], updated.Responses.EnumerateObject().Select(p => p.Name));
        var raw = (await t.Api.GetAsync($"questionnaire-responses/{response.Id}")).Expect(200).Data;
        Assert.Equal(4, raw.GetProperty("responses").GetProperty("rating").GetInt32());
        Assert.False(raw.GetProperty("responses").TryGetProperty("comments", out _));

        var bad = await Assert.ThrowsAsync<LeapValidationException>(() => responses.CreateAsync(new QuestionnaireResponseCreate
        {
            QuestionnaireId = Phq2, Responses = new JsonObject { ["little_interest"] = 9, ["favourite_colour"] = "blue" },
        }, ct: Ct));
        Assert.Equal((422, LeapErrorCodes.ValidationError), (bad.Status, bad.Code));
        Assert.Equal(["responses.favourite_colour", "responses.feeling_down", "responses.little_interest"], bad.Details.Select(d => d.Field).Order());

        var someoneElse = await t.CreatePatientAsync("Other", "One");
        var changePatient = await Assert.ThrowsAsync<LeapValidationException>(() =>
            responses.UpdateAsync(response.Id, new QuestionnaireResponseUpdate { PatientId = someoneElse }, Ct));
        Assert.Equal(["patient_id"], changePatient.Details.Select(d => d.Field));
        Assert.Equal(patient, (await t.Api.GetAsync($"questionnaire-responses/{response.Id}")).Expect(200).Data.GetProperty("patient_id").GetString());
        Assert.Equal(JsonValueKind.Object, (await responses.GetAsync(response.Id, Ct)).Responses.ValueKind);
    }
}

public sealed class QuestionnairesClientTestsOnSqlite(SqliteServer server) : QuestionnairesClientTests(server);
public sealed class QuestionnairesClientTestsOnPostgres(PostgresServer server) : QuestionnairesClientTests(server);
