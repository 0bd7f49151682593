using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Audit;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Server.Tests.Audit;

public abstract class AuditTests(LeapFixture server)
{
    private static async Task<List<JsonElement>> EventsAsync(ApiClient api, string query = "") =>
        (await api.GetAsync("audit-events?limit=100" + query)).Expect(200).Data.EnumerateArray().ToList();

    private static (string? Action, string? Type, string? Resource, string? Patient) Row(JsonElement e) =>
        (e.GetProperty("action").GetString(), e.GetProperty("resource_type").GetString(), e.GetProperty("resource_id").GetString(), e.GetProperty("patient_id").GetString());

    [Fact]
    public async Task Reads_and_writes_of_patients_and_their_record_are_logged_with_actor_patient_and_request()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var read = (await t.Api.GetAsync($"patients/{patient}")).Expect(200);
        (await t.Api.PatchAsync($"patients/{patient}", new { email = "new@example.com" })).Expect(200);
        var card = (await t.Api.PostAsync("consultations", new
        {
            patient_id = patient, consultation_date = "2029-12-03", problems = new[] { new { problem_name = "Sprain" } },
        })).Expect(201).Data;
        var consultation = card.GetProperty("id").GetString();
        var problem = card.GetProperty("sections").GetProperty("problems")[0].GetProperty("id").GetString();
        (await t.Api.GetAsync($"patients/{patient}/problems")).Expect(200);
        (await t.Api.GetAsync("patients?search=Test")).Expect(200);

