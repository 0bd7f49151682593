using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class WebhooksClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_shows_the_secret_once_reads_never_and_list_update_delete_work()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var webhooks = sdk.Client.Webhooks;

        var created = await webhooks.CreateAsync(new WebhookEndpointCreate
        {
            Url = "https://hooks.example.org/leap", Events = [WebhookEventType.AppointmentCreated, WebhookEventType.EpisodeClosed],
            Name = "Scheduler", Description = "Books into the rota",
        }, ct: Ct);
        Assert.StartsWith("wh_", created.Id);
        Assert.Matches("^whsec_[0-9A-Za-z]{32}$", created.Secret);
        Assert.Equal(("https://hooks.example.org/leap", "Scheduler", "Books into the rota", true),
            (created.Url, created.Name, created.Description, created.IsActive));
        Assert.Equal([WebhookEventType.AppointmentCreated, WebhookEventType.EpisodeClosed], created.Events);

        var fetched = await webhooks.GetAsync(created.Id, Ct);
        Assert.Null(fetched.Secret);
        Assert.Equal((created.Id, created.Url, created.CreatedAt), (fetched.Id, fetched.Url, fetched.CreatedAt));
        Assert.False((await t.Api.GetAsync($"webhooks/{created.Id}")).Expect(200).Data.TryGetProperty("secret", out _));

        var all = await webhooks.CreateAsync(new WebhookEndpointCreate { Url = "https://hooks.example.org/all", Events = [WebhookEventType.All], IsActive = false }, ct: Ct);
        Assert.All((await webhooks.ListAsync(ct: Ct)).Data, w => Assert.Null(w.Secret));
        Assert.Equal([all.Id], (await webhooks.ListAsync(new() { IsActive = false }, Ct)).Data.Select(w => w.Id));
        var listed = new List<string>();
        await foreach (var w in webhooks.ListAllAsync(new() { Limit = 1 }, Ct))
        {
            listed.Add(w.Id);
        }
        Assert.Equal([created.Id, all.Id], listed);

        var changes = new WebhookEndpointUpdate { Events = [WebhookEventType.PatientCreated], Description = null, IsActive = false };
        Assert.Equal(["events", "description", "is_active"], changes.FieldNames);
        var updated = await webhooks.UpdateAsync(created.Id, changes, Ct);
        Assert.Equal([WebhookEventType.PatientCreated], updated.Events);
        Assert.Equal(((string?)null, false, "Scheduler"), (updated.Description, updated.IsActive, updated.Name));
        Assert.Null(updated.Secret);
        var raw = (await t.Api.GetAsync($"webhooks/{created.Id}")).Expect(200).Data;
        Assert.Equal(["patient.created"], raw.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(raw.GetProperty("is_active").GetBoolean());

        var deleted = await webhooks.DeleteAsync(created.Id, Ct);
        Assert.Equal((created.Id, true), (deleted.Id, deleted.Deleted));
        (await t.Api.GetAsync($"webhooks/{created.Id}")).ExpectError(404, "NOT_FOUND");
        await Assert.ThrowsAsync<LeapNotFoundException>(() => webhooks.GetAsync(created.Id, Ct));
    }

    [Fact]
    public async Task A_test_event_is_delivered_signed_with_the_secret_logged_and_redelivered()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var webhooks = sdk.Client.Webhooks;
        await using var receiver = await WebhookReceiver.StartAsync();
        var endpoint = await webhooks.CreateAsync(new WebhookEndpointCreate { Url = receiver.Url, Events = [WebhookEventType.EpisodeCreated] }, ct: Ct);

        var test = await webhooks.SendTestAsync(endpoint.Id, ct: Ct);
        Assert.Equal((endpoint.Id, WebhookEventType.Test, WebhookDeliveryStatus.Pending), (test.WebhookId, test.EventType, test.Status));
        Assert.StartsWith("evt_", test.EventId);

        var first = (await receiver.WaitForAsync(r => r.Count >= 1))[0];
        Assert.Equal(test.EventId, first.EventId);
        WebhookSignature.Verify(endpoint.Secret!, first.Body, first.Signature, DateTimeOffset.UtcNow);
        Assert.False(WebhookSignature.IsValid("whsec_" + new string('x', 32), first.Body, first.Signature, DateTimeOffset.UtcNow));

        var delivered = await WaitForStatusAsync(webhooks, endpoint.Id, test.Id, WebhookDeliveryStatus.Delivered);
        Assert.Equal((1, (int?)200), (delivered.Attempts, delivered.LastStatusCode));
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Empty(test.AttemptLog!);
        var attempt = Assert.Single(delivered.AttemptLog!);
        Assert.StartsWith("wha_", attempt.Id);
        Assert.Equal(((int?)200, "ok", (string?)null, delivered.LastAttemptAt), (attempt.StatusCode, attempt.Response, attempt.Error, (DateTimeOffset?)attempt.AttemptedAt));
        Assert.True(attempt.DurationMs >= 0);
        var listed = Assert.Single((await webhooks.ListDeliveriesAsync(endpoint.Id, new() { EventType = WebhookEventType.Test }, Ct)).Data);
        Assert.Equal((test.Id, (IReadOnlyList<WebhookDeliveryAttempt>?)null), (listed.Id, listed.AttemptLog));
        Assert.Empty((await webhooks.ListDeliveriesAsync(endpoint.Id, new() { StatusIn = [WebhookDeliveryStatus.Pending, WebhookDeliveryStatus.Failed] }, Ct)).Data);

        var again = await webhooks.RedeliverAsync(endpoint.Id, test.Id, Ct);
        Assert.Equal((test.Id, WebhookDeliveryStatus.Pending), (again.Id, again.Status));
        Assert.Equal([attempt], again.AttemptLog!);
        var both = await receiver.WaitForAsync(r => r.Count >= 2);
        Assert.Equal(test.EventId, both[1].EventId);
        var redelivered = await WaitForStatusAsync(webhooks, endpoint.Id, test.Id, WebhookDeliveryStatus.Delivered);
        Assert.Equal(2, redelivered.AttemptLog!.Count);
        Assert.Equal(attempt, redelivered.AttemptLog[0]);

        var second = await webhooks.SendTestAsync(endpoint.Id, ct: Ct);
        var log = new List<string>();
        await foreach (var d in webhooks.ListAllDeliveriesAsync(endpoint.Id, new() { Limit = 1 }, Ct))
        {
            log.Add(d.Id);
        }
        Assert.Equal([second.Id, test.Id], log);
        Assert.Equal(log, (await t.Api.GetAsync($"webhooks/{endpoint.Id}/deliveries")).Expect(200).Ids());
        await Assert.ThrowsAsync<LeapNotFoundException>(() => webhooks.GetDeliveryAsync(endpoint.Id, "whd_0190b2a0-0000-7000-8000-00000000dead", Ct));
    }

    [Fact]
    public async Task Errors_map_to_exceptions_a_disabled_endpoint_a_bad_url_and_a_key_without_manage_webhooks()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var webhooks = sdk.Client.Webhooks;
        var disabled = await webhooks.CreateAsync(new WebhookEndpointCreate { Url = "https://hooks.example.org/off", Events = [WebhookEventType.All], IsActive = false }, ct: Ct);

        var off = await Assert.ThrowsAsync<LeapConflictException>(() => webhooks.SendTestAsync(disabled.Id, ct: Ct));
        Assert.Equal((409, LeapErrorCodes.InvalidState), (off.Status, off.Code));
        Assert.Empty((await t.Api.GetAsync($"webhooks/{disabled.Id}/deliveries")).Expect(200).Ids());

        var insecure = await Assert.ThrowsAsync<LeapValidationException>(() => webhooks.CreateAsync(
            new WebhookEndpointCreate { Url = "http://hooks.example.org/plain", Events = ["no.such_event"] }, ct: Ct));
        Assert.Equal(["events", "url"], insecure.Details.Select(d => d.Field).Order());

        var everythingElse = await t.KeyAsync(Leap.Server.Accounts.Scopes.All.Where(s => s != "manage_webhooks"));
        using var other = new Sdk(t.Fixture.BaseUrl + "/api/v1", everythingElse.Key!);
        var forbidden = await Assert.ThrowsAsync<LeapPermissionException>(() => other.Client.Webhooks.ListAsync(ct: Ct));
        Assert.Equal((403, LeapErrorCodes.Forbidden), (forbidden.Status, forbidden.Code));
        Assert.Contains("manage_webhooks", forbidden.Message);
    }

    private static async Task<WebhookDelivery> WaitForStatusAsync(WebhooksClient webhooks, string id, string deliveryId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var delivery = await webhooks.GetDeliveryAsync(id, deliveryId, Ct);
            if (delivery.Status == status)
            {
                return delivery;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Delivery {deliveryId} is still {delivery.Status}.");
            await Task.Delay(50, Ct);
        }
    }
}

public sealed class WebhooksClientTestsOnSqlite(SqliteServer server) : WebhooksClientTests(server);
public sealed class WebhooksClientTestsOnPostgres(PostgresServer server) : WebhooksClientTests(server);
