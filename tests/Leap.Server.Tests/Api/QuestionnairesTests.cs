using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Server.Questionnaires;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

public abstract class QuestionnairesTests(LeapFixture server)
{
    private const string Intake = "qt_0190b2a0-0000-7000-8000-000000000001";
    private const string Phq2 = "qt_0190b2a0-0000-7000-8000-000000000002";
    private const string Feedback = "qt_0190b2a0-0000-7000-8000-000000000003";

    /// <summary>An organisation's own template, inserted as demo data and the admin tools do (the API's create is QuestionnaireTemplatesTests').</summary>
    private async Task<string> OwnTemplateAsync(TestTenant t, string key, bool active = true)
    {
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var template = new QuestionnaireTemplate
        {
            Id = Ids.New(Ids.QuestionnaireTemplate), QuestionnaireId = Ids.New(Ids.Questionnaire), Title = $"Clinic form {key}", Category = "clinic",
            Schema = JsonDocument.Parse("""{"fields":[{"key":"ok","type":"boolean","required":true}]}""").RootElement.Clone(),
            IsClinical = false, Version = 1, IsActive = active, Key = key, CreatedAt = now, UpdatedAt = now,
        };
        await t.WriteAsync(db => QuestionnaireStore.InsertTemplateAsync(db, template, default));
        return template.Id;
    }

    private static object Phq2Answers(int interest = 2, int down = 1) => new { little_interest = interest, feeling_down = down };

    /// <summary>A response as stored once its creation is routed (its episode_id then set).</summary>
    private static async Task<JsonElement> RoutedAsync(TestTenant t, string id)
    {
        await t.RoutedAsync();
        return (await t.Api.GetAsync($"questionnaire-responses/{id}")).Expect(200).Data;
    }

    [Fact]
    public async Task Templates_are_the_system_ones_and_the_organisations_own()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var mine = await OwnTemplateAsync(t, "mine");
        var theirs = await OwnTemplateAsync(other, "theirs");

        var all = (await t.Api.GetAsync("questionnaire-templates")).Expect(200);
        Assert.Equal([Intake, Phq2, Feedback, mine], all.Ids());
        var phq2 = all.Data[1];
        Assert.Equal("phq2", phq2.GetProperty("key").GetString());
        Assert.True(phq2.GetProperty("is_system").GetBoolean());
        Assert.True(phq2.GetProperty("is_clinical").GetBoolean());
        Assert.StartsWith("q_", phq2.GetProperty("questionnaire_id").GetString());
        Assert.Equal("little_interest", phq2.GetProperty("schema").GetProperty("fields")[0].GetProperty("key").GetString());
        Assert.False(all.Data[3].GetProperty("is_system").GetBoolean());

