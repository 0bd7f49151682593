using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

/// <summary>Webhook endpoints, and the outbox: which events a change records, in what shape, in its own transaction.</summary>
public abstract class WebhooksTests(LeapFixture server)
{
    // Nothing listens there: these tests look at what is recorded, not at delivery (WebhookDeliveryTests).
    private const string Nowhere = "https://127.0.0.1:1/hooks";

    private sealed record StoredEvent
    {
        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string Payload { get; init; }
        public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
    }

    /// <summary>The tenant's recorded events, once every change is routed (appointment and response events are recorded then).</summary>
    private async Task<IReadOnlyList<StoredEvent>> EventsAsync(TestTenant t)
    {
        await t.RoutedAsync();
        return await server.Services.GetRequiredService<Database>().Raw().ListAsync<StoredEvent>(
            "SELECT id, type, payload FROM webhook_events WHERE org_id = @OrgId ORDER BY id", new { t.OrgId });
    }

    private async Task<IReadOnlyList<string>> DeliveryEndpointsAsync(string eventId) =>
        await server.Services.GetRequiredService<Database>().Raw().ListAsync<string>(
            "SELECT endpoint_id FROM webhook_deliveries WHERE event_id = @eventId ORDER BY endpoint_id", new { eventId });

    private static async Task<string> EndpointAsync(TestTenant t, string[] events, bool active = true) =>
        (await t.Api.PostAsync("webhooks", new { url = Nowhere, events, is_active = active })).Expect(201).Id;

