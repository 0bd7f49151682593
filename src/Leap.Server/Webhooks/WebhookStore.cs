using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Webhooks;

/// <summary>Endpoints, the outbox (events and their deliveries) and the delivery worker's queue.</summary>
public static class WebhookStore
{
    private const string EndpointsTable = "webhook_endpoints";
    private const string Columns = "id, name, description, url, events, is_active, created_at, updated_at";

    private const string DeliveryColumns =
        """
        id, endpoint_id AS webhook_id, event_id, event_type, status, attempts, next_attempt_at, last_attempt_at,
        last_status_code, last_response, last_error, delivered_at, created_at, updated_at
        """;

    public static readonly ListSpec ListSpec = new ListSpec()
        .Bool("is_active", "is_active")
        .TimeRange("created_at", "created_at");

    public static readonly ListSpec DeliveryListSpec = new ListSpec()
        .ExactOrIn("status", "status", DeliveryStatuses.All)
        .Exact("event_type", "event_type")
        .Exact("event_id", "event_id")
        .TimeRange("created_at", "created_at");

    /// <summary>A delivery the worker has claimed, with what it needs to send it.</summary>
    public sealed record Claim
    {
        public required string Id { get; init; }
        public int Attempts { get; init; }
        public required string EventId { get; init; }
        public required string EventType { get; init; }
        public DateTimeOffset EventCreatedAt { get; init; }
        public required string Url { get; init; }
        public required string Secret { get; init; }
        public required string Payload { get; init; }
    }

    private sealed record Subscriber
    {
        public required string Id { get; init; }
        public IReadOnlyList<string> Events { get; init; } = [];
    }

