using System.Text.Json;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

public abstract class EpisodesTests(LeapFixture server)
{
    private static Dictionary<string, object?> Episode(string patient, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["patient_id"] = patient, ["title"] = "Lab result review — Blood panel" };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return body;
    }

    private static async Task<string> CreateAsync(TestTenant t, string patient, object? extra = null) =>
        (await t.Api.PostAsync("episodes", Episode(patient, extra))).Expect(201).Id;

    private static async Task<IReadOnlyList<JsonElement>> EventsAsync(TestTenant t, string episode) =>
        (await t.Api.GetAsync($"episodes/{episode}/events?limit=100")).Expect(200).Data.EnumerateArray().ToList();

    [Fact]
    public async Task Create_returns_201_with_defaults_and_get_returns_the_same()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var created = (await t.Api.PostAsync("episodes", Episode(patient, new
        {
            journey_type = "clinical_result", source_type = "lab_result", source_id = "lr_123", tags = new[] { "blood-panel", "routine" },
            due_date = "2030-01-10T09:00:00Z",
        }))).Expect(201);
        var e = created.Data;
        Assert.StartsWith("ep_", created.Id);
        Assert.Equal(patient, e.GetProperty("patient_id").GetString());
        Assert.Equal("open", e.GetProperty("status").GetString());
        Assert.Equal("practice", e.GetProperty("responsibility").GetString());
        Assert.Equal("medium", e.GetProperty("priority").GetString());
        Assert.Equal("clinical_result", e.GetProperty("journey_type").GetString());
        Assert.Equal("lab_result", e.GetProperty("source_type").GetString());
        Assert.Equal("surface", e.GetProperty("inbox_visibility").GetString());
        Assert.Equal(["blood-panel", "routine"], e.GetProperty("tags").EnumerateArray().Select(x => x.GetString()));
        Assert.Empty(e.GetProperty("problem_ids").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("assigned_to").ValueKind);
        Assert.Equal(JsonValueKind.Null, e.GetProperty("closed_at").ValueKind);
        Assert.Equal("2030-01-10T09:00:00Z", e.GetProperty("due_date").GetString());
        Assert.Equal(created.Data.ToString(), (await t.Api.GetAsync($"episodes/{created.Id}")).Expect(200).Data.ToString());
    }

    [Fact]
    public async Task Create_reports_every_bad_field_at_once()
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.PostAsync("episodes", new
        {
            patient_id = "somebody", status = "closed", priority = "whenever", journey_type = "holiday", tags = "one", due_date = "tomorrow",
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["due_date", "journey_type", "patient_id", "priority", "status", "tags", "title"], result.ErrorFields.Order());
    }

    [Fact]
    public async Task Create_for_a_patient_of_another_organisation_is_422_and_creates_nothing()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var theirs = await other.CreatePatientAsync();
        var result = (await t.Api.PostAsync("episodes", Episode(theirs))).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["patient_id"], result.ErrorFields);
        Assert.Empty((await t.Api.GetAsync("episodes")).Expect(200).Ids());
    }

    [Fact]
    public async Task Create_with_an_Idempotency_Key_replays_instead_of_creating_twice()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await t.Api.PostAsync("episodes", Episode(patient), key)).Expect(201);
        var again = (await t.Api.PostAsync("episodes", Episode(patient), key)).Expect(201);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        Assert.Single((await t.Api.GetAsync("episodes")).Ids());
    }

    [Fact]
    public async Task Patch_changes_descriptive_fields_and_refuses_the_fields_of_actions()
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        var patched = (await t.Api.PatchAsync($"episodes/{id}", new { title = "Blood panel: follow-up", tags = new[] { "follow-up" }, responsibility = "patient" }))
            .Expect(200).Data;
        Assert.Equal("Blood panel: follow-up", patched.GetProperty("title").GetString());
        Assert.Equal(["follow-up"], patched.GetProperty("tags").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("patient", patched.GetProperty("responsibility").GetString());

        var refused = (await t.Api.PatchAsync($"episodes/{id}", new { status = "closed", priority = "urgent", assigned_to = "usr_1", patient_id = "pat_x" }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["assigned_to", "patient_id", "priority", "status"], refused.ErrorFields.Order());
        Assert.Contains("/change-priority", refused.Error.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("field").GetString() == "priority").GetProperty("message").GetString());
        (await t.Api.PatchAsync($"episodes/{id}", new { responsibility = "none" })).ExpectError(422, "VALIDATION_ERROR");
        var stored = (await t.Api.GetAsync($"episodes/{id}")).Data;
        Assert.Equal("open", stored.GetProperty("status").GetString());
        Assert.Equal("medium", stored.GetProperty("priority").GetString());
    }

    [Fact]
    public async Task Close_records_a_status_change_event_and_closing_twice_is_409()
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        var closed = (await t.Api.PostAsync($"episodes/{id}/close", new { note = "Results normal, patient informed." })).Expect(200).Data;
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal("none", closed.GetProperty("responsibility").GetString());
        Assert.NotEqual(JsonValueKind.Null, closed.GetProperty("closed_at").ValueKind);

        var evt = Assert.Single(await EventsAsync(t, id));
        Assert.Equal("status_change", evt.GetProperty("event_type").GetString());
        Assert.Equal("Results normal, patient informed.", evt.GetProperty("description").GetString());
        Assert.Equal("api_key", evt.GetProperty("created_by_type").GetString());
        Assert.StartsWith("key_", evt.GetProperty("created_by").GetString());
        Assert.Equal("open", evt.GetProperty("details").GetProperty("from").GetString());
        Assert.Equal("closed", evt.GetProperty("details").GetProperty("to").GetString());

        var again = (await t.Api.PostAsync($"episodes/{id}/close")).ExpectError(409, "INVALID_STATE");
        Assert.Contains("already closed", again.Error.GetProperty("message").GetString());
        Assert.Single(await EventsAsync(t, id));
    }

    [Fact]
    public async Task Reopen_returns_a_closed_episode_to_the_practice_and_only_a_closed_one()
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        (await t.Api.PostAsync($"episodes/{id}/reopen", new { reason = "x" })).ExpectError(409, "INVALID_STATE");
        (await t.Api.PostAsync($"episodes/{id}/close")).Expect(200);
        var reopened = (await t.Api.PostAsync($"episodes/{id}/reopen", new { reason = "Patient called back with new symptoms" })).Expect(200).Data;
        Assert.Equal("open", reopened.GetProperty("status").GetString());
        Assert.Equal("practice", reopened.GetProperty("responsibility").GetString());
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("closed_at").ValueKind);
        var last = (await EventsAsync(t, id))[^1];
        Assert.Equal("status_change", last.GetProperty("event_type").GetString());
        Assert.Equal("closed", last.GetProperty("details").GetProperty("from").GetString());
        Assert.Equal("open", last.GetProperty("details").GetProperty("to").GetString());
        Assert.Equal("Patient called back with new symptoms", last.GetProperty("details").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Assign_records_an_assignment_event_each_time_it_changes()
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        (await t.Api.PostAsync($"episodes/{id}/assign", new { })).ExpectError(422, "VALIDATION_ERROR");
        var assigned = (await t.Api.PostAsync($"episodes/{id}/assign", new { assigned_to = "usr_dr_example", locked = true })).Expect(200).Data;
        Assert.Equal("usr_dr_example", assigned.GetProperty("assigned_to").GetString());
        Assert.True(assigned.GetProperty("assignment_locked").GetBoolean());
        (await t.Api.PostAsync($"episodes/{id}/assign", new { assigned_to = "usr_dr_example" })).Expect(200);
        var unassigned = (await t.Api.PostAsync($"episodes/{id}/assign", new { assigned_to = (string?)null })).Expect(200).Data;
        Assert.Equal(JsonValueKind.Null, unassigned.GetProperty("assigned_to").ValueKind);

        var events = await EventsAsync(t, id);
        Assert.Equal(["assignment", "assignment"], events.Select(e => e.GetProperty("event_type").GetString()));
        Assert.Equal("usr_dr_example", events[0].GetProperty("details").GetProperty("to").GetString());
        Assert.Equal("usr_dr_example", events[1].GetProperty("details").GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Null, events[1].GetProperty("details").GetProperty("to").ValueKind);

        (await t.Api.PostAsync($"episodes/{id}/close")).Expect(200);
        (await t.Api.PostAsync($"episodes/{id}/assign", new { assigned_to = "usr_other" })).ExpectError(409, "INVALID_STATE");
    }

    [Fact]
    public async Task Change_priority_records_a_priority_change_event()
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        (await t.Api.PostAsync($"episodes/{id}/change-priority", new { priority = "critical" })).ExpectError(422, "VALIDATION_ERROR");
        var changed = (await t.Api.PostAsync($"episodes/{id}/change-priority", new { priority = "urgent", reason = "Abnormal potassium" })).Expect(200).Data;
        Assert.Equal("urgent", changed.GetProperty("priority").GetString());
        (await t.Api.PostAsync($"episodes/{id}/change-priority", new { priority = "urgent" })).Expect(200);
        var evt = Assert.Single(await EventsAsync(t, id));
        Assert.Equal("priority_change", evt.GetProperty("event_type").GetString());
        Assert.Equal("medium", evt.GetProperty("details").GetProperty("from").GetString());
        Assert.Equal("urgent", evt.GetProperty("details").GetProperty("to").GetString());
        Assert.Equal("Abnormal potassium", evt.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Inbox_lists_most_recently_active_first_with_filters()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var other = await t.CreatePatientAsync();
        var first = await CreateAsync(t, patient, new { due_date = "2030-01-01T00:00:00Z" });
        var second = await CreateAsync(t, patient, new { journey_type = "messaging" });
        var third = await CreateAsync(t, other, new { priority = "high" });
        Assert.Equal([third, second, first], (await t.Api.GetAsync("episodes")).Expect(200).Ids());

        (await t.Api.PostAsync($"episodes/{first}/events", new { event_type = "note", title = "Called the lab" })).Expect(201);
        (await t.Api.PostAsync($"episodes/{second}/assign", new { assigned_to = "usr_nurse" })).Expect(200);
        (await t.Api.PostAsync($"episodes/{third}/close")).Expect(200);

        Assert.Equal([third, second, first], (await t.Api.GetAsync("episodes")).Ids());
        Assert.Equal([second, first], (await t.Api.GetAsync("episodes?status_in=open,pending_patient,awaiting_review")).Ids());
        Assert.Equal([second], (await t.Api.GetAsync("episodes?assigned_to=usr_nurse")).Ids());
        Assert.Equal([third], (await t.Api.GetAsync("episodes?priority_in=high,urgent")).Ids());
        Assert.Equal([third], (await t.Api.GetAsync("episodes?status=closed&priority=high")).Ids());
        Assert.Equal([second], (await t.Api.GetAsync("episodes?journey_type=messaging")).Ids());
        Assert.Equal([second, first], (await t.Api.GetAsync($"episodes?patient_id={patient}")).Ids());
        Assert.Equal([first], (await t.Api.GetAsync("episodes?due_date_lte=2030-06-01")).Ids());
        Assert.Empty((await t.Api.GetAsync("episodes?due_date_gte=2030-06-01")).Ids());
        (await t.Api.GetAsync("episodes?status=archived")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.GetAsync("episodes?owner=me")).ExpectError(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Events_are_created_listed_and_fetched_and_never_changed()
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        var note = (await t.Api.PostAsync($"episodes/{id}/events", new
        {
            event_type = "note", title = "Discussed results #bloods", description = "Repeat in 3 months #Follow-up",
            created_by = "usr_dr_example", mentioned_users = new[] { "usr_nurse" },
        }, Guid.NewGuid().ToString())).Expect(201);
        Assert.StartsWith("evt_", note.Id);
        Assert.Equal(id, note.Data.GetProperty("episode_id").GetString());
        Assert.Equal("user", note.Data.GetProperty("created_by_type").GetString());
        Assert.Equal("usr_dr_example", note.Data.GetProperty("created_by").GetString());
        Assert.Equal(["bloods", "follow-up"], note.Data.GetProperty("extracted_tags").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["usr_nurse"], note.Data.GetProperty("mentioned_users").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(note.Data.ToString(), (await t.Api.GetAsync($"episode-events/{note.Id}")).Expect(200).Data.ToString());

        (await t.Api.PostAsync($"episodes/{id}/events", new { event_type = "communication", title = "SMS sent" })).Expect(201);
        Assert.Equal([note.Id], (await t.Api.GetAsync($"episodes/{id}/events?search=DISCUSSED")).Expect(200).Ids());
        Assert.Single((await t.Api.GetAsync($"episodes/{id}/events?event_type=communication")).Ids());

        var patch = (await t.Api.PatchAsync($"episode-events/{note.Id}", new { title = "Changed" })).ExpectError(405, "METHOD_NOT_ALLOWED");
        Assert.Contains("append-only", patch.Error.GetProperty("message").GetString());
        (await t.Api.DeleteAsync($"episode-events/{note.Id}")).ExpectError(405, "METHOD_NOT_ALLOWED");
        Assert.Equal("Discussed results #bloods", (await t.Api.GetAsync($"episode-events/{note.Id}")).Data.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("status_change")]
    [InlineData("assignment")]
    [InlineData("priority_change")]
    [InlineData("automation")]
    [InlineData("gossip")]
    public async Task Audit_event_types_cannot_be_posted(string type)
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        var result = (await t.Api.PostAsync($"episodes/{id}/events", new { event_type = type, title = "Sneaky" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["event_type"], result.ErrorFields);
        Assert.Empty(await EventsAsync(t, id));
    }

    [Fact]
    public async Task The_database_keeps_events_append_only_and_status_consistent_with_responsibility()
    {
        var t = await server.NewTenantAsync();
        var id = await CreateAsync(t, await t.CreatePatientAsync());
        var evt = (await t.Api.PostAsync($"episodes/{id}/events", new { event_type = "note", title = "Original" })).Expect(201).Id;
        var db = server.Services.GetRequiredService<Database>();
        await Assert.ThrowsAnyAsync<Exception>(() => db.Raw().WriteAsync("UPDATE episode_events SET title = 'Rewritten' WHERE id = @evt", new { evt }));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Raw().WriteAsync("DELETE FROM episode_events WHERE id = @evt", new { evt }));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Raw().WriteAsync("UPDATE episodes SET status = 'pending_patient' WHERE id = @id", new { id }));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Raw().WriteAsync("UPDATE episodes SET status = 'closed', responsibility = 'none' WHERE id = @id", new { id }));
        Assert.Equal("Original", (await t.Api.GetAsync($"episode-events/{evt}")).Data.GetProperty("title").GetString());
        Assert.Equal("open", (await t.Api.GetAsync($"episodes/{id}")).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_organisations_episode_and_events_are_404()
    {
        var mine = await server.NewTenantAsync();
        var theirs = await server.NewTenantAsync();
        var id = await CreateAsync(theirs, await theirs.CreatePatientAsync());
        var evt = (await theirs.Api.PostAsync($"episodes/{id}/events", new { event_type = "note", title = "Private" })).Expect(201).Id;
        (await mine.Api.GetAsync($"episodes/{id}")).ExpectError(404, "NOT_FOUND");
        (await mine.Api.GetAsync($"episodes/{id}/events")).ExpectError(404, "NOT_FOUND");
        (await mine.Api.GetAsync($"episode-events/{evt}")).ExpectError(404, "NOT_FOUND");
        (await mine.Api.PostAsync($"episodes/{id}/close")).ExpectError(404, "NOT_FOUND");
        (await mine.Api.PostAsync($"episodes/{id}/events", new { event_type = "note", title = "Intrusion" })).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await mine.Api.GetAsync("episodes")).Ids());
        Assert.Equal("open", (await theirs.Api.GetAsync($"episodes/{id}")).Data.GetProperty("status").GetString());
    }
}

public sealed class EpisodesTestsOnSqlite(SqliteServer server) : EpisodesTests(server);
public sealed class EpisodesTestsOnPostgres(PostgresServer server) : EpisodesTests(server);
