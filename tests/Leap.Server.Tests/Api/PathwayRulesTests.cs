using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>Pathway rules: their CRUD, and how they route appointment triggers into episodes.</summary>
public abstract class PathwayRulesTests(LeapFixture server)
{
    private static int slot;

    private static async Task<string> RuleAsync(TestTenant t, object body) => (await t.Api.PostAsync("pathway-rules", body)).Expect(201).Id;

    /// <summary>
    /// Books an appointment at a time of its own (so bookings never clash) and returns the stored appointment once the
    /// booking is routed (its episode_id then set).
    /// </summary>
    private static async Task<JsonElement> BookAsync(TestTenant t, string patient, string? template = null, string? clinician = null, string? episode = null, bool past = false)
    {
        var start = (past ? new DateTime(2020, 1, 6, 9, 0, 0, DateTimeKind.Utc) : new DateTime(2031, 1, 6, 9, 0, 0, DateTimeKind.Utc))
            .AddHours(Interlocked.Increment(ref slot));
        var body = new Dictionary<string, object?>
        {
            ["title"] = "Review", ["patient_id"] = patient, ["start_time"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["end_time"] = start.AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ssZ"), ["appointment_type_id"] = template,
            ["clinician_profile_id"] = clinician, ["episode_id"] = episode,
        };
        var id = (await t.Api.PostAsync("appointments", body)).Expect(201).Id;
        await t.RoutedAsync();
        return (await t.Api.GetAsync($"appointments/{id}")).Expect(200).Data;
    }

    /// <summary>An episode, once every change so far is routed.</summary>
    private static async Task<JsonElement> EpisodeAsync(TestTenant t, string id)
    {
        await t.RoutedAsync();
        return (await t.Api.GetAsync($"episodes/{id}")).Expect(200).Data;
    }

    /// <summary>An episode's timeline, once every change so far is routed.</summary>
    private static async Task<IReadOnlyList<JsonElement>> EventsAsync(TestTenant t, string episode)
    {
        await t.RoutedAsync();
        return (await t.Api.GetAsync($"episodes/{episode}/events?limit=100")).Expect(200).Data.EnumerateArray().ToList();
    }

    private static string EpisodeOf(JsonElement appointment) => appointment.GetProperty("episode_id").GetString()!;

    [Fact]
    public async Task Rules_are_created_listed_in_evaluation_order_updated_and_deleted()
    {
        var t = await server.NewTenantAsync();
        var template = await t.CreateTemplateAsync();
        var late = await RuleAsync(t, new { trigger_type = "appointment.booked", rule_name = "Late", priority = 20 });
        var questionnaire = await RuleAsync(t, new { trigger_type = "questionnaire.submitted", rule_name = "Screens", priority = 5, enabled = false });
        var created = (await t.Api.PostAsync("pathway-rules", new
        {
            trigger_type = "appointment.booked", rule_name = "Urgent clinic", priority = 10,
            conditions = new { appointment_type_ids = new[] { template } }, suggested_priority = "urgent", suggested_assignment = "usr_team_lead",
        }, Guid.NewGuid().ToString())).Expect(201);
        var rule = created.Data;
        Assert.StartsWith("rule_", created.Id);
        Assert.Equal(template, rule.GetProperty("conditions").GetProperty("appointment_type_ids")[0].GetString());
        Assert.False(rule.GetProperty("conditions").TryGetProperty("location_ids", out _));
        Assert.Equal("urgent", rule.GetProperty("suggested_priority").GetString());
        Assert.Equal(JsonValueKind.Null, rule.GetProperty("creation_mode").ValueKind);
        Assert.True(rule.GetProperty("enabled").GetBoolean());

        Assert.Equal([created.Id, late, questionnaire], (await t.Api.GetAsync("pathway-rules")).Expect(200).Ids());
        Assert.Equal([created.Id, late], (await t.Api.GetAsync("pathway-rules?trigger_type=appointment.booked")).Ids());
        Assert.Equal([questionnaire], (await t.Api.GetAsync("pathway-rules?enabled=false")).Ids());
        Assert.Equal([created.Id], (await t.Api.GetAsync("pathway-rules?suggested_priority=urgent")).Ids());

        var patched = (await t.Api.PatchAsync($"pathway-rules/{created.Id}", new { rule_name = "Urgent clinic (v2)", suggested_priority = (string?)null, creation_mode = "attach_only" }))
            .Expect(200).Data;
        Assert.Equal("Urgent clinic (v2)", patched.GetProperty("rule_name").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("suggested_priority").ValueKind);
        Assert.Equal("attach_only", patched.GetProperty("creation_mode").GetString());
        Assert.Equal(template, patched.GetProperty("conditions").GetProperty("appointment_type_ids")[0].GetString());

        var deleted = (await t.Api.DeleteAsync($"pathway-rules/{late}")).Expect(200).Data;
        Assert.Equal(late, deleted.GetProperty("id").GetString());
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        (await t.Api.GetAsync($"pathway-rules/{late}")).ExpectError(404, "NOT_FOUND");
        (await t.Api.DeleteAsync($"pathway-rules/{late}")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Rule_bodies_are_validated_field_by_field()
    {
        var t = await server.NewTenantAsync();
        var missing = (await t.Api.PostAsync("pathway-rules", new { conditions = new[] { 1 } })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["conditions", "priority", "rule_name", "trigger_type"], missing.ErrorFields.Order());

        var wrong = (await t.Api.PostAsync("pathway-rules", new
        {
            trigger_type = "appointment.booked", rule_name = "Odd", priority = 1, creation_mode = "create_and_close", suggested_priority = "asap",
            expected_next_actor = "robot", conditions = new { colour = "blue", questionnaire_ids = new[] { "qt_00000000-0000-7000-8000-000000000001" }, location_ids = new[] { "pat_1" } },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["conditions.colour", "conditions.location_ids", "conditions.questionnaire_ids", "creation_mode", "expected_next_actor", "suggested_priority"],
            wrong.ErrorFields.Order());

        var inapplicable = (await t.Api.PostAsync("pathway-rules", new
        {
            trigger_type = "appointment.booked", rule_name = "Mixed", priority = 1, conditions = new { questionnaire_keys = new[] { "phq2" } },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["conditions.questionnaire_keys"], inapplicable.ErrorFields);
        (await t.Api.PostAsync("pathway-rules", new { trigger_type = "message.sent", rule_name = "Log outbound", priority = 1, creation_mode = "create_and_close" })).Expect(201);
        Assert.Single((await t.Api.GetAsync("pathway-rules")).Ids());
    }

    [Fact]
    public async Task Two_rules_of_one_trigger_cannot_share_a_priority()
    {
        var t = await server.NewTenantAsync();
        var first = await RuleAsync(t, new { trigger_type = "appointment.booked", rule_name = "A", priority = 10 });
        var clash = (await t.Api.PostAsync("pathway-rules", new { trigger_type = "appointment.booked", rule_name = "B", priority = 10 })).ExpectError(409, "CONFLICT");
        Assert.Contains(first, clash.Error.GetProperty("message").GetString());
        var other = await RuleAsync(t, new { trigger_type = "appointment.cancelled", rule_name = "C", priority = 10 });
        (await t.Api.PatchAsync($"pathway-rules/{other}", new { trigger_type = "appointment.booked" })).ExpectError(409, "CONFLICT");
        Assert.Equal("appointment.cancelled", (await t.Api.GetAsync($"pathway-rules/{other}")).Data.GetProperty("trigger_type").GetString());
    }

    [Fact]
    public async Task Without_rules_a_booking_opens_an_appointment_episode_waiting_for_the_patient()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        // The answer comes before routing: episode_id appears once the booking is routed, and nothing else changes.
        var answered = (await t.Api.PostAsync("appointments", new
        {
            title = "Review", patient_id = patient, start_time = "2031-02-03T09:00:00Z", end_time = "2031-02-03T09:30:00Z",
        })).Expect(201).Data;
        Assert.Equal(JsonValueKind.Null, answered.GetProperty("episode_id").ValueKind);
        await t.RoutedAsync();
        var appointment = (await t.Api.GetAsync($"appointments/{answered.GetProperty("id").GetString()}")).Expect(200).Data;
        var episodeId = EpisodeOf(appointment);
        var routed = JsonNode.Parse(TestTenant.WithoutManageUrl(answered))!.AsObject();
        routed["episode_id"] = episodeId;
        Assert.Equal(routed.ToJsonString(), TestTenant.WithoutManageUrl(appointment));

        var episode = await EpisodeAsync(t, episodeId);
        Assert.Equal(patient, episode.GetProperty("patient_id").GetString());
        Assert.Equal("appointment", episode.GetProperty("journey_type").GetString());
        Assert.Equal("pending_patient", episode.GetProperty("status").GetString());
        Assert.Equal("patient", episode.GetProperty("responsibility").GetString());
        Assert.Equal("medium", episode.GetProperty("priority").GetString());
        Assert.Equal("appointment", episode.GetProperty("source_type").GetString());
        Assert.Equal(appointment.GetProperty("id").GetString(), episode.GetProperty("source_id").GetString());
        Assert.Equal("Appointment: Review", episode.GetProperty("title").GetString());

        var evt = Assert.Single(await EventsAsync(t, episodeId));
        Assert.Equal("appointment", evt.GetProperty("event_type").GetString());
        Assert.Equal("automation", evt.GetProperty("created_by_type").GetString());
        Assert.Equal(appointment.GetProperty("id").GetString(), evt.GetProperty("related_object_id").GetString());
        Assert.Equal("appointment.booked", evt.GetProperty("details").GetProperty("trigger").GetString());
        Assert.StartsWith("Appointment booked: Review", evt.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Later_appointment_events_land_on_the_open_episode_of_the_journey()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var first = await BookAsync(t, patient);
        var episodeId = EpisodeOf(first);
        var firstId = first.GetProperty("id").GetString();

        var moved = (await t.Api.PatchAsync($"appointments/{firstId}", new { start_time = "2031-06-02T10:00:00Z" })).Expect(200).Data;
        Assert.Equal(episodeId, EpisodeOf(moved));
        (await t.Api.PatchAsync($"appointments/{firstId}", new { description = "Bring letters" })).Expect(200);
        var second = await BookAsync(t, patient);
        Assert.Equal(episodeId, EpisodeOf(second));
        var cancelled = (await t.Api.PostAsync($"appointments/{firstId}/cancel", new { cancellation_reason = "Feeling better" })).Expect(200).Data;
        Assert.Equal(episodeId, EpisodeOf(cancelled));

        var events = await EventsAsync(t, episodeId);
        Assert.Equal(["appointment.booked", "appointment.rescheduled", "appointment.booked", "appointment.cancelled", null],
            events.Select(e => e.GetProperty("details").TryGetProperty("trigger", out var trigger) ? trigger.GetString() : null));
        Assert.Equal("Feeling better", events[3].GetProperty("description").GetString());
        var statusChange = events[4];
        Assert.Equal("status_change", statusChange.GetProperty("event_type").GetString());
        Assert.Equal("automation", statusChange.GetProperty("created_by_type").GetString());
        Assert.Equal("pending_patient", statusChange.GetProperty("details").GetProperty("from").GetString());
        Assert.Equal("open", statusChange.GetProperty("details").GetProperty("to").GetString());
        var episode = await EpisodeAsync(t, episodeId);
        Assert.Equal("open", episode.GetProperty("status").GetString());
        Assert.Equal("practice", episode.GetProperty("responsibility").GetString());
        Assert.Single((await t.Api.GetAsync($"episodes?patient_id={patient}")).Ids());
    }

    [Fact]
    public async Task Completing_a_visit_sends_the_episode_for_review_and_a_closed_episode_is_not_reused()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var visit = await BookAsync(t, patient, past: true);
        var episodeId = EpisodeOf(visit);
        (await t.Api.PostAsync($"appointments/{visit.GetProperty("id").GetString()}/complete")).Expect(200);
        Assert.Equal("awaiting_review", (await EpisodeAsync(t, episodeId)).GetProperty("status").GetString());

        (await t.Api.PostAsync($"episodes/{episodeId}/close", new { note = "Reviewed" })).Expect(200);
        var next = await BookAsync(t, patient);
        Assert.NotEqual(episodeId, EpisodeOf(next));
        Assert.Equal(2, (await t.Api.GetAsync($"episodes?patient_id={patient}")).Ids().Count);
    }

    [Fact]
    public async Task The_first_enabled_rule_that_matches_by_priority_overrides_the_base_configuration()
    {
        var t = await server.NewTenantAsync();
        var template = await t.CreateTemplateAsync("Minor surgery");
        var otherTemplate = await t.CreateTemplateAsync("Dressing");
        var surgeon = await t.CreateClinicianAsync("Dr Surgeon");
        var nurse = await t.CreateClinicianAsync("Nurse Example");
        await RuleAsync(t, new { trigger_type = "appointment.booked", rule_name = "Disabled catch-all", priority = 1, enabled = false, suggested_priority = "low" });
        await RuleAsync(t, new { trigger_type = "appointment.booked", rule_name = "Dressings", priority = 5, conditions = new { appointment_type_ids = new[] { otherTemplate } }, suggested_priority = "low" });
        var specific = await RuleAsync(t, new
        {
            trigger_type = "appointment.booked", rule_name = "Surgery with the surgeon", priority = 10,
            conditions = new { appointment_type_ids = new[] { template }, clinician_profile_ids = new[] { surgeon } },
            suggested_priority = "high", suggested_assignment = "usr_surgeon",
        });
        var general = await RuleAsync(t, new
        {
            trigger_type = "appointment.booked", rule_name = "Any surgery", priority = 20,
            conditions = new { appointment_type_ids = new[] { template } }, suggested_priority = "urgent", suggested_assignment = "usr_team_lead",
        });

        var withSurgeon = await EpisodeAsync(t, EpisodeOf(await BookAsync(t, await t.CreatePatientAsync(), template, surgeon)));
        Assert.Equal("high", withSurgeon.GetProperty("priority").GetString());
        Assert.Equal("usr_surgeon", withSurgeon.GetProperty("assigned_to").GetString());
        Assert.Equal(specific, (await EventsAsync(t, withSurgeon.GetProperty("id").GetString()!))[0].GetProperty("details").GetProperty("rule_id").GetString());

        var withNurse = await EpisodeAsync(t, EpisodeOf(await BookAsync(t, await t.CreatePatientAsync(), template, nurse)));
        Assert.Equal("urgent", withNurse.GetProperty("priority").GetString());
        Assert.Equal("usr_team_lead", withNurse.GetProperty("assigned_to").GetString());
        Assert.Equal(general, (await EventsAsync(t, withNurse.GetProperty("id").GetString()!))[0].GetProperty("created_by").GetString());

        var unmatched = await EpisodeAsync(t, EpisodeOf(await BookAsync(t, await t.CreatePatientAsync())));
        Assert.Equal("medium", unmatched.GetProperty("priority").GetString());
        Assert.Equal(JsonValueKind.Null, unmatched.GetProperty("assigned_to").ValueKind);
        var baseEvent = (await EventsAsync(t, unmatched.GetProperty("id").GetString()!))[0];
        Assert.Equal(JsonValueKind.Null, baseEvent.GetProperty("details").GetProperty("rule_id").ValueKind);
    }

    [Fact]
    public async Task Creation_mode_journey_visibility_and_next_actor_are_overridable()
    {
        var t = await server.NewTenantAsync();
        var quiet = await t.CreateTemplateAsync("Blood test");
        var skipped = await t.CreateTemplateAsync("Admin slot");
        var review = await t.CreateTemplateAsync("Results clinic");
        await RuleAsync(t, new { trigger_type = "appointment.booked", rule_name = "Blood tests", priority = 1, conditions = new { appointment_type_ids = new[] { quiet } }, creation_mode = "attach_only" });
        await RuleAsync(t, new { trigger_type = "appointment.booked", rule_name = "Admin", priority = 2, conditions = new { appointment_type_ids = new[] { skipped } }, creation_mode = "skip" });
        await RuleAsync(t, new
        {
            trigger_type = "appointment.booked", rule_name = "Results", priority = 3, conditions = new { appointment_type_ids = new[] { review } },
            journey_type = "clinical_result", inbox_visibility = "background", expected_next_actor = "clinician",
        });
        var patient = await t.CreatePatientAsync();

        Assert.Equal(JsonValueKind.Null, (await BookAsync(t, patient, quiet)).GetProperty("episode_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await BookAsync(t, patient, skipped)).GetProperty("episode_id").ValueKind);
        Assert.Empty((await t.Api.GetAsync("episodes")).Ids());

        var results = await EpisodeAsync(t, EpisodeOf(await BookAsync(t, patient, review)));
        Assert.Equal("clinical_result", results.GetProperty("journey_type").GetString());
        Assert.Equal("background", results.GetProperty("inbox_visibility").GetString());
        Assert.Equal("awaiting_review", results.GetProperty("status").GetString());
        Assert.Equal("practice", results.GetProperty("responsibility").GetString());

        var attached = await BookAsync(t, patient, quiet);
        Assert.Null(EpisodeOfOrNull(attached));
        var general = await BookAsync(t, patient);
        var afterGeneral = await BookAsync(t, patient, quiet);
        Assert.Equal(EpisodeOf(general), EpisodeOf(afterGeneral));
    }

    [Fact]
    public async Task On_an_existing_episode_a_rule_raises_priority_and_fills_an_unlocked_assignment_with_events()
    {
        var t = await server.NewTenantAsync();
        var rule = await RuleAsync(t, new { trigger_type = "appointment.cancelled", rule_name = "Cancellations", priority = 1, suggested_priority = "urgent", suggested_assignment = "usr_reception" });
        await RuleAsync(t, new { trigger_type = "appointment.rescheduled", rule_name = "Reschedules", priority = 1, suggested_priority = "low", suggested_assignment = "usr_other" });
        var patient = await t.CreatePatientAsync();
        var appointment = await BookAsync(t, patient);
        var id = appointment.GetProperty("id").GetString();
        var episodeId = EpisodeOf(appointment);
        (await t.Api.PostAsync($"episodes/{episodeId}/assign", new { assigned_to = (string?)null, locked = true })).Expect(200);

        (await t.Api.PatchAsync($"appointments/{id}", new { start_time = "2031-07-01T09:00:00Z" })).Expect(200);
        var rescheduled = await EpisodeAsync(t, episodeId);
        Assert.Equal("medium", rescheduled.GetProperty("priority").GetString());
        Assert.Equal(JsonValueKind.Null, rescheduled.GetProperty("assigned_to").ValueKind);

        (await t.Api.PostAsync($"episodes/{episodeId}/assign", new { assigned_to = (string?)null, locked = false })).Expect(200);
        (await t.Api.PostAsync($"appointments/{id}/cancel")).Expect(200);
        var cancelled = await EpisodeAsync(t, episodeId);
        Assert.Equal("urgent", cancelled.GetProperty("priority").GetString());
        Assert.Equal("usr_reception", cancelled.GetProperty("assigned_to").GetString());
        var automatic = (await EventsAsync(t, episodeId)).Where(e => e.GetProperty("created_by_type").GetString() == "automation" && e.GetProperty("created_by").GetString() == rule).ToList();
        Assert.Equal(["appointment", "status_change", "priority_change", "assignment"], automatic.Select(e => e.GetProperty("event_type").GetString()));
    }

    [Fact]
    public async Task An_appointment_linked_to_an_episode_files_its_events_there()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var manual = (await t.Api.PostAsync("episodes", new { patient_id = patient, title = "Knee pain work-up" })).Expect(201).Id;
        var linked = await BookAsync(t, patient, episode: manual);
        Assert.Equal(manual, EpisodeOf(linked));
        Assert.Equal(["appointment", "status_change"], (await EventsAsync(t, manual)).Select(e => e.GetProperty("event_type").GetString()));
        Assert.Equal("pending_patient", (await EpisodeAsync(t, manual)).GetProperty("status").GetString());
        Assert.Equal([manual], (await t.Api.GetAsync("episodes")).Ids());

        var stranger = await t.CreatePatientAsync();
        var refused = (await t.Api.PostAsync("appointments", new
        {
            title = "Wrong", patient_id = stranger, episode_id = manual, start_time = "2031-09-01T09:00:00Z", end_time = "2031-09-01T09:30:00Z",
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["episode_id"], refused.ErrorFields);
    }

    private static string? EpisodeOfOrNull(JsonElement appointment) => appointment.GetProperty("episode_id").GetString();
}

public sealed class PathwayRulesTestsOnSqlite(SqliteServer server) : PathwayRulesTests(server);
public sealed class PathwayRulesTestsOnPostgres(PostgresServer server) : PathwayRulesTests(server);
