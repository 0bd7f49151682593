using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Webhooks;

public static class WebhooksApi
{
    public static void MapWebhooks(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks").RequireScope(Scopes.ManageWebhooks);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPost("/", Create).Accepts<WebhookRequestExample>("application/json");
        group.MapPatch("/{id}", Update).Accepts<WebhookRequestExample>("application/json");
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/test", SendTest);
        group.MapGet("/{id}/deliveries", ListDeliveries);
        group.MapGet("/{id}/deliveries/{deliveryId}", GetDelivery);
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", Redeliver);
    }

    private static async Task<ApiList<WebhookEndpoint>> List(HttpRequest request, Caller caller, WebhookStore store, CancellationToken ct) =>
        Api.List(await store.ListAsync(caller.Tenant, WebhookStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<WebhookEndpoint>> Get(string id, Caller caller, WebhookStore store, CancellationToken ct) =>
        Api.Ok(await FindAsync(store, caller, id, ct));

    /// <summary>The only response that carries the signing secret.</summary>
    private static async Task<ApiCreated<WebhookEndpoint>> Create(
        HttpContext http, Caller caller, Idempotency idempotency, WebhookOptions options, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var request = Idempotency.Describe(http, caller, body);
        if (await idempotency.FindReplayAsync<WebhookEndpoint>(request, ct) is { } replay)
        {
            return replay;
        }
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = new BodyReader(body.Root);
        var endpoint = WebhookValidation.Apply(reader, WebhookValidation.Blank(Ids.New(Ids.WebhookEndpoint), now), creating: true, options, now)
            with { Secret = WebhookSignature.NewSecret() };
        reader.ThrowIfInvalid();
        return await idempotency.ExecuteAsync(http, request, endpoint,
            (connection, tx) => WebhookStore.InsertAsync(connection, tx, caller.Tenant, endpoint, ct), ct);
    }

    private static async Task<ApiData<WebhookEndpoint>> Update(
        string id, HttpContext http, Caller caller, Database db, WebhookOptions options, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        return Api.Ok(await db.WriteAsync(async (connection, tx) =>
        {
            var current = await WebhookStore.FindAsync(connection, tx, caller.Tenant, id, ct) ?? throw ApiException.NotFound("webhook", id);
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var reader = new BodyReader(body.Root);
            var endpoint = WebhookValidation.Apply(reader, current, creating: false, options, now);
            reader.ThrowIfInvalid();
            if (endpoint with { UpdatedAt = current.UpdatedAt } == current)
            {
                return current;
            }
            await WebhookStore.UpdateAsync(connection, tx, caller.Tenant, endpoint, ct);
            return endpoint;
        }, ct));
    }

    /// <summary>Deleting drops the endpoint's pending deliveries and its delivery log.</summary>
    private static async Task<ApiData<Deletion>> Delete(string id, Caller caller, WebhookStore store, CancellationToken ct) =>
        await store.DeleteAsync(caller.Tenant, id, ct) == 1 ? Api.Ok(new Deletion(id)) : throw ApiException.NotFound("webhook", id);

    /// <summary>
    /// Queues a <c>webhook.test</c> event for this endpoint through the normal outbox and worker, and answers with
    /// its delivery (pending): follow it at <c>GET /webhooks/{id}/deliveries/{delivery_id}</c>.
    /// </summary>
    private static async Task<ApiCreated<WebhookDelivery>> SendTest(
        string id, HttpContext http, Caller caller, Idempotency idempotency, WebhookOutbox outbox, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var request = Idempotency.Describe(http, caller, body);
        if (await idempotency.FindReplayAsync<WebhookDelivery>(request, ct) is { } replay)
        {
            return replay;
        }
        return await idempotency.ExecuteAsync(http, request, async (connection, tx) =>
        {
            var endpoint = await WebhookStore.FindAsync(connection, tx, caller.Tenant, id, ct) ?? throw ApiException.NotFound("webhook", id);
            if (!endpoint.IsActive)
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Webhook {id} is disabled: enable it (PATCH {{\"is_active\": true}}) to send a test.");
            }
            var deliveryId = await outbox.RecordTestAsync(connection, tx, caller.Tenant, endpoint, ct);
            return (await WebhookStore.FindDeliveryAsync(connection, tx, caller.Tenant, endpoint.Id, deliveryId, ct))!;
        }, ct);
    }

    private static async Task<ApiList<WebhookDelivery>> ListDeliveries(string id, HttpRequest request, Caller caller, WebhookStore store, CancellationToken ct)
    {
        var query = WebhookStore.DeliveryListSpec.Parse(request);
        await FindAsync(store, caller, id, ct);
        return Api.List(await store.ListDeliveriesAsync(caller.Tenant, id, query, ct));
    }

    /// <summary>One delivery with its attempt log (the list leaves the logs out).</summary>
    private static async Task<ApiData<WebhookDelivery>> GetDelivery(string id, string deliveryId, Caller caller, WebhookStore store, CancellationToken ct) =>
        Api.Ok(await store.FindDeliveryAsync(caller.Tenant, id, deliveryId, ct) ?? throw ApiException.NotFound("webhook delivery", deliveryId));

    /// <summary>Sends a delivered or failed event again, with a fresh set of retries (a pending one is already queued).</summary>
    private static async Task<ApiData<WebhookDelivery>> Redeliver(
        string id, string deliveryId, Caller caller, WebhookStore store, Database db, TimeProvider clock, CancellationToken ct)
    {
        var delivery = await store.FindDeliveryAsync(caller.Tenant, id, deliveryId, ct) ?? throw ApiException.NotFound("webhook delivery", deliveryId);
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return Api.Ok(await db.WriteAsync(async (connection, tx) =>
        {
            if (await WebhookStore.RequeueAsync(connection, tx, caller.Tenant, delivery.Id, now, ct) == 0)
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Webhook delivery {deliveryId} is already queued (pending); it will be attempted again by itself.");
            }
            return (await WebhookStore.FindDeliveryAsync(connection, tx, caller.Tenant, id, delivery.Id, ct))!;
        }, ct));
    }

    private static async Task<WebhookEndpoint> FindAsync(WebhookStore store, Caller caller, string id, CancellationToken ct) =>
        await store.FindAsync(caller.Tenant, id, ct) ?? throw ApiException.NotFound("webhook", id);
}