    [Fact]
    public async Task Create_shows_the_signing_secret_once()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.PostAsync("webhooks", new { url = "https://example.com/leap", events = new[] { "patient.created", "appointment.cancelled" }, name = "Sync" },
            Guid.NewGuid().ToString())).Expect(201);
        Assert.StartsWith("wh_", created.Id);
        var secret = created.Data.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.True(secret.Length >= 38);
        Assert.Equal(["patient.created", "appointment.cancelled"], created.Data.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.True(created.Data.GetProperty("is_active").GetBoolean());

        var fetched = (await t.Api.GetAsync($"webhooks/{created.Id}")).Expect(200).Data;
        Assert.False(fetched.TryGetProperty("secret", out _));
        Assert.Equal("Sync", fetched.GetProperty("name").GetString());
        Assert.DoesNotContain(secret, (await t.Api.GetAsync("webhooks")).Expect(200).Raw);
        var stored = await server.Services.GetRequiredService<Database>().Raw().ScalarAsync<string>("SELECT secret FROM webhook_endpoints WHERE id = @Id", new { created.Id });
        Assert.Equal(secret, stored);
    }

    [Theory]
    [InlineData("http://example.com/hook", false)]
    [InlineData("ftp://example.com/hook", false)]
    [InlineData("not a url", false)]
    [InlineData("https://user:password@example.com/hook", false)]
    [InlineData("https://example.com/hook#part", false)]
    [InlineData("https://example.com/hook", true)]
    [InlineData("http://127.0.0.1:8080/hook", true)]
    [InlineData("http://localhost/hook", true)]
    [InlineData("http://[::1]:8080/hook", true)]
    public async Task Urls_must_be_https_except_for_local_development(string url, bool accepted)
    {
        var t = await server.NewTenantAsync();
        var result = await t.Api.PostAsync("webhooks", new { url, events = new[] { "*" } });
        if (accepted)
        {
            result.Expect(201);
        }
        else
        {
            Assert.Equal(["url"], result.ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        }
    }

    [Fact]
    public async Task Plain_http_anywhere_needs_the_AllowInsecureUrls_setting()
    {
        await using var relaxed = server.StartAnotherServer(new Dictionary<string, string?> { ["Webhooks:AllowInsecureUrls"] = "true" });
        using var http = relaxed.CreateHttpClient();
        var t = await server.NewTenantAsync();
        (await t.Api.Via(http).PostAsync("webhooks", new { url = "http://receiver.internal/hook", events = new[] { "*" } })).Expect(201);
        (await t.Api.PostAsync("webhooks", new { url = "http://receiver.internal/hook", events = new[] { "*" } })).ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Receivers_on_private_networks_need_the_AllowPrivateNetworks_setting()
    {
        await using var guarded = server.StartAnotherServer(new Dictionary<string, string?> { ["Webhooks:AllowPrivateNetworks"] = "false" });
        using var http = guarded.CreateHttpClient();
        var t = await server.NewTenantAsync();
        string[] refused =
        [
            "http://127.0.0.1:8080/hook", "https://localhost/hook", "https://admin.localhost/hook", "https://10.0.0.5/hook",
            "https://172.20.1.1/hook", "https://192.168.1.10/hook", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/hook",
            "https://0.0.0.0/hook", "https://[::1]/hook", "https://[fd00::1]/hook", "https://[fe80::1]/hook", "https://[::ffff:10.0.0.1]/hook",
        ];
        foreach (var url in refused)
        {
            var error = (await t.Api.Via(http).PostAsync("webhooks", new { url, events = new[] { "*" } })).ExpectError(422, "VALIDATION_ERROR");
            Assert.Equal(["url"], error.ErrorFields);
            Assert.Contains("AllowPrivateNetworks", error.Error.GetProperty("details")[0].GetProperty("message").GetString());
        }
        var hook = (await t.Api.Via(http).PostAsync("webhooks", new { url = "https://hooks.example.org/leap", events = new[] { "*" } })).Expect(201).Id;
        (await t.Api.Via(http).PatchAsync($"webhooks/{hook}", new { url = "https://192.168.0.2/hook" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal("https://hooks.example.org/leap", (await t.Api.GetAsync($"webhooks/{hook}")).Expect(200).Data.GetProperty("url").GetString());
        // The server these tests share allows them (its receivers run on loopback).
        (await t.Api.PostAsync("webhooks", new { url = "https://10.0.0.5/hook", events = new[] { "*" } })).Expect(201);
    }

    [Fact]
    public async Task Events_must_be_known_types()
    {
        var t = await server.NewTenantAsync();
        Assert.Equal(["events", "url"], (await t.Api.PostAsync("webhooks", new { })).ExpectError(422, "VALIDATION_ERROR").ErrorFields.Order());
        (await t.Api.PostAsync("webhooks", new { url = Nowhere, events = Array.Empty<string>() })).ExpectError(422, "VALIDATION_ERROR");
        var unknown = (await t.Api.PostAsync("webhooks", new { url = Nowhere, events = new[] { "patient.created", "patient.deleted" } })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Contains("patient.deleted", unknown.Error.GetProperty("details")[0].GetProperty("message").GetString());
        (await t.Api.PostAsync("webhooks", new { url = Nowhere, events = new[] { "episode_event.created", "appointment.no_show" } })).Expect(201);
    }

    [Fact]
    public async Task Endpoints_are_updated_and_deleted_within_their_organisation()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var id = await EndpointAsync(t, ["patient.created"]);
        var patched = (await t.Api.PatchAsync($"webhooks/{id}", new { events = new[] { "*" }, is_active = false, description = "Paused" })).Expect(200).Data;
        Assert.Equal(["*"], patched.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(patched.GetProperty("is_active").GetBoolean());
        (await t.Api.PatchAsync($"webhooks/{id}", new { url = "http://example.com/x" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal([id], (await t.Api.GetAsync("webhooks?is_active=false")).Ids());

        (await other.Api.GetAsync($"webhooks/{id}")).ExpectError(404, "NOT_FOUND");
        (await other.Api.DeleteAsync($"webhooks/{id}")).ExpectError(404, "NOT_FOUND");
        var deleted = (await t.Api.DeleteAsync($"webhooks/{id}")).Expect(200).Data;
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        (await t.Api.GetAsync($"webhooks/{id}")).ExpectError(404, "NOT_FOUND");
        (await t.Api.GetAsync($"webhooks/{id}/deliveries")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Patient_changes_record_events_for_subscribed_active_endpoints_only()
    {
        var t = await server.NewTenantAsync();
        var patients = await EndpointAsync(t, ["patient.created", "patient.updated", "patient.archived"]);
        var everything = await EndpointAsync(t, ["*"]);
        await EndpointAsync(t, ["*"], active: false);
        await EndpointAsync(t, ["appointment.created"]);

        var id = await t.CreatePatientAsync("Webhook", "Person", extra: new { email = "private@example.com", nhs_number = "9434765919" });
        (await t.Api.PatchAsync($"patients/{id}", new { first_name = "Renamed" })).Expect(200);
        (await t.Api.PatchAsync($"patients/{id}", new { archived = true, archive_reason = "Moved away" })).Expect(200);

        var events = await EventsAsync(t);
        Assert.Equal(["patient.created", "patient.updated", "patient.archived"], events.Select(e => e.Type));
        foreach (var e in events)
        {
            Assert.Equal([patients, everything], await DeliveryEndpointsAsync(e.Id));
        }

        var created = events[0].Json;
        Assert.Equal(events[0].Id, created.GetProperty("id").GetString());
        Assert.StartsWith("evt_", created.GetProperty("id").GetString());
        Assert.Equal("patient.created", created.GetProperty("type").GetString());
        Assert.Equal(t.OrgId, created.GetProperty("organization_id").GetString());
        Assert.EndsWith("Z", created.GetProperty("created_at").GetString());
        var patient = created.GetProperty("data").GetProperty("object");
        Assert.Equal(id, patient.GetProperty("id").GetString());
        Assert.Equal("Webhook", patient.GetProperty("first_name").GetString());
        Assert.Equal("9434765919", patient.GetProperty("nhs_number").GetString());
        Assert.False(patient.TryGetProperty("email", out _));
        Assert.False(patient.TryGetProperty("patient_notes", out _));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("data").GetProperty("previous").ValueKind);

        var updated = events[1].Json.GetProperty("data");
        Assert.Equal("Renamed", updated.GetProperty("object").GetProperty("first_name").GetString());
        Assert.Equal("Webhook", updated.GetProperty("previous").GetProperty("first_name").GetString());
        Assert.Equal("archived", events[2].Json.GetProperty("data").GetProperty("object").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_appointment_event_carries_the_appointment_as_the_api_returns_it_and_a_refused_change_records_nothing()
    {
        var t = await server.NewTenantAsync();
        await EndpointAsync(t, ["appointment.created", "appointment.rescheduled", "appointment.cancelled", "appointment.updated", "episode.created", "episode_event.created"]);
        var patient = await t.CreatePatientAsync();
        var clinician = await t.CreateClinicianAsync();
        var booked = (await t.Api.PostAsync("appointments", new
        {
            title = "Check-up", patient_id = patient, clinician_profile_id = clinician, start_time = "2031-03-03T09:00:00Z", end_time = "2031-03-03T09:30:00Z",
        })).Expect(201);
        (await t.Api.PostAsync("appointments", new
        {
            title = "Clash", patient_id = patient, clinician_profile_id = clinician, start_time = "2031-03-03T09:15:00Z", end_time = "2031-03-03T09:45:00Z",
        })).ExpectError(409, "SLOT_UNAVAILABLE");
        (await t.Api.PatchAsync($"appointments/{booked.Id}", new { start_time = "2031-03-03T11:00:00Z" })).Expect(200);
        (await t.Api.PatchAsync($"appointments/{booked.Id}", new { title = "Annual check-up" })).Expect(200);
        (await t.Api.PostAsync($"appointments/{booked.Id}/cancel", new { cancellation_reason = "Unwell" })).Expect(200);
        (await t.Api.PostAsync($"appointments/{booked.Id}/cancel")).ExpectError(409, "INVALID_STATE");

        var events = await EventsAsync(t);
        Assert.Equal(
            ["episode.created", "episode_event.created", "appointment.created", "episode_event.created", "appointment.rescheduled",
             "appointment.updated", "episode_event.created", "episode_event.created", "appointment.cancelled"],
            events.Select(e => e.Type));
        // The booking's answer came before routing (episode_id null); its event, recorded by routing, names the episode.
        var created = events.Single(e => e.Type == "appointment.created").Json.GetProperty("data").GetProperty("object");
        var episode = events.First(e => e.Type == "episode.created").Json.GetProperty("data").GetProperty("object").GetProperty("id").GetString();
        Assert.Equal(JsonValueKind.Null, booked.Data.GetProperty("episode_id").ValueKind);
        Assert.Equal(episode, created.GetProperty("episode_id").GetString());
        var answered = JsonNode.Parse(TestTenant.WithoutManageUrl(booked.Data))!.AsObject();
        answered["episode_id"] = episode;
        // Each carries a manage link of its own (issued when answered, and when routed).
        Assert.Contains("/manage/", created.GetProperty("manage_url").GetString());
        Assert.Equal(answered.ToJsonString(), TestTenant.WithoutManageUrl(created));
        var cancelled = events.Single(e => e.Type == "appointment.cancelled").Json.GetProperty("data");
        Assert.Equal("cancelled", cancelled.GetProperty("object").GetProperty("status").GetString());
        Assert.Equal("confirmed", cancelled.GetProperty("previous").GetProperty("status").GetString());
        Assert.Equal((await t.Api.GetAsync($"appointments/{booked.Id}")).Data.ToString(), cancelled.GetProperty("object").ToString());
    }

    [Fact]
    public async Task Episode_actions_and_template_changes_record_their_events()
    {
        var t = await server.NewTenantAsync();
        await EndpointAsync(t, ["episode.created", "episode.updated", "episode.closed", "episode.reopened", "episode.assigned", "episode.priority_changed",
            "appointment_template.updated", "appointment_template.deactivated", "questionnaire_response.created", "questionnaire_response.updated"]);
        var patient = await t.CreatePatientAsync();
        var episode = (await t.Api.PostAsync("episodes", new { patient_id = patient, title = "Follow-up" })).Expect(201).Id;
        (await t.Api.PatchAsync($"episodes/{episode}", new { tags = new[] { "x" } })).Expect(200);
        (await t.Api.PostAsync($"episodes/{episode}/assign", new { assigned_to = "usr_a" })).Expect(200);
        (await t.Api.PostAsync($"episodes/{episode}/change-priority", new { priority = "high" })).Expect(200);
        (await t.Api.PostAsync($"episodes/{episode}/close")).Expect(200);
        (await t.Api.PostAsync($"episodes/{episode}/reopen")).Expect(200);
        var template = await t.CreateTemplateAsync();
        (await t.Api.PatchAsync($"appointment-templates/{template}", new { name = "Renamed" })).Expect(200);
        (await t.Api.PatchAsync($"appointment-templates/{template}", new { is_active = false })).Expect(200);
        var response = (await t.Api.PostAsync("questionnaire-responses", new
        {
            questionnaire_id = "qt_0190b2a0-0000-7000-8000-000000000003", episode_id = episode, responses = new { rating = 5, comments = "Lovely" },
        })).Expect(201).Id;
        (await t.Api.PatchAsync($"questionnaire-responses/{response}", new { responses = new { rating = 4 } })).Expect(200);

        var events = await EventsAsync(t);
        Assert.Equal(
            ["episode.created", "episode.updated", "episode.assigned", "episode.priority_changed", "episode.closed", "episode.reopened",
             "appointment_template.updated", "appointment_template.deactivated",
             "episode.updated", "questionnaire_response.created", "questionnaire_response.updated"],
            events.Select(e => e.Type));
        var closed = events.Single(e => e.Type == "episode.closed").Json.GetProperty("data");
        Assert.Equal("closed", closed.GetProperty("object").GetProperty("status").GetString());
        Assert.Equal("open", closed.GetProperty("previous").GetProperty("status").GetString());
        var answered = events.Single(e => e.Type == "questionnaire_response.created").Json.GetProperty("data").GetProperty("object");
        Assert.Equal(response, answered.GetProperty("id").GetString());
        Assert.False(answered.TryGetProperty("responses", out _));
        Assert.DoesNotContain("Lovely", string.Concat(events.Select(e => e.Payload)));
    }

    [Fact]
    public async Task Without_a_subscribed_endpoint_nothing_is_recorded()
    {
        var t = await server.NewTenantAsync();
        await EndpointAsync(t, ["appointment.created"]);
        await t.CreatePatientAsync();
        Assert.Empty(await EventsAsync(t));
    }
}

public sealed class WebhooksTestsOnSqlite(SqliteServer server) : WebhooksTests(server);
public sealed class WebhooksTestsOnPostgres(PostgresServer server) : WebhooksTests(server);
