using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Webhooks;

/// <summary>
/// Delivery to a real HTTP receiver, each test on a database of its own so no other server's delivery worker
/// takes its events. Delays are milliseconds instead of minutes.
/// </summary>
public abstract class WebhookDeliveryTests(LeapFixture server) : IAsyncDisposable
{
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Webhooks:PollInterval"] = "00:00:00.050",
        ["Webhooks:RetryDelays"] = "00:00:00.100, 00:00:00.100, 00:00:00.100, 00:00:00.100, 00:00:00.100",
        ["Webhooks:Timeout"] = "00:00:05",
    };

    private readonly List<IAsyncDisposable> cleanup = [];

    private sealed record Client(ApiClient Api, string OrgId);

    /// <summary>A server with delivery settings (and <paramref name="services"/>, such as a fake clock) on <paramref name="database"/>.</summary>
    private async Task<LeapAppFactory> StartAsync(Dictionary<string, string?> database, Dictionary<string, string?>? extra = null,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>(database);
        foreach (var (key, value) in Fast.Concat(extra ?? []))
        {
            settings[key] = value;
        }
        var app = new LeapAppFactory(settings, services);
        _ = app.BaseUrl;
        cleanup.Add(app);
        return app;
    }

    private static async Task<Client> TenantAsync(LeapAppFactory app)
    {
        var accounts = app.Services.GetRequiredService<AccountStore>();
        var organisation = await accounts.CreateOrganisationAsync("Webhook test org");
        return new Client(await KeyAsync(app, organisation.Id, Modes.Test), organisation.Id);
    }

    private static async Task<ApiClient> KeyAsync(LeapAppFactory app, string orgId, string mode)
    {
        var (_, secret) = await app.Services.GetRequiredService<AccountStore>().CreateKeyAsync(orgId, "k", mode, Scopes.All);
        return new ApiClient(app.CreateHttpClient(), secret);
    }

    /// <summary>A server as an operating-system process (it can be killed); stopped with the test whatever happens.</summary>
    private async Task<ServerProcess> ProcessAsync(Dictionary<string, string?> settings)
    {
        var process = await ServerProcess.StartAsync(settings);
        cleanup.Add(process);
        return process;
    }

    private async Task<WebhookReceiver> ReceiverAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        cleanup.Add(receiver);
        return receiver;
    }

    private static async Task<(string Id, string Secret)> SubscribeAsync(ApiClient api, WebhookReceiver receiver, params string[] events)
    {
        var created = (await api.PostAsync("webhooks", new { url = receiver.Url, events })).Expect(201);
        return (created.Id, created.Data.GetProperty("secret").GetString()!);
    }

    private static Task<string> PatientAsync(ApiClient api, string name) =>
        Task.Run(async () => (await api.PostAsync("patients", new { first_name = name, last_name = "Hooked", date_of_birth = "1980-02-02" })).Expect(201).Id);

    /// <summary>The receiver's side of docs/webhooks.md, written from the spec rather than from the server's code.</summary>
    private static void AssertSigned(WebhookReceiver.Delivery delivery, string secret)
    {
        Assert.NotNull(delivery.Signature);
        var parts = delivery.Signature!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(delivery.Timestamp, parts["t"]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{delivery.Body}")));
        Assert.Equal(expected, parts["v1"]);
        var age = DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(age.Duration() < TimeSpan.FromMinutes(5), $"timestamp {age} away from now");
    }

    private static async Task<JsonElement> DeliveryAsync(ApiClient api, string webhook, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var log = (await api.GetAsync($"webhooks/{webhook}/deliveries")).Expect(200).Data;
            if (log.GetArrayLength() > 0 && done(log[0]))
            {
                return log[0];
            }
            Assert.True(DateTime.UtcNow < deadline, $"The delivery log never reached the expected state: {log}");
            await Task.Delay(25);
        }
    }

    /// <summary>One delivery (with its attempt log) once it has at least <paramref name="attempts"/> logged attempts.</summary>
    private static async Task<JsonElement> AttemptLogAsync(ApiClient api, string webhook, string delivery, int attempts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var found = (await api.GetAsync($"webhooks/{webhook}/deliveries/{delivery}")).Expect(200).Data;
            if (found.GetProperty("attempt_log").GetArrayLength() >= attempts)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, $"The delivery never logged {attempts} attempts: {found}");
            await Task.Delay(25);
        }
    }

    /// <summary>The log's deliveries in a status, once there are <paramref name="expected"/> of them (or after 10 s).</summary>
    private static async Task<IReadOnlyList<string>> DeliveriesAsync(ApiClient api, string webhook, string status, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var ids = (await api.GetAsync($"webhooks/{webhook}/deliveries?status={status}")).Expect(200).Ids();
            if (ids.Count == expected || DateTime.UtcNow > deadline)
            {
                return ids;
            }
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task An_event_is_posted_signed_and_the_receiver_can_verify_it()
    {
        var app = await StartAsync(server.NewIsolatedDatabase());
        var (api, orgId) = await TenantAsync(app);
        var receiver = await ReceiverAsync();
        var (webhook, secret) = await SubscribeAsync(api, receiver, "patient.created");
        var patient = await PatientAsync(api, "Signed");

        var delivery = Assert.Single(await receiver.WaitForAsync(r => r.Count >= 1));
        AssertSigned(delivery, secret);
        Assert.StartsWith("application/json", delivery.ContentType);
        var json = delivery.Json;
        Assert.Equal(delivery.EventId, json.GetProperty("id").GetString());
        Assert.StartsWith("evt_", delivery.EventId);
        Assert.Equal("patient.created", json.GetProperty("type").GetString());
        Assert.Equal(orgId, json.GetProperty("organization_id").GetString());
        Assert.Equal(patient, json.GetProperty("data").GetProperty("object").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("data").GetProperty("previous").ValueKind);

        var logged = await DeliveryAsync(api, webhook, d => d.GetProperty("status").GetString() == "delivered");
        Assert.Equal(1, logged.GetProperty("attempts").GetInt32());
        Assert.Equal(200, logged.GetProperty("last_status_code").GetInt32());
        Assert.Equal("ok", logged.GetProperty("last_response").GetString());
        Assert.Equal(delivery.EventId, logged.GetProperty("event_id").GetString());
        Assert.Equal("patient.created", logged.GetProperty("event_type").GetString());
        Assert.False(logged.TryGetProperty("attempt_log", out _));
        var single = (await api.GetAsync($"webhooks/{webhook}/deliveries/{logged.GetProperty("id").GetString()}")).Expect(200).Data;
        Assert.All(logged.EnumerateObject(), field => Assert.Equal(field.Value.ToString(), single.GetProperty(field.Name).ToString()));
        var attempt = Assert.Single(single.GetProperty("attempt_log").EnumerateArray());
        Assert.Equal((200, "ok", JsonValueKind.Null), (attempt.GetProperty("status_code").GetInt32(), attempt.GetProperty("response").GetString(), attempt.GetProperty("error").ValueKind));
        await Task.Delay(300);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_the_event_once_it_recovers()
    {
        var app = await StartAsync(server.NewIsolatedDatabase());
        var (api, _) = await TenantAsync(app);
        var receiver = await ReceiverAsync();
        receiver.AnswerNext(500, 503);
        var (webhook, secret) = await SubscribeAsync(api, receiver, "patient.created");
        await PatientAsync(api, "Retried");

        var attempts = await receiver.WaitForAsync(r => r.Any(d => d.AnsweredWith == 200));
        Assert.Equal([500, 503, 200], attempts.Select(d => d.AnsweredWith));
        Assert.Single(attempts.Select(d => d.EventId).Distinct());
        Assert.Single(attempts.Select(d => d.Body).Distinct());
        Assert.All(attempts, d => AssertSigned(d, secret));

        var logged = await DeliveryAsync(api, webhook, d => d.GetProperty("status").GetString() == "delivered");
        Assert.Equal(3, logged.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, logged.GetProperty("last_error").ValueKind);
        Assert.Empty((await api.GetAsync($"webhooks/{webhook}/deliveries?status=pending")).Ids());
    }

    [Fact]
    public async Task After_the_last_retry_a_delivery_fails_and_can_be_redelivered()
    {
        var app = await StartAsync(server.NewIsolatedDatabase(), new() { ["Webhooks:RetryDelays"] = "00:00:00.050, 00:00:00.050" });
        var (api, _) = await TenantAsync(app);
        var receiver = await ReceiverAsync();
        receiver.AnswerNext(500, 500, 500);
        var (webhook, _) = await SubscribeAsync(api, receiver, "*");
        await PatientAsync(api, "Unlucky");

        var failed = await DeliveryAsync(api, webhook, d => d.GetProperty("status").GetString() == "failed");
        Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
        Assert.Equal(500, failed.GetProperty("last_status_code").GetInt32());
        Assert.Contains("500", failed.GetProperty("last_error").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("next_attempt_at").ValueKind);
        Assert.Equal(3, receiver.Received.Count);

        var id = failed.GetProperty("id").GetString();
        var requeued = (await api.PostAsync($"webhooks/{webhook}/deliveries/{id}/redeliver")).Expect(200).Data;
        Assert.Equal("pending", requeued.GetProperty("status").GetString());
        await receiver.WaitForAsync(r => r.Count == 4);
        Assert.Equal(200, receiver.Received[3].AnsweredWith);
        Assert.Equal(receiver.Received[0].Body, receiver.Received[3].Body);
        var delivered = await DeliveryAsync(api, webhook, d => d.GetProperty("status").GetString() == "delivered");
        Assert.Equal(1, delivered.GetProperty("attempts").GetInt32());
        (await api.PostAsync($"webhooks/{webhook}/deliveries/whd_00000000-0000-7000-8000-000000000000/redeliver")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Without_AllowPrivateNetworks_a_delivery_never_connects_to_a_private_address()
    {
        // Saved while receivers on the clinic's network were allowed; the server then restarted without that.
        var database = server.NewIsolatedDatabase();
        var setup = await StartAsync(database, new() { ["Webhooks:DeliveryEnabled"] = "false" });
        var (api, _) = await TenantAsync(setup);
        var receiver = await ReceiverAsync();
        var (webhook, _) = await SubscribeAsync(api, receiver, "*");
        var guarded = await StartAsync(database, new() { ["Webhooks:AllowPrivateNetworks"] = "false" });
        using var http = guarded.CreateHttpClient();
        await PatientAsync(api.Via(http), "Guarded");

        var failed = await DeliveryAsync(api.Via(http), webhook, d => d.GetProperty("status").GetString() == "failed");
        Assert.Contains("AllowPrivateNetworks", failed.GetProperty("last_error").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("last_status_code").ValueKind);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_test_event_goes_to_that_endpoint_only()
    {
        var app = await StartAsync(server.NewIsolatedDatabase());
        var (api, _) = await TenantAsync(app);
        var receiver = await ReceiverAsync();
        var other = await ReceiverAsync();
        var (webhook, secret) = await SubscribeAsync(api, receiver, "appointment.cancelled");
        await SubscribeAsync(api, other, "*");

        var queued = (await api.PostAsync($"webhooks/{webhook}/test")).Expect(201).Data;
        Assert.Equal("webhook.test", queued.GetProperty("event_type").GetString());
        var delivery = Assert.Single(await receiver.WaitForAsync(r => r.Count == 1));
        AssertSigned(delivery, secret);
        Assert.Equal("webhook.test", delivery.Json.GetProperty("type").GetString());
        Assert.Equal(webhook, delivery.Json.GetProperty("data").GetProperty("object").GetProperty("id").GetString());
        Assert.False(delivery.Json.GetProperty("data").GetProperty("object").TryGetProperty("secret", out _));
        await Task.Delay(300);
        Assert.Empty(other.Received);

        (await api.PatchAsync($"webhooks/{webhook}", new { is_active = false })).Expect(200);
        (await api.PostAsync($"webhooks/{webhook}/test")).ExpectError(409, "INVALID_STATE");
    }

    [Fact]
    public async Task Events_recorded_before_a_restart_or_a_kill_are_delivered_afterwards()
    {
        var database = server.NewIsolatedDatabase();
        var receiver = await ReceiverAsync();
        var off = new Dictionary<string, string?> { ["Webhooks:DeliveryEnabled"] = "false" };

        // Recorded, then the server stops normally before anything is sent.
        var first = await StartAsync(database, off);
        var (api, _) = await TenantAsync(first);
        var (webhook, secret) = await SubscribeAsync(api, receiver, "patient.created");
        var beforeRestart = await PatientAsync(api, "BeforeRestart");
        cleanup.Remove(first);
        await first.DisposeAsync();

        // Recorded by a server process that is then killed (SIGKILL: no shutdown code runs).
        var process = await ProcessAsync(new Dictionary<string, string?>(database.Concat(off)));
        using (var http = process.CreateHttpClient())
        {
            await PatientAsync(api.Via(http), "BeforeKill");
        }
        await process.KillAsync();
        await Task.Delay(300);
        Assert.Empty(receiver.Received);

        var restarted = await StartAsync(database);
        var delivered = await receiver.WaitForAsync(r => r.Count == 2);
        Assert.Equal(["BeforeRestart", "BeforeKill"],
            delivered.Select(d => d.Json.GetProperty("data").GetProperty("object").GetProperty("first_name").GetString()).Order(StringComparer.Ordinal).Reverse());
        Assert.Contains(delivered, d => d.Json.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == beforeRestart);
        Assert.All(delivered, d => AssertSigned(d, secret));
        using var restartedHttp = restarted.CreateHttpClient();
        Assert.Equal(2, (await DeliveriesAsync(api.Via(restartedHttp), webhook, "delivered", expected: 2)).Count);
    }

    [Fact]
    public async Task An_attempt_cut_short_by_a_killed_server_is_made_again_once_its_claim_expires()
    {
        var database = server.NewIsolatedDatabase();
        var setup = await StartAsync(database, new() { ["Webhooks:DeliveryEnabled"] = "false" });
        var (api, _) = await TenantAsync(setup);
        var receiver = await ReceiverAsync();
        receiver.AnswerNext(WebhookReceiver.Hang);
        var (webhook, _) = await SubscribeAsync(api, receiver, "patient.created");

        // The process claims the delivery (for 2 × 1 s + 1 s), sends it, and dies waiting for the answer.
        var settings = new Dictionary<string, string?>(database.Concat(Fast)) { ["Webhooks:Timeout"] = "00:00:01" };
        var process = await ProcessAsync(settings);
        await PatientAsync(api, "Interrupted");
        await receiver.WaitForAsync(r => r.Count == 1);
        await process.KillAsync();

        var restarted = await StartAsync(database);
        var attempts = await receiver.WaitForAsync(r => r.Count == 2);
        Assert.Equal(attempts[0].EventId, attempts[1].EventId);
        Assert.Equal(200, attempts[1].AnsweredWith);
        using var http = restarted.CreateHttpClient();
        var logged = await DeliveryAsync(api.Via(http), webhook, d => d.GetProperty("status").GetString() == "delivered");
        Assert.Equal(2, logged.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Finished_events_are_purged_after_the_retention_and_pending_ones_kept()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var (app, accounts) = server.StartIsolatedServer(s => s.AddSingleton<TimeProvider>(clock));
        cleanup.Add(app);
        var organisation = await accounts.CreateOrganisationAsync("Retention");
        var (_, key) = await accounts.CreateKeyAsync(organisation.Id, "k", Modes.Test, Scopes.All);
        var api = new ApiClient(app.CreateHttpClient(), key);
        (await api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/never", events = new[] { "patient.created" }, is_active = true })).Expect(201);
        var db = app.Services.GetRequiredService<Database>();
        await PatientAsync(api, "Old");
        await db.Raw().WriteAsync("UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL");
        clock.Advance(TimeSpan.FromDays(31));
        await PatientAsync(api, "Recent");
        await db.Raw().WriteAsync("UPDATE webhook_deliveries SET next_attempt_at = @later WHERE status = 'pending'", new { later = clock.GetUtcNow().AddDays(1) });

        await app.Services.GetRequiredService<Housekeeping>().RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["patient.created"], await db.Raw().ListAsync<string>("SELECT type FROM webhook_events"));
        Assert.Equal(["pending"], await db.Raw().ListAsync<string>("SELECT status FROM webhook_deliveries"));
        var kept = await db.Raw().ScalarAsync<string>("SELECT payload FROM webhook_events");
        Assert.Contains("Recent", kept);
    }

    [Fact]
    public async Task Every_attempt_is_kept_with_its_time_status_duration_error_and_truncated_answer()
    {
        var app = await StartAsync(server.NewIsolatedDatabase(), new() { ["Webhooks:Timeout"] = "00:00:01" });
        var (api, orgId) = await TenantAsync(app);
        var receiver = await ReceiverAsync();
        receiver.FailureBody = "Maintenance. " + new string('x', 3000);
        receiver.AnswerNext(WebhookReceiver.Hang, 500, 200);
        var (webhook, _) = await SubscribeAsync(api, receiver, "patient.created");
        await PatientAsync(api, "Persistent");

        var id = (await DeliveryAsync(api, webhook, d => d.GetProperty("status").GetString() == "delivered")).GetProperty("id").GetString()!;
        var delivery = await AttemptLogAsync(api, webhook, id, 3);
        var log = delivery.GetProperty("attempt_log").EnumerateArray().ToList();
        Assert.Equal(3, log.Count);
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
        Assert.All(log, a => Assert.StartsWith("wha_", a.GetProperty("id").GetString()));
        Assert.All(log, a => Assert.True(a.GetProperty("duration_ms").GetInt32() >= 0));
        var times = log.Select(a => a.GetProperty("attempted_at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);

        // The receiver never answered: no status, no answer, the timeout as the error. The attempt lasted until
        // the timeout (1 s) cut it short, so at least half of it.
        var timedOut = log[0];
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (timedOut.GetProperty("status_code").ValueKind, timedOut.GetProperty("response").ValueKind));
        Assert.Equal("No response within 1 seconds.", timedOut.GetProperty("error").GetString());
        Assert.True(timedOut.GetProperty("duration_ms").GetInt32() >= 500, timedOut.ToString());

        var refused = log[1];
        Assert.Equal(500, refused.GetProperty("status_code").GetInt32());
        Assert.Equal(receiver.FailureBody[..1000], refused.GetProperty("response").GetString());
        Assert.Equal("The endpoint answered HTTP 500; only 2xx counts as delivered.", refused.GetProperty("error").GetString());

        var accepted = log[2];
        Assert.Equal((200, "ok", JsonValueKind.Null), (accepted.GetProperty("status_code").GetInt32(), accepted.GetProperty("response").GetString(), accepted.GetProperty("error").ValueKind));
        Assert.Equal(delivery.GetProperty("last_attempt_at").GetDateTimeOffset(), accepted.GetProperty("attempted_at").GetDateTimeOffset());

        var db = app.Services.GetRequiredService<Database>();
        Assert.Equal([(orgId, Modes.Test)], (await db.Raw().ListAsync<(string, string)>(
            "SELECT DISTINCT org_id, mode FROM webhook_delivery_attempts WHERE delivery_id = @id", new { id })).ToList());
    }

    [Fact]
    public async Task A_delivery_and_its_attempts_are_invisible_to_another_organisation_and_the_other_mode()
    {
        var app = await StartAsync(server.NewIsolatedDatabase());
        var (api, orgId) = await TenantAsync(app);
        var receiver = await ReceiverAsync();
        receiver.AnswerNext(503);
        var (webhook, _) = await SubscribeAsync(api, receiver, "patient.created");
        await PatientAsync(api, "Private");
        var id = (await DeliveryAsync(api, webhook, d => d.GetProperty("status").GetString() == "delivered")).GetProperty("id").GetString()!;
        Assert.Equal(2, (await AttemptLogAsync(api, webhook, id, 2)).GetProperty("attempt_log").GetArrayLength());

        var (other, _) = await TenantAsync(app);
        var live = await KeyAsync(app, orgId, Modes.Live);
        foreach (var stranger in new[] { other, live })
        {
            (await stranger.GetAsync($"webhooks/{webhook}/deliveries/{id}")).ExpectError(404, "NOT_FOUND");
            (await stranger.GetAsync($"webhooks/{webhook}/deliveries")).ExpectError(404, "NOT_FOUND");
            // Even through an endpoint of its own, another tenant's delivery id leads nowhere.
            var (own, _) = await SubscribeAsync(stranger, receiver, "patient.created");
            (await stranger.GetAsync($"webhooks/{own}/deliveries/{id}")).ExpectError(404, "NOT_FOUND");
            (await stranger.PostAsync($"webhooks/{own}/deliveries/{id}/redeliver")).ExpectError(404, "NOT_FOUND");
        }
        var db = app.Services.GetRequiredService<Database>();
        Assert.Equal(2, await db.Raw().ScalarAsync<int>("SELECT COUNT(*) FROM webhook_delivery_attempts WHERE org_id = @orgId AND mode = 'test'", new { orgId }));
    }

    [Fact]
    public async Task Housekeeping_purges_attempts_older_than_the_retention_and_finished_events_with_theirs()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var app = await StartAsync(server.NewIsolatedDatabase(), new() { ["Webhooks:RetryDelays"] = "01:00:00" },
            s => s.AddSingleton<TimeProvider>(clock));
        var (api, _) = await TenantAsync(app);
        var created = await ReceiverAsync();
        var updated = await ReceiverAsync();
        var (createdHook, _) = await SubscribeAsync(api, created, "patient.created");
        var (updatedHook, _) = await SubscribeAsync(api, updated, "patient.updated");
        var patient = await PatientAsync(api, "Retained");
        (await api.PatchAsync($"patients/{patient}", new { preferred_name = "Ret" })).Expect(200);
        var old = (await DeliveryAsync(api, createdHook, d => d.GetProperty("status").GetString() == "delivered")).GetProperty("id").GetString()!;
        var finished = (await DeliveryAsync(api, updatedHook, d => d.GetProperty("status").GetString() == "delivered")).GetProperty("id").GetString()!;

        // A month later the first event is sent again and fails: its delivery is pending (the retry is an hour
        // away on a clock that no longer moves), so the event stays, with one attempt from each month.
        clock.Advance(TimeSpan.FromDays(31));
        created.AnswerNext(500);
        (await api.PostAsync($"webhooks/{createdHook}/deliveries/{old}/redeliver")).Expect(200);
        await AttemptLogAsync(api, createdHook, old, 2);

        await app.Services.GetRequiredService<Housekeeping>().RunOnceAsync(TestContext.Current.CancellationToken);

        var kept = (await api.GetAsync($"webhooks/{createdHook}/deliveries/{old}")).Expect(200).Data;
        Assert.Equal("pending", kept.GetProperty("status").GetString());
        var attempt = Assert.Single(kept.GetProperty("attempt_log").EnumerateArray());
        Assert.Equal(500, attempt.GetProperty("status_code").GetInt32());
        Assert.Equal(clock.GetUtcNow().UtcDateTime, attempt.GetProperty("attempted_at").GetDateTimeOffset().UtcDateTime, TimeSpan.FromSeconds(1));
        (await api.GetAsync($"webhooks/{updatedHook}/deliveries/{finished}")).ExpectError(404, "NOT_FOUND");
        var db = app.Services.GetRequiredService<Database>();
        Assert.Equal(1, await db.Raw().ScalarAsync<int>("SELECT COUNT(*) FROM webhook_delivery_attempts"));
        Assert.Equal(0, await db.Raw().ScalarAsync<int>("SELECT COUNT(*) FROM webhook_delivery_attempts WHERE delivery_id = @finished", new { finished }));
    }

    [Fact]
    public async Task Two_server_processes_deliver_each_event_exactly_once()
    {
        Assert.SkipWhen(server.Engine != Engine.Postgres, "Several server processes share a database on PostgreSQL only (docs/deploy.md).");
        var database = server.NewIsolatedDatabase();
        var setup = await StartAsync(database, new() { ["Webhooks:DeliveryEnabled"] = "false" });
        var (api, _) = await TenantAsync(setup);
        var receiver = await ReceiverAsync();
        await SubscribeAsync(api, receiver, "patient.created");
        await ProcessAsync(new Dictionary<string, string?>(database.Concat(Fast)));
        await ProcessAsync(new Dictionary<string, string?>(database.Concat(Fast)));

        // One after another: the point is the two delivering processes, not concurrent writers (which would
        // also take connections from a PostgreSQL server other test runs share).
        for (var i = 0; i < 40; i++)
        {
            await PatientAsync(api, $"Many{i:00}");
        }
        await receiver.WaitForAsync(r => r.Count >= 40, seconds: 30);
        await Task.Delay(1000);
        Assert.Equal(40, receiver.Received.Count);
        Assert.Equal(40, receiver.Received.Select(d => d.EventId).Distinct().Count());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(cleanup))
        {
            await item.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class WebhookDeliveryTestsOnSqlite(SqliteServer server) : WebhookDeliveryTests(server);
public sealed class WebhookDeliveryTestsOnPostgres(PostgresServer server) : WebhookDeliveryTests(server);