    public static Task<WebhookEndpoint?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<WebhookEndpoint>($"SELECT {Columns} FROM webhook_endpoints WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    public static Task<Page<WebhookEndpoint>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<WebhookEndpoint>(
            $"SELECT {Columns} FROM webhook_endpoints WHERE {TenantSql.Filter}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);

    public static Task InsertAsync(TenantDb db, WebhookEndpoint endpoint, CancellationToken ct)
    {
        WriteScope.Forget(EndpointsTable);
        return db.ExecuteAsync(
            $"""
            INSERT INTO webhook_endpoints (id, {TenantSql.Columns}, name, description, url, events, secret, is_active, created_at, updated_at)
            VALUES (@Id, {TenantSql.Values}, @Name, @Description, @Url, @Events, @Secret, @IsActive, @CreatedAt, @UpdatedAt)
            """,
            endpoint, ct);
    }

    public static Task UpdateAsync(TenantDb db, WebhookEndpoint endpoint, CancellationToken ct)
    {
        WriteScope.Forget(EndpointsTable);
        return db.ExecuteAsync(
            $"""
            UPDATE webhook_endpoints SET name = @Name, description = @Description, url = @Url, events = @Events,
              is_active = @IsActive, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            endpoint, ct);
    }

    /// <summary>Deletes the endpoint and (by cascade) its delivery log; pending deliveries to it are dropped.</summary>
    public static Task<int> DeleteAsync(TenantDb db, string id, CancellationToken ct) =>
        db.WriteAsync($"DELETE FROM webhook_endpoints WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    public static Task<Page<WebhookDelivery>> ListDeliveriesAsync(TenantDb db, string endpointId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"endpoint_id = {query.Bind(endpointId)}");
        return db.PageAsync<WebhookDelivery>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE {TenantSql.Filter}{query.Where} ORDER BY id DESC LIMIT @Limit OFFSET @Offset", query, ct);
    }

    /// <summary>One delivery of the endpoint, with its attempt log (oldest first).</summary>
    public static async Task<WebhookDelivery?> FindDeliveryAsync(TenantDb db, string endpointId, string id, CancellationToken ct)
    {
        var delivery = await db.SingleAsync<WebhookDelivery>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @id AND endpoint_id = @endpointId AND {TenantSql.Filter}",
            new { id, endpointId }, ct);
        if (delivery is null)
        {
            return null;
        }
        var attempts = await db.ListAsync<WebhookDeliveryAttempt>(
            $"""
            SELECT id, attempted_at, duration_ms, status_code, response, error FROM webhook_delivery_attempts
            WHERE delivery_id = @id AND {TenantSql.Filter} ORDER BY attempted_at, id
            """,
            new { id }, ct);
        return delivery with { AttemptLog = attempts };
    }

    /// <summary>Queues a finished (delivered or failed) delivery again, with a fresh set of retries.</summary>
    public static Task<int> RequeueAsync(TenantDb db, string id, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, updated_at = @now
            WHERE id = @id AND {TenantSql.Filter} AND status <> 'pending'
            """,
            new { id, now }, ct);

    /// <summary>The active endpoints of the tenant that subscribe to <paramref name="type"/>.</summary>
    public static async Task<IReadOnlyList<string>> SubscribersAsync(TenantDb db, string type, CancellationToken ct)
    {
        var endpoints = await WriteScope.RememberAsync(EndpointsTable, db.Tenant, () => db.ListAsync<Subscriber>(
            $"SELECT id, events FROM webhook_endpoints WHERE {TenantSql.Filter} AND is_active = @active", new { active = true }, ct));
        return endpoints.Where(e => e.Events.Contains(type) || e.Events.Contains(WebhookEventTypes.All)).Select(e => e.Id).ToList();
    }

    /// <summary>Writes an event and one pending delivery per endpoint, due at once: the outbox half of a change.</summary>
    public static async Task<IReadOnlyList<string>> InsertEventAsync(TenantDb db, string eventId, string type, string payload, DateTimeOffset now,
        IReadOnlyList<string> endpointIds, CancellationToken ct)
    {
        await db.ExecuteBatchedAsync(
            $"INSERT INTO webhook_events (id, {TenantSql.Columns}, type, payload, created_at) VALUES (@eventId, {TenantSql.Values}, @type, @payload, @now)",
            new { eventId, type, payload, now }, ct);
        var deliveryIds = new List<string>(endpointIds.Count);
        foreach (var endpointId in endpointIds)
        {
            var id = Ids.New(Ids.WebhookDelivery);
            await db.ExecuteBatchedAsync(
                $"""
                INSERT INTO webhook_deliveries (id, {TenantSql.Columns}, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (@id, {TenantSql.Values}, @eventId, @endpointId, @type, 'pending', 0, @now, @now, @now)
                """,
                new { id, eventId, endpointId, type, now }, ct);
            deliveryIds.Add(id);
        }
        return deliveryIds;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due deliveries of active endpoints (across every tenant: the worker
    /// serves them all) by counting the attempt and pushing the due time to the end of the lease. On PostgreSQL
    /// <c>FOR UPDATE SKIP LOCKED</c> lets several processes claim side by side without ever taking the same row;
    /// SQLite's single writer serializes claims anyway.
    /// </summary>
    public static Task<IReadOnlyList<Claim>> ClaimDueAsync(CrossTenantDb db, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        var skipLocked = db.Engine == Engine.Postgres ? "FOR UPDATE OF d SKIP LOCKED" : "";
        return db.WriteAsync(write => write.ListAsync<Claim>(
            $"""
            UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = @now, next_attempt_at = @leaseUntil, updated_at = @now
            WHERE id IN (
              SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
              WHERE d.status = 'pending' AND d.next_attempt_at <= @now AND e.is_active = @active
              ORDER BY d.next_attempt_at LIMIT @limit {skipLocked})
            RETURNING id, attempts, event_id, event_type,
              (SELECT created_at FROM webhook_events ev WHERE ev.id = event_id) AS event_created_at,
              (SELECT url FROM webhook_endpoints e WHERE e.id = endpoint_id) AS url,
              (SELECT secret FROM webhook_endpoints e WHERE e.id = endpoint_id) AS secret,
              (SELECT payload FROM webhook_events ev WHERE ev.id = event_id) AS payload
            """,
            new { now, leaseUntil, limit, active = true }, ct), ct);
    }

    /// <summary>
    /// Adds the attempt to the delivery's log and records its outcome on the delivery, unless the delivery was
    /// re-queued while the attempt ran (the attempt is logged all the same: it was made).
    /// </summary>
    public static Task<int> RecordAttemptAsync(CrossTenantDb db, string deliveryId, int attempts, string status, DateTimeOffset? nextAttemptAt,
        WebhookDeliveryAttempt attempt, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync(async write =>
        {
            // The tenant comes from the delivery row; a delivery deleted meanwhile (with its endpoint) logs nothing.
            await write.ExecuteAsync(
                """
                INSERT INTO webhook_delivery_attempts (id, org_id, mode, delivery_id, attempted_at, duration_ms, status_code, response, error)
                SELECT @Id, org_id, mode, id, @AttemptedAt, @DurationMs, @StatusCode, @Response, @Error FROM webhook_deliveries WHERE id = @deliveryId
                """,
                new { deliveryId, attempt.Id, attempt.AttemptedAt, attempt.DurationMs, attempt.StatusCode, attempt.Response, attempt.Error }, ct);
            return await write.ExecuteAsync(
                """
                UPDATE webhook_deliveries SET status = @status, next_attempt_at = @nextAttemptAt, last_attempt_at = @AttemptedAt,
                  last_status_code = @StatusCode, last_response = @Response, last_error = @Error, updated_at = @now,
                  delivered_at = CASE WHEN @status = 'delivered' THEN @now ELSE delivered_at END
                WHERE id = @deliveryId AND attempts = @attempts AND status = 'pending'
                """,
                new { deliveryId, attempts, status, nextAttemptAt, attempt.AttemptedAt, attempt.StatusCode, attempt.Response, attempt.Error, now }, ct);
        }, ct);

    /// <summary>
    /// Events older than the retention whose deliveries are all finished go, with their deliveries and attempt
    /// logs; then attempts older than the retention go from the deliveries that stay (still pending, or
    /// redelivered long after their event). Returns the events and attempts deleted.
    /// </summary>
    public static Task<int> PurgeAsync(CrossTenantDb db, DateTimeOffset cutoff, CancellationToken ct) =>
        db.WriteAsync(async write =>
            await write.ExecuteAsync(
                """
                DELETE FROM webhook_events WHERE created_at < @cutoff
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id AND d.status = 'pending')
                """,
                new { cutoff }, ct)
            + await write.ExecuteAsync("DELETE FROM webhook_delivery_attempts WHERE attempted_at < @cutoff", new { cutoff }, ct), ct);
}
