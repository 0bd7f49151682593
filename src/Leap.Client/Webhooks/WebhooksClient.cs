using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/webhooks</c>: the endpoints that receive signed events, a test event, and each endpoint's delivery log.
/// Scope: <c>manage_webhooks</c> for every call (the whole <c>/webhooks</c> group requires it, reads included).
/// Endpoints belong to the key's organisation and mode: test-mode changes go to test-mode endpoints only.
/// </summary>
public sealed class WebhooksClient
{
    private readonly RecordEndpoints<WebhookEndpoint> endpoints;

    internal WebhooksClient(LeapTransport transport) =>
        endpoints = new(transport, "webhooks", LeapJsonContext.Default.DataEnvelopeWebhookEndpoint, LeapJsonContext.Default.ListEnvelopeWebhookEndpoint);

    /// <summary>One page of endpoints, oldest first (<c>GET /webhooks</c>). Reads never carry the secret.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<WebhookEndpoint>> ListAsync(WebhookEndpointListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching endpoint, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<WebhookEndpoint> ListAllAsync(WebhookEndpointListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One endpoint (<c>GET /webhooks/{id}</c>), without its secret.</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such endpoint for this key.</exception>
    public Task<WebhookEndpoint> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>
    /// Registers an endpoint (<c>POST /webhooks</c>). The answer is the only one carrying the signing secret
    /// (<see cref="WebhookEndpoint.Secret"/>): store it. A repeat with the same Idempotency-Key within 24 hours
    /// returns the same secret.
    /// </summary>
    /// <param name="endpoint">The new endpoint.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">The URL is not an allowed https URL, or an event type is unknown.</exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body.</exception>
    public Task<WebhookEndpoint> CreateAsync(WebhookEndpointCreate endpoint, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(endpoint, LeapJsonContext.Default.WebhookEndpointCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /webhooks/{id}</c>).</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<WebhookEndpoint> UpdateAsync(string id, WebhookEndpointUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct);

    /// <summary>Deletes an endpoint with its pending deliveries and its delivery log (<c>DELETE /webhooks/{id}</c>).</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such endpoint for this key (or it was already deleted).</exception>
    public Task<LeapDeletion> DeleteAsync(string id, CancellationToken ct = default) => endpoints.DeleteWithReceiptAsync(id, ct);

    /// <summary>
    /// Queues a <c>webhook.test</c> event for this endpoint only (<c>POST /webhooks/{id}/test</c>), and answers
    /// with its delivery (pending): follow it with <see cref="GetDeliveryAsync"/>.
    /// </summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it, so one test is queued.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: the endpoint is disabled.</exception>
    public Task<WebhookDelivery> SendTestAsync(string id, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.ActionAsync(id, "test", LeapJsonContext.Default.DataEnvelopeWebhookDelivery, ct, idempotencyKey: idempotencyKey ?? Guid.NewGuid().ToString());

    /// <summary>One page of an endpoint's delivery log, newest first (<c>GET /webhooks/{id}/deliveries</c>).</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such endpoint for this key.</exception>
    public Task<LeapPage<WebhookDelivery>> ListDeliveriesAsync(string id, WebhookDeliveryListQuery? query = null, CancellationToken ct = default) =>
        Deliveries(id).ListAsync(query ?? new(), ct);

    /// <summary>An endpoint's whole delivery log, page after page, fetched as you enumerate.</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<WebhookDelivery> ListAllDeliveriesAsync(string id, WebhookDeliveryListQuery? query = null, CancellationToken ct = default) =>
        Deliveries(id).ListAllAsync(query ?? new(), ct);

    /// <summary>One delivery (<c>GET /webhooks/{id}/deliveries/{deliveryId}</c>).</summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="deliveryId">The delivery's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such delivery of this endpoint.</exception>
    public Task<WebhookDelivery> GetDeliveryAsync(string id, string deliveryId, CancellationToken ct = default) =>
        Deliveries(id).GetAsync(deliveryId, ct);

    /// <summary>
    /// Sends a failed (or delivered) event again with a fresh set of retries
    /// (<c>POST /webhooks/{id}/deliveries/{deliveryId}/redeliver</c>); the answer is the delivery, pending.
    /// </summary>
    /// <param name="id">The endpoint's id.</param>
    /// <param name="deliveryId">The delivery's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: the delivery is still pending (it will be attempted by itself).</exception>
    public Task<WebhookDelivery> RedeliverAsync(string id, string deliveryId, CancellationToken ct = default) =>
        Deliveries(id).StateActionAsync(deliveryId, "redeliver", d => d.Status == WebhookDeliveryStatus.Pending, ct);

    private RecordEndpoints<WebhookDelivery> Deliveries(string id) =>
        endpoints.Nested(id, "deliveries", LeapJsonContext.Default.DataEnvelopeWebhookDelivery, LeapJsonContext.Default.ListEnvelopeWebhookDelivery);
}
