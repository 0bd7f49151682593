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
        group.MapPost("/", Create).Idempotent()
            .Reads("WebhookCreate", r => WebhookValidation.Apply(r, Blank, creating: true, new WebhookOptions(), Sample.Now),
                """{"url": "https://crm.example.com/hooks/leap", "events": ["appointment.created", "appointment.cancelled"], "name": "Clinic CRM"}""");
        group.MapPatch("/{id}", Update)
            .Reads("WebhookUpdate", r => WebhookValidation.Apply(r, Blank, creating: false, new WebhookOptions(), Sample.Now),
                """{"is_active": false, "description": "Paused while the CRM is migrated"}""", partial: true);
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/test", SendTest).Idempotent();
        group.MapGet("/{id}/deliveries", ListDeliveries);
        group.MapGet("/{id}/deliveries/{deliveryId}", GetDelivery);
        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", Redeliver).Idempotent();
    }

    private static async Task<ApiList<WebhookEndpoint>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await WebhookStore.ListAsync(db, WebhookStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<WebhookEndpoint>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await FindAsync(db, id, ct));

    /// <summary>The only response that carries the signing secret.</summary>
    private static readonly WebhookEndpoint Blank = WebhookValidation.Blank(Sample.Id(Ids.WebhookEndpoint), Sample.Now);

    private static async Task<ApiCreated<WebhookEndpoint>> Create(
        WriteRequest request, WebhookOptions options, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var endpoint = WebhookValidation.Apply(reader, WebhookValidation.Blank(Ids.New(Ids.WebhookEndpoint), now), creating: true, options, now)
            with { Secret = WebhookSignature.NewSecret() };
        reader.ThrowIfInvalid();
        return await request.CreateAsync(endpoint, write => WebhookStore.InsertAsync(write, endpoint, ct), ct);
    }

    private static async Task<ApiData<WebhookEndpoint>> Update(
        string id, HttpContext http, TenantDb db, WebhookOptions options, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        return Api.Ok(await db.WriteAsync(async write =>
        {
            var current = await WebhookStore.FindAsync(write, id, ct) ?? throw ApiException.NotFound("webhook", id);
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var reader = new BodyReader(body.Root);
            var endpoint = WebhookValidation.Apply(reader, current, creating: false, options, now);
            reader.ThrowIfInvalid();
            if (endpoint with { UpdatedAt = current.UpdatedAt } == current)
            {
                return current;
            }
            await WebhookStore.UpdateAsync(write, endpoint, ct);
            return endpoint;
        }, ct));
    }

    /// <summary>Deleting drops the endpoint's pending deliveries and its delivery log.</summary>
    private static async Task<ApiData<Deletion>> Delete(string id, TenantDb db, CancellationToken ct) =>
        await WebhookStore.DeleteAsync(db, id, ct) == 1 ? Api.Ok(new Deletion(id)) : throw ApiException.NotFound("webhook", id);

    /// <summary>
    /// Queues a <c>webhook.test</c> event for this endpoint through the normal outbox and worker, and answers with
    /// its delivery (pending): follow it at <c>GET /webhooks/{id}/deliveries/{delivery_id}</c>.
    /// </summary>
    private static async Task<ApiCreated<WebhookDelivery>> SendTest(
        string id, WriteRequest request, WebhookOutbox outbox, CancellationToken ct)
    {
        return await request.CreateAsync(async write =>
        {
            var endpoint = await WebhookStore.FindAsync(write, id, ct) ?? throw ApiException.NotFound("webhook", id);
            if (!endpoint.IsActive)
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Webhook {id} is disabled: enable it (PATCH {{\"is_active\": true}}) to send a test.");
            }
            var deliveryId = await outbox.RecordTestAsync(write, endpoint, ct);
            return (await WebhookStore.FindDeliveryAsync(write, endpoint.Id, deliveryId, ct))!;
        }, ct);
    }

    private static async Task<ApiList<WebhookDelivery>> ListDeliveries(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var query = WebhookStore.DeliveryListSpec.Parse(request);
        await FindAsync(db, id, ct);
        return Api.List(await WebhookStore.ListDeliveriesAsync(db, id, query, ct));
    }

    /// <summary>One delivery with its attempt log (the list leaves the logs out).</summary>
    private static async Task<ApiData<WebhookDelivery>> GetDelivery(string id, string deliveryId, TenantDb db, CancellationToken ct) =>
        Api.Ok(await WebhookStore.FindDeliveryAsync(db, id, deliveryId, ct) ?? throw ApiException.NotFound("webhook delivery", deliveryId));

    /// <summary>Sends a delivered or failed event again, with a fresh set of retries (a pending one is already queued).</summary>
    private static async Task<ApiActed<WebhookDelivery>> Redeliver(
        string id, string deliveryId, WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var delivery = await WebhookStore.FindDeliveryAsync(request.Db, id, deliveryId, ct) ?? throw ApiException.NotFound("webhook delivery", deliveryId);
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            if (await WebhookStore.RequeueAsync(write, delivery.Id, now, ct) == 0)
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Webhook delivery {deliveryId} is already queued (pending); it will be attempted again by itself.");
            }
            return (await WebhookStore.FindDeliveryAsync(write, id, delivery.Id, ct))!;
        }, ct);
    }

    private static async Task<WebhookEndpoint> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await WebhookStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("webhook", id);
}