        var events = await EventsAsync(t.Api);
        var rows = events.Select(Row).Reverse().ToList();
        Assert.Equal(
        [
            ("create", "patient", patient, patient), ("read", "patient", patient, patient), ("update", "patient", patient, patient),
            ("create", "consultation", consultation, patient), ("create", "problem", problem, patient), ("read", "problem", problem, patient),
            ("read", "patient", patient, patient),
        ], rows);
        Assert.All(events, e =>
        {
            Assert.Equal("api_key", e.GetProperty("actor_type").GetString());
            Assert.Equal(t.Api.KeyId, e.GetProperty("actor_id").GetString());
            Assert.StartsWith("aud_", e.GetProperty("id").GetString());
            Assert.StartsWith("req_", e.GetProperty("request_id").GetString());
        });
        Assert.Equal(read.Header("X-Request-Id"), events[^2].GetProperty("request_id").GetString());
        var single = events[0];
        Assert.Equal(single.ToString(), (await t.Api.GetAsync($"audit-events/{single.GetProperty("id").GetString()}")).Expect(200).Data.ToString());
    }

    [Fact]
    public async Task Failed_and_replayed_requests_and_other_resources_are_not_logged()
    {
        var t = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        var body = new { first_name = "Replay", last_name = "Patient", date_of_birth = "1971-02-03" };
        var patient = (await t.Api.PostAsync("patients", body, key)).Expect(201).Id;
        (await t.Api.PostAsync("patients", body, key)).Expect(201);
        (await t.Api.GetAsync("patients/pat_00000000-0000-7000-8000-000000000000")).ExpectError(404, "NOT_FOUND");
        (await t.Api.GetAsync("appointment-templates")).Expect(200);
        Assert.Equal([("create", "patient", patient, patient)], (await EventsAsync(t.Api)).Select(Row));
    }

    [Fact]
    public async Task The_list_filters_by_patient_actor_action_and_time_and_pages_newest_first()
    {
        var t = await server.NewTenantAsync();
        var ada = await t.CreatePatientAsync();
        var ben = await t.CreatePatientAsync();
        var other = await t.KeyAsync(Scopes.All);
        (await other.GetAsync($"patients/{ada}")).Expect(200);
        (await t.Api.GetAsync($"patients/{ben}")).Expect(200);

        Assert.Equal([("read", "patient", ada, ada), ("create", "patient", ada, ada)], (await EventsAsync(t.Api, $"&patient_id={ada}")).Select(Row));
        Assert.Equal([("read", "patient", ada, ada)], (await EventsAsync(t.Api, $"&actor_id={other.KeyId}")).Select(Row));
        Assert.Equal(2, (await EventsAsync(t.Api, "&action=read")).Count);
        Assert.Equal(4, (await EventsAsync(t.Api, "&action_in=read,create&actor_type=api_key")).Count);
        Assert.Empty(await EventsAsync(t.Api, "&occurred_at_lte=2020-01-01"));
        Assert.Equal(4, (await EventsAsync(t.Api, $"&occurred_at_gte={DateTimeOffset.UtcNow.AddHours(-1):yyyy-MM-dd'T'HH:mm:ss'Z'}")).Count);
        var page = (await t.Api.GetAsync("audit-events?limit=3")).Expect(200);
        Assert.Equal(3, page.Ids().Count);
        Assert.True(page.Meta.GetProperty("has_more").GetBoolean());
        Assert.Single((await t.Api.GetAsync("audit-events?limit=3&offset=3")).Ids());
        (await t.Api.GetAsync("audit-events?who=me")).ExpectError(400, "BAD_REQUEST");

        var stranger = await server.NewTenantAsync();
        Assert.Empty(await EventsAsync(stranger.Api, $"&patient_id={ada}"));
        (await stranger.Api.GetAsync($"audit-events/{page.Ids()[0]}")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task The_log_needs_read_audit_and_cannot_be_changed_through_the_API()
    {
        var t = await server.NewTenantAsync();
        await t.CreatePatientAsync();
        var id = (await t.Api.GetAsync("audit-events")).Expect(200).Ids()[0];
        (await (await t.KeyAsync(Scopes.All.Where(s => s != Scopes.ReadAudit))).GetAsync("audit-events")).ExpectError(403, "FORBIDDEN");
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            (await t.Api.SendAsync(method, $"audit-events/{id}", new { action = "read" })).ExpectError(405, "METHOD_NOT_ALLOWED");
            (await t.Api.SendAsync(method, "audit-events", new { action = "read" })).ExpectError(405, "METHOD_NOT_ALLOWED");
        }
        // Below the API too: the database refuses to change an entry.
        await Assert.ThrowsAnyAsync<Exception>(() => t.WriteAsync(db => db.ExecuteAsync($"UPDATE audit_events SET action = 'read' WHERE {TenantSql.Filter}")));
        Assert.Single((await t.Api.GetAsync("audit-events")).Ids());
    }

    [Fact]
    public async Task Housekeeping_deletes_entries_past_the_retention_period_only()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, accounts) = server.StartIsolatedServer(s => s.AddSingleton<TimeProvider>(clock));
        await using var _ = app;
        using var http = app.CreateHttpClient();
        var organisation = await accounts.CreateOrganisationAsync("Audit retention");
        var (_, secret) = await accounts.CreateKeyAsync(organisation.Id, "k", Modes.Test, Scopes.All);
        var api = new ApiClient(http, secret);
        var patient = (await api.PostAsync("patients", new { first_name = "Kept", last_name = "Eightyears", date_of_birth = "1970-01-01" })).Expect(201).Id;
        Assert.Single((await api.GetAsync("audit-events")).Ids());
        var retention = app.Services.GetRequiredService<AuditOptions>().Retention;
        Assert.Equal(TimeSpan.FromDays(8 * 365 + 2), retention);

        clock.Advance(retention - TimeSpan.FromDays(1));
        (await api.GetAsync($"patients/{patient}")).Expect(200);
        await app.Services.GetRequiredService<Housekeeping>().RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, (await api.GetAsync("audit-events")).Ids().Count);

        clock.Advance(TimeSpan.FromDays(2));
        await app.Services.GetRequiredService<Housekeeping>().RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal([("read", "patient", patient, patient)], (await api.GetAsync("audit-events")).Data.EnumerateArray().Select(Row));
    }
}

public sealed class AuditTestsOnSqlite(SqliteServer server) : AuditTests(server);
public sealed class AuditTestsOnPostgres(PostgresServer server) : AuditTests(server);