        Assert.Equal([Phq2], (await t.Api.GetAsync("questionnaire-templates?key=phq2")).Expect(200).Ids());
        Assert.Equal([Feedback, mine], (await t.Api.GetAsync("questionnaire-templates?is_clinical=false")).Ids());
        Assert.Equal([Intake], (await t.Api.GetAsync("questionnaire-templates?search=INTAKE")).Ids());
        Assert.Equal([mine], (await t.Api.GetAsync("questionnaire-templates?category=clinic")).Ids());
        Assert.Equal(Phq2, (await t.Api.GetAsync($"questionnaire-templates/{Phq2}")).Expect(200).Id);
        (await t.Api.GetAsync($"questionnaire-templates/{theirs}")).ExpectError(404, "NOT_FOUND");
        var live = await t.KeyAsync(Leap.Server.Accounts.Scopes.All, Leap.Server.Accounts.Modes.Live);
        Assert.Equal([Intake, Phq2, Feedback], (await live.GetAsync("questionnaire-templates")).Ids());
    }

    [Fact]
    public async Task A_submitted_response_is_stored_and_opens_an_episode_for_review()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var created = (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, patient_id = patient, responses = Phq2Answers() },
            Guid.NewGuid().ToString())).Expect(201);
        var r = created.Data;
        Assert.StartsWith("qr_", created.Id);
        Assert.False(r.GetProperty("submitted_by_patient").GetBoolean());
        Assert.False(r.GetProperty("is_pre_booking").GetBoolean());
        Assert.Equal(2, r.GetProperty("responses").GetProperty("little_interest").GetInt32());
        // The answer comes before routing: episode_id appears once the response is routed, and nothing else changes.
        Assert.Equal(JsonValueKind.Null, r.GetProperty("episode_id").ValueKind);
        var stored = await RoutedAsync(t, created.Id);
        var routed = JsonNode.Parse(r.GetRawText())!.AsObject();
        routed["episode_id"] = stored.GetProperty("episode_id").GetString();
        Assert.Equal(routed.ToJsonString(), JsonNode.Parse(stored.GetRawText())!.ToJsonString());

        var episode = (await t.Api.GetAsync($"episodes/{stored.GetProperty("episode_id").GetString()}")).Expect(200).Data;
        Assert.Equal("questionnaire", episode.GetProperty("journey_type").GetString());
        Assert.Equal("awaiting_review", episode.GetProperty("status").GetString());
        Assert.Equal("Questionnaire: PHQ-2 depression screen", episode.GetProperty("title").GetString());
        var evt = (await t.Api.GetAsync($"episodes/{episode.GetProperty("id").GetString()}/events")).Data[0];
        Assert.Equal("questionnaire_response", evt.GetProperty("event_type").GetString());
        Assert.Equal(created.Id, evt.GetProperty("related_object_id").GetString());
    }

    [Fact]
    public async Task A_rule_on_the_questionnaire_trigger_matches_by_key()
    {
        var t = await server.NewTenantAsync();
        (await t.Api.PostAsync("pathway-rules", new
        {
            trigger_type = "questionnaire.submitted", rule_name = "Screens are urgent", priority = 1,
            conditions = new { questionnaire_keys = new[] { "phq2" } }, suggested_priority = "urgent",
        })).Expect(201);
        var patient = await t.CreatePatientAsync();
        var screen = await RoutedAsync(t, (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, patient_id = patient, responses = Phq2Answers() })).Expect(201).Id);
        Assert.Equal("urgent", (await t.Api.GetAsync($"episodes/{screen.GetProperty("episode_id").GetString()}")).Data.GetProperty("priority").GetString());
        var feedback = await RoutedAsync(t, (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Feedback, patient_id = patient, responses = new { rating = 5 } })).Expect(201).Id);
        Assert.Equal(screen.GetProperty("episode_id").GetString(), feedback.GetProperty("episode_id").GetString());
    }

    [Fact]
    public async Task Responses_must_be_an_object_for_a_known_active_template()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var theirs = await OwnTemplateAsync(other, "theirs");
        var inactive = await OwnTemplateAsync(t, "retired", active: false);

        var array = (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, responses = new[] { 1, 2 } })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["responses"], array.ErrorFields);
        Assert.Contains("object", array.Error.GetProperty("details")[0].GetProperty("message").GetString());
        Assert.Equal(["questionnaire_id", "responses"], (await t.Api.PostAsync("questionnaire-responses", new { })).ExpectError(422, "VALIDATION_ERROR").ErrorFields.Order());
        Assert.Equal(["questionnaire_id"], (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = theirs, responses = new { ok = true } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["questionnaire_id"], (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = inactive, responses = new { ok = true } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Empty((await t.Api.GetAsync("questionnaire-responses")).Ids());
    }

    [Fact]
    public async Task Answers_are_checked_against_the_template_questions()
    {
        var t = await server.NewTenantAsync();
        var wrong = (await t.Api.PostAsync("questionnaire-responses", new
        {
            questionnaire_id = Intake,
            responses = new { smoker = true, alcohol_units_per_week = "lots", preferred_contact = "pigeon", favourite_colour = "blue" },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["responses.alcohol_units_per_week", "responses.cigarettes_per_day", "responses.favourite_colour", "responses.main_reason", "responses.preferred_contact"],
            wrong.ErrorFields.Order());

        (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Intake, responses = new { main_reason = "Moved to the area", smoker = false } })).Expect(201);
        (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, responses = Phq2Answers(interest: 4) })).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, responses = new { little_interest = 1.5, feeling_down = 0 } })).ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Links_must_belong_to_the_patient_and_a_response_without_one_takes_the_appointments()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var stranger = await t.CreatePatientAsync();
        var appointment = (await t.Api.PostAsync("appointments", new
        {
            title = "Check-up", patient_id = patient, start_time = "2031-02-03T09:00:00Z", end_time = "2031-02-03T09:15:00Z",
        })).Expect(201).Id;

        var mismatch = (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Feedback, patient_id = stranger, appointment_id = appointment, responses = new { rating = 4 } }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_id"], mismatch.ErrorFields);

        var inferred = (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Feedback, appointment_id = appointment, is_pre_booking = false, responses = new { rating = 4 } }))
            .Expect(201).Data;
        Assert.Equal(patient, inferred.GetProperty("patient_id").GetString());
        var anonymous = await RoutedAsync(t, (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Feedback, responses = new { rating = 3 } })).Expect(201).Id);
        Assert.Equal(JsonValueKind.Null, anonymous.GetProperty("episode_id").ValueKind);
    }

    [Fact]
    public async Task Patch_replaces_the_answers_and_links_but_not_the_questionnaire_or_patient()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var id = (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, patient_id = patient, responses = Phq2Answers() })).Expect(201).Id;
        await t.RoutedAsync();
        var manual = (await t.Api.PostAsync("episodes", new { patient_id = patient, title = "Mood follow-up" })).Expect(201).Id;

        var patched = (await t.Api.PatchAsync($"questionnaire-responses/{id}", new { responses = Phq2Answers(0, 0), episode_id = manual, is_pre_booking = true })).Expect(200).Data;
        Assert.Equal(0, patched.GetProperty("responses").GetProperty("little_interest").GetInt32());
        Assert.Equal(manual, patched.GetProperty("episode_id").GetString());
        Assert.True(patched.GetProperty("is_pre_booking").GetBoolean());

        var refused = (await t.Api.PatchAsync($"questionnaire-responses/{id}", new { questionnaire_id = Feedback, patient_id = await t.CreatePatientAsync(), responses = new { feeling_down = 9 } }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["patient_id", "questionnaire_id", "responses.feeling_down", "responses.little_interest"], refused.ErrorFields.Order());
        Assert.Equal([id], (await t.Api.GetAsync($"questionnaire-responses?patient_id={patient}&questionnaire_id={Phq2}&is_pre_booking=true")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync("questionnaire-responses?is_pre_booking=false")).Ids());
        (await t.Api.PatchAsync("questionnaire-responses/qr_00000000-0000-7000-8000-000000000000", new { is_pre_booking = true })).ExpectError(404, "NOT_FOUND");
    }
}

public sealed class QuestionnairesTestsOnSqlite(SqliteServer server) : QuestionnairesTests(server);
public sealed class QuestionnairesTestsOnPostgres(PostgresServer server) : QuestionnairesTests(server);
