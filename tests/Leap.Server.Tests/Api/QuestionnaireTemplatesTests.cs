using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>Questionnaire templates written through the API: validation, isolation, scopes, idempotency and versions.</summary>
public abstract class QuestionnaireTemplatesTests(LeapFixture server)
{
    private const string Phq2 = "qt_0190b2a0-0000-7000-8000-000000000002";

    private static object Question(string key, string type = "boolean", bool required = true) => new { key, label = $"Question {key}?", type, required };

    private static object Form(string title = "Clinic check-in", string? key = null, params object[] questions) =>
        new { title, key, category = "clinic", schema = new { fields = questions.Length > 0 ? questions : [Question("ok")] } };

    private static async Task<JsonElement> CreateAsync(TestTenant t, object? body = null) =>
        (await t.Api.PostAsync("questionnaire-templates", body ?? Form(), Guid.NewGuid().ToString())).Expect(201).Data;

    private static async Task<long> StoredVersionsAsync(TestTenant t, string id) =>
        await t.Db.SingleAsync<long>("SELECT COUNT(*) FROM questionnaire_template_versions WHERE template_id = @id", new { id });

    [Fact]
    public async Task A_created_template_is_version_1_of_the_organisations_own()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.PostAsync("questionnaire-templates", new
        {
            title = "Back pain check-in", description = "Before a physio review.", category = "physio", tags = new[] { "msk" }, is_clinical = true,
            key = "back_pain", schema = new { fields = new object[] { Question("worse_at_night"), new { key = "pain", label = "Pain?", type = "scale", min = 0, max = 10 } } },
        }, Guid.NewGuid().ToString())).Expect(201);
        var data = created.Data;
        Assert.StartsWith("qt_", created.Id);
        Assert.StartsWith("q_", data.GetProperty("questionnaire_id").GetString());
        Assert.Equal((1, true, false, true), (data.GetProperty("version").GetInt32(), data.GetProperty("is_active").GetBoolean(),
            data.GetProperty("is_system").GetBoolean(), data.GetProperty("is_clinical").GetBoolean()));
        Assert.Equal(("back_pain", "physio", "msk"), (data.GetProperty("key").GetString(), data.GetProperty("category").GetString(), data.GetProperty("tags")[0].GetString()));
        Assert.Equal("pain", data.GetProperty("schema").GetProperty("fields")[1].GetProperty("key").GetString());

        var fetched = (await t.Api.GetAsync($"questionnaire-templates/{created.Id}")).Expect(200).Data;
        Assert.Equal(data.GetRawText(), fetched.GetRawText());
        Assert.Equal(data.GetRawText(), (await t.Api.GetAsync($"questionnaire-templates/{created.Id}?version=1")).Expect(200).Data.GetRawText());
        Assert.Contains(created.Id, (await t.Api.GetAsync("questionnaire-templates?key=back_pain")).Ids());
        Assert.Equal(1, await StoredVersionsAsync(t, created.Id));
    }

    [Fact]
    public async Task Invalid_questions_are_refused_with_every_problem_named()
    {
        var t = await server.NewTenantAsync();
        var refused = (await t.Api.PostAsync("questionnaire-templates", new
        {
            key = "Not A Key",
            schema = new
            {
                fields = new object[]
                {
                    new { key = "smoker", label = "Smoke?", type = "boolean", requried = true },
                    new { key = "smoker", label = "Again?", type = "boolean" },
                    new { key = "contact", label = "How?", type = "choice" },
                    new { key = "mood", label = "Mood?", type = "feelings" },
                    new { key = "pain", label = "Pain?", type = "scale", min = 10, max = 0.5 },
                    new { key = "age", label = "Age?", type = "number", min = 10, max = 5, max_length = 3 },
                    new { key = "notes", type = "text", options = new[] { "a" }, show_if = new { ghost = true } },
                    new { key = "Bad Key", label = "?", type = "multi_choice", options = new[] { "x", "x" } },
                },
                layout = "grid",
            },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(
        [
            "key", "schema.fields[0].requried", "schema.fields[1].key", "schema.fields[2].options", "schema.fields[3].type", "schema.fields[4].max",
            "schema.fields[5].max", "schema.fields[5].max_length", "schema.fields[6].label", "schema.fields[6].options", "schema.fields[6].show_if.ghost",
            "schema.fields[7].key", "schema.fields[7].options", "schema.layout", "title",
        ], refused.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Contains(refused.Error.GetProperty("details").EnumerateArray(),
            d => d.GetProperty("field").GetString() == "schema.fields[1].key" && d.GetProperty("message").GetString()!.Contains("question 0"));

        Assert.Equal(["schema", "title"], (await t.Api.PostAsync("questionnaire-templates", new { })).ExpectError(422, "VALIDATION_ERROR").ErrorFields.Order());
        Assert.Equal(["schema.fields"], (await t.Api.PostAsync("questionnaire-templates", new { title = "Empty", schema = new { fields = Array.Empty<object>() } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["schema.fields[1]"], (await t.Api.PostAsync("questionnaire-templates", new { title = "Odd", schema = new { fields = new object[] { Question("a"), "b" } } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["schema.fields[0].show_if.a"], (await t.Api.PostAsync("questionnaire-templates", Form(questions: new { key = "a", label = "A?", type = "boolean", show_if = new { a = true } })))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        // A number beyond a double's range is a validation error (not a 500), for a bound and for an answer alike.
        var huge = (await t.Api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/questionnaire-templates")
        {
            Content = new StringContent("""{"title": "Huge", "schema": {"fields": [{"key": "n", "label": "N?", "type": "number", "max": 1e400}]}}""",
                System.Text.Encoding.UTF8, "application/json"),
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["schema.fields[0].max"], huge.ErrorFields);
        var answer = (await t.Api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/questionnaire-responses")
        {
            Content = new StringContent("""{"questionnaire_id": "qt_0190b2a0-0000-7000-8000-000000000001", "responses": {"main_reason": "x", "smoker": true, "cigarettes_per_day": 1e400}}""",
                System.Text.Encoding.UTF8, "application/json"),
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["responses.cigarettes_per_day"], answer.ErrorFields);
        Assert.Equal(3, (await t.Api.GetAsync("questionnaire-templates")).Ids().Count);

        var id = (await CreateAsync(t)).GetProperty("id").GetString()!;
        var patch = (await t.Api.PatchAsync($"questionnaire-templates/{id}", new { title = (string?)null, is_active = (bool?)null, schema = new { fields = new[] { new { key = "x", type = "date" } } } }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["is_active", "schema.fields[0].label", "title"], patch.ErrorFields.Order());
        var unchanged = (await t.Api.GetAsync($"questionnaire-templates/{id}")).Expect(200).Data;
        Assert.Equal((1, "Clinic check-in"), (unchanged.GetProperty("version").GetInt32(), unchanged.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Other_organisations_and_the_other_mode_never_see_or_change_a_template()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var id = (await CreateAsync(t)).GetProperty("id").GetString()!;
        var live = await t.KeyAsync(Scopes.All, Modes.Live);

        foreach (var outsider in new[] { other.Api, live })
        {
            (await outsider.GetAsync($"questionnaire-templates/{id}")).ExpectError(404, "NOT_FOUND");
            (await outsider.GetAsync($"questionnaire-templates/{id}?version=1")).ExpectError(404, "NOT_FOUND");
            (await outsider.PatchAsync($"questionnaire-templates/{id}", new { title = "Taken over" })).ExpectError(404, "NOT_FOUND");
            Assert.DoesNotContain(id, (await outsider.GetAsync("questionnaire-templates")).Ids());
            (await outsider.PostAsync("questionnaire-responses", new { questionnaire_id = id, responses = new { ok = true } })).ExpectError(422, "VALIDATION_ERROR");
        }
        var stored = (await t.Api.GetAsync($"questionnaire-templates/{id}")).Expect(200).Data;
        Assert.Equal(("Clinic check-in", 1), (stored.GetProperty("title").GetString(), stored.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Writing_needs_write_questionnaires_and_system_templates_stay_as_they_are()
    {
        var t = await server.NewTenantAsync();
        var id = (await CreateAsync(t)).GetProperty("id").GetString()!;
        var reader = await t.KeyAsync([Scopes.ReadQuestionnaires]);
        Assert.Contains(Scopes.WriteQuestionnaires, (await reader.PostAsync("questionnaire-templates", Form())).ExpectError(403, "FORBIDDEN").Error.GetProperty("message").GetString());
        (await reader.PatchAsync($"questionnaire-templates/{id}", new { title = "Read-only key" })).ExpectError(403, "FORBIDDEN");
        (await reader.GetAsync($"questionnaire-templates/{id}")).Expect(200);
        var writer = await t.KeyAsync([Scopes.WriteQuestionnaires]);
        Assert.Equal("By a writer", (await writer.PatchAsync($"questionnaire-templates/{id}", new { title = "By a writer" })).Expect(200).Data.GetProperty("title").GetString());

        var system = (await t.Api.PatchAsync($"questionnaire-templates/{Phq2}", new { title = "Mine now" })).ExpectError(403, "FORBIDDEN");
        Assert.Contains("system template", system.Error.GetProperty("message").GetString());
        Assert.Contains("dea", (await t.Api.DeleteAsync($"questionnaire-templates/{id}")).ExpectError(405, "METHOD_NOT_ALLOWED").Error.GetProperty("message").GetString());
        var phq2 = (await t.Api.GetAsync($"questionnaire-templates/{Phq2}")).Data;
        Assert.Equal(("PHQ-2 depression screen", 1), (phq2.GetProperty("title").GetString(), phq2.GetProperty("version").GetInt32()));
        (await t.Api.PatchAsync("questionnaire-templates/qt_00000000-0000-7000-8000-000000000000", new { title = "Nobody's" })).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_create_or_patch_repeated_with_its_key_replays_and_another_body_with_that_key_is_409()
    {
        var t = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await t.Api.PostAsync("questionnaire-templates", Form("Once"), key)).Expect(201);
        var again = (await t.Api.PostAsync("questionnaire-templates", Form("Once"), key)).Expect(201);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        (await t.Api.PostAsync("questionnaire-templates", Form("Twice"), key)).ExpectError(409, "CONFLICT");
        Assert.Single((await t.Api.GetAsync("questionnaire-templates?search=Once")).Ids());
        Assert.Empty((await t.Api.GetAsync("questionnaire-templates?search=Twice")).Ids());

        var patchKey = Guid.NewGuid().ToString();
        var path = $"questionnaire-templates/{first.Id}";
        var edit = new { schema = new { fields = new[] { Question("ok"), Question("more") } } };
        var edited = (await t.Api.SendAsync(HttpMethod.Patch, path, edit, patchKey)).Expect(200);
        Assert.Equal(2, edited.Data.GetProperty("version").GetInt32());
        // Another edit in between: the replayed PATCH answers as it did, and makes no third version.
        (await t.Api.PatchAsync(path, new { schema = new { fields = new[] { Question("ok") } } })).Expect(200);
        var replayed = (await t.Api.SendAsync(HttpMethod.Patch, path, edit, patchKey)).Expect(200);
        Assert.Equal(edited.Raw, replayed.Raw);
        (await t.Api.SendAsync(HttpMethod.Patch, path, new { title = "Other" }, patchKey)).ExpectError(409, "CONFLICT");
        Assert.Equal(3, (await t.Api.GetAsync(path)).Data.GetProperty("version").GetInt32());
        Assert.Equal(3, await StoredVersionsAsync(t, first.Id));
    }

    [Fact]
    public async Task Editing_the_questions_makes_a_new_version_and_a_response_still_shows_the_one_it_answered()
    {
        var t = await server.NewTenantAsync();
        var v1 = await CreateAsync(t);
        var id = v1.GetProperty("id").GetString()!;
        var patient = await t.CreatePatientAsync();
        var early = (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = id, patient_id = patient, responses = new { ok = true } })).Expect(201);
        Assert.Equal(1, early.Data.GetProperty("questionnaire_version").GetInt32());

        var v2 = (await t.Api.PatchAsync($"questionnaire-templates/{id}", new
        {
            description = "Now with pain",
            schema = new { fields = new object[] { Question("ok"), new { key = "pain", label = "Pain?", type = "scale", min = 0, max = 10, required = true } } },
        })).Expect(200).Data;
        Assert.Equal((2, v1.GetProperty("questionnaire_id").GetString()), (v2.GetProperty("version").GetInt32(), v2.GetProperty("questionnaire_id").GetString()));
        Assert.Equal(v2.GetRawText(), (await t.Api.GetAsync($"questionnaire-templates/{id}")).Data.GetRawText());

        // The early response answered version 1, and version 1 still reads as it was.
        var stored = await t.Api.GetAsync($"questionnaire-responses/{early.Id}");
        Assert.Equal(1, stored.Data.GetProperty("questionnaire_version").GetInt32());
        var old = (await t.Api.GetAsync($"questionnaire-templates/{id}?version=1")).Expect(200).Data;
        Assert.Equal(v1.GetProperty("schema").GetRawText(), old.GetProperty("schema").GetRawText());
        Assert.Equal((1, JsonValueKind.Null), (old.GetProperty("version").GetInt32(), old.GetProperty("description").ValueKind));
        Assert.Equal(v2.GetProperty("schema").GetRawText(), (await t.Api.GetAsync($"questionnaire-templates/{id}?version=2")).Data.GetProperty("schema").GetRawText());
        // Its answers are checked against version 1 when changed; new responses answer version 2.
        (await t.Api.PatchAsync($"questionnaire-responses/{early.Id}", new { responses = new { ok = false } })).Expect(200);
        Assert.Equal(["responses.pain"], (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = id, responses = new { ok = true } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        var late = (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = id, responses = new { ok = true, pain = 3 } })).Expect(201).Data;
        Assert.Equal(2, late.GetProperty("questionnaire_version").GetInt32());

        // Settings that patients do not see change in place; sending the same questions again is no change.
        var settled = (await t.Api.PatchAsync($"questionnaire-templates/{id}", new { category = "physio", tags = new[] { "msk" }, key = "check_in", schema = v2.GetProperty("schema") }))
            .Expect(200).Data;
        Assert.Equal((2, "physio"), (settled.GetProperty("version").GetInt32(), settled.GetProperty("category").GetString()));
        var retired = (await t.Api.PatchAsync($"questionnaire-templates/{id}", new { is_active = false })).Expect(200).Data;
        Assert.Equal((2, false), (retired.GetProperty("version").GetInt32(), retired.GetProperty("is_active").GetBoolean()));
        Assert.Equal(["questionnaire_id"], (await t.Api.PostAsync("questionnaire-responses", new { questionnaire_id = id, responses = new { ok = true, pain = 1 } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(2, await StoredVersionsAsync(t, id));
        Assert.Equal([$"{early.Id}@1", $"{late.GetProperty("id").GetString()}@2"],
            await t.Db.ListAsync<string>("SELECT id || '@' || questionnaire_version FROM questionnaire_responses WHERE org_id = @OrgId AND mode = @Mode ORDER BY id"));

        (await t.Api.GetAsync($"questionnaire-templates/{id}?version=3")).ExpectError(404, "NOT_FOUND");
        Assert.Equal(["version"], (await t.Api.GetAsync($"questionnaire-templates/{id}?version=0")).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["version"], (await t.Api.GetAsync($"questionnaire-templates/{id}?version=two")).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        (await t.Api.GetAsync($"questionnaire-templates/{id}?versoin=1")).ExpectError(400, "BAD_REQUEST");
        Assert.Equal(1, (await t.Api.GetAsync($"questionnaire-templates/{Phq2}?version=1")).Expect(200).Data.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Edits_racing_on_one_template_each_make_their_own_version()
    {
        var t = await server.NewTenantAsync();
        var id = (await CreateAsync(t)).GetProperty("id").GetString()!;
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            t.Api.PatchAsync($"questionnaire-templates/{id}", new { schema = new { fields = new[] { Question("ok"), Question($"q{i}") } } })));
        Assert.All(results, r => Assert.True(r.StatusCode is 200 or 409, r.Raw));
        var versions = results.Where(r => r.StatusCode == 200).Select(r => r.Data.GetProperty("version").GetInt32()).Order().ToList();
        Assert.Equal(Enumerable.Range(2, versions.Count), versions);
        Assert.Equal(1 + versions.Count, await StoredVersionsAsync(t, id));
        Assert.Equal(versions[^1], (await t.Api.GetAsync($"questionnaire-templates/{id}")).Data.GetProperty("version").GetInt32());
    }
}

public sealed class QuestionnaireTemplatesTestsOnSqlite(SqliteServer server) : QuestionnaireTemplatesTests(server);
public sealed class QuestionnaireTemplatesTestsOnPostgres(PostgresServer server) : QuestionnaireTemplatesTests(server);
