using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Server.Tests.Api;

public abstract class IdempotencyTests(LeapFixture server)
{
    private static readonly object Patient = new { first_name = "Idem", last_name = "Potent", date_of_birth = "1980-05-05" };

    [Fact]
    public async Task Same_key_and_body_replays_the_stored_response_byte_for_byte()
    {
        var t = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await t.Api.PostAsync("patients", Patient, key)).Expect(201);
        var second = (await t.Api.PostAsync("patients", Patient, key)).Expect(201);
        Assert.Equal(first.Raw, second.Raw);
        Assert.Null(first.Header("Idempotent-Replayed"));
        Assert.Equal("true", second.Header("Idempotent-Replayed"));
        Assert.NotEqual(first.Header("X-Request-Id"), second.Header("X-Request-Id"));
        Assert.Single((await t.Api.GetAsync("patients")).Ids());
    }

    [Fact]
    public async Task Same_content_with_fields_in_another_order_counts_as_the_same_request()
    {
        var t = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await t.Api.PostAsync("patients", "{\"first_name\":\"A\",\"last_name\":\"B\",\"date_of_birth\":\"1980-05-05\"}", key)).Expect(201);
        var second = (await t.Api.PostAsync("patients", "{ \"date_of_birth\": \"1980-05-05\", \"last_name\": \"B\", \"first_name\": \"A\" }", key)).Expect(201);
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task Same_key_with_another_body_is_409_CONFLICT_and_creates_nothing()
    {
        var t = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        (await t.Api.PostAsync("patients", Patient, key)).Expect(201);
        var conflict = (await t.Api.PostAsync("patients", new { first_name = "Other", last_name = "Body", date_of_birth = "1980-05-05" }, key))
            .ExpectError(409, "CONFLICT");
        Assert.Contains("different request body", conflict.Error.GetProperty("message").GetString());
        Assert.Single((await t.Api.GetAsync("patients")).Ids());
    }

    /// <summary>
    /// Actions honour the key too: a retry after a lost answer (same key, same body) gets the first answer again, not
    /// a 409 INVALID_STATE for repeating the action; the action happened once.
    /// </summary>
    [Theory]
    [InlineData("cancel", "{\"cancellation_reason\": \"Unwell\"}")]
    [InlineData("complete", "{}")]
    [InlineData("no-show", "{}")]
    public async Task A_retried_appointment_action_replays_its_first_answer(string action, string body)
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var appointment = (await t.Api.PostAsync("appointments", new
        {
            patient_id = patient, title = "Acted on", start_time = "2025-01-06T09:00:00Z", end_time = "2025-01-06T09:30:00Z",
        })).Expect(201).Id;
        var key = Guid.NewGuid().ToString();

        var first = (await t.Api.PostAsync($"appointments/{appointment}/{action}", body, key)).Expect(200);
        var retry = (await t.Api.PostAsync($"appointments/{appointment}/{action}", body, key)).Expect(200);

        Assert.Equal(first.Raw, retry.Raw);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        (await t.Api.PostAsync($"appointments/{appointment}/{action}", body)).ExpectError(409, "INVALID_STATE");
        (await t.Api.PostAsync($"appointments/{appointment}/{action}", "{\"cancellation_reason\": \"Other\"}", key)).ExpectError(409, "CONFLICT");
        // One key, one endpoint: the same key on another action of the same appointment is another request.
        Assert.NotEqual(200, (await t.Api.PostAsync($"appointments/{appointment}/{(action == "cancel" ? "complete" : "cancel")}", "{}", key)).StatusCode);
    }

    [Fact]
    public async Task A_retried_episode_action_replays_its_first_answer_and_records_one_event()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var episode = (await t.Api.PostAsync("episodes", new { patient_id = patient, title = "Closed once" })).Expect(201).Id;
        var key = Guid.NewGuid().ToString();

        var first = (await t.Api.PostAsync($"episodes/{episode}/close", new { note = "Done" }, key)).Expect(200);
        var retry = (await t.Api.PostAsync($"episodes/{episode}/close", new { note = "Done" }, key)).Expect(200);

        Assert.Equal(first.Raw, retry.Raw);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        var events = (await t.Api.GetAsync($"episodes/{episode}/events?event_type=status_change")).Expect(200);
        Assert.Single(events.Ids());
    }

    [Fact]
    public async Task Validation_failures_are_not_stored()
    {
        var t = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        (await t.Api.PostAsync("patients", new { first_name = "Only" }, key)).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.PostAsync("patients", Patient, key)).Expect(201);
    }

    [Fact]
    public async Task A_refused_booking_is_not_stored_so_its_retry_runs_again()
    {
        var t = await server.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var patient = await t.CreatePatientAsync();
        object Booking() => new { title = "x", patient_id = patient, clinician_profile_id = clinician, start_time = "2030-02-04T10:00:00Z", end_time = "2030-02-04T10:30:00Z" };
        var blocker = (await t.Api.PostAsync("appointments", Booking())).Expect(201).Id;
        var key = Guid.NewGuid().ToString();
        (await t.Api.PostAsync("appointments", Booking(), key)).ExpectError(409, "SLOT_UNAVAILABLE");
        (await t.Api.PostAsync($"appointments/{blocker}/cancel")).Expect(200);
        (await t.Api.PostAsync("appointments", Booking(), key)).Expect(201);
    }

    [Theory]
    [InlineData(256)]
    [InlineData(0)]
    public async Task Keys_must_be_1_to_255_visible_characters(int length)
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.PostAsync("patients", Patient, new string('k', length))).ExpectError(400, "BAD_REQUEST");
        Assert.Equal(["Idempotency-Key"], result.ErrorFields);
        Assert.Empty((await t.Api.GetAsync("patients")).Ids());
        (await t.Api.PostAsync("patients", Patient, new string('k', 255))).Expect(201);
    }

    [Fact]
    public async Task Keys_are_scoped_per_endpoint_and_per_organisation()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        (await t.Api.PostAsync("patients", Patient, key)).Expect(201);
        (await t.Api.PostAsync("appointment-templates", new { name = "Same key, other endpoint" }, key)).Expect(201);
        var theirs = (await other.Api.PostAsync("patients", Patient, key)).Expect(201);
        Assert.Null(theirs.Header("Idempotent-Replayed"));
        Assert.Single((await other.Api.GetAsync("patients")).Ids());
    }

    [Fact]
    public async Task Fifty_concurrent_requests_with_one_key_create_one_appointment_and_answer_identically()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var clinician = await t.CreateClinicianAsync();
        var key = Guid.NewGuid().ToString();
        var body = new { title = "Race", patient_id = patient, clinician_profile_id = clinician, start_time = "2030-03-04T10:00:00Z", end_time = "2030-03-04T10:30:00Z" };
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await t.Api.PostAsync("appointments", body, key);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        var successes = results.Where(r => r.StatusCode == 201).ToList();
        Assert.All(results, r => Assert.True(r.StatusCode is 201 or 409, r.Raw));
        Assert.NotEmpty(successes);
        Assert.Single(successes.Select(r => r.Raw).Distinct());
        Assert.All(results.Where(r => r.StatusCode == 409), r => Assert.Equal("CONFLICT", r.ErrorCode));
        Assert.Single((await t.Api.GetAsync("appointments")).Ids());
        Assert.Equal(1, await CountAsync(t, "SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId"));
    }

    [Fact]
    public async Task A_stored_response_is_replayed_after_a_server_restart()
    {
        var t = await server.NewTenantAsync();
        var key = Guid.NewGuid().ToString();
        ApiResult first;
        await using (var before = server.StartAnotherServer())
        {
            using var http = before.CreateHttpClient();
            first = (await t.Api.Via(http).PostAsync("patients", Patient, key)).Expect(201);
        }
        await using var after = server.StartAnotherServer();
        using var afterHttp = after.CreateHttpClient();
        var replay = (await t.Api.Via(afterHttp).PostAsync("patients", Patient, key)).Expect(201);
        Assert.Equal(first.Raw, replay.Raw);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Keys_expire_after_24_hours_and_are_purged()
    {
        // Purging is global to a database, and this test moves the clock two days on: it gets a database of its own.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, accounts) = server.StartIsolatedServer(s => s.AddSingleton<TimeProvider>(clock));
        await using var _ = app;
        using var http = app.CreateHttpClient();
        var organisation = await accounts.CreateOrganisationAsync("Isolated");
        var (_, secret) = await accounts.CreateKeyAsync(organisation.Id, "k", "test", Leap.Server.Accounts.Scopes.All);
        var api = new ApiClient(http, secret);
        var key = Guid.NewGuid().ToString();
        // The second create is the same person again: forced past the duplicate check, which is not under test.
        var patient = new { first_name = "Idem", last_name = "Potent", date_of_birth = "1980-05-05", force = true };
        var first = (await api.PostAsync("patients", patient, key)).Expect(201);

        clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(first.Id, (await api.PostAsync("patients", patient, key)).Expect(201).Id);

        clock.Advance(TimeSpan.FromHours(2));
        var fresh = (await api.PostAsync("patients", patient, key)).Expect(201);
        Assert.NotEqual(first.Id, fresh.Id);

        clock.Advance(TimeSpan.FromHours(25));
        await app.Services.GetRequiredService<Housekeeping>().RunOnceAsync(TestContext.Current.CancellationToken);
        var db = app.Services.GetRequiredService<Database>();
        Assert.Equal(0, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM idempotency_keys WHERE org_id = @Id", new { organisation.Id }));
    }

    private async Task<long> CountAsync(TestTenant t, string sql)
    {
        var db = server.Services.GetRequiredService<Database>();
        return await db.Raw().ScalarAsync<long>(sql, new { t.OrgId });
    }
}

public sealed class IdempotencyTestsOnSqlite(SqliteServer server) : IdempotencyTests(server);
public sealed class IdempotencyTestsOnPostgres(PostgresServer server) : IdempotencyTests(server);
