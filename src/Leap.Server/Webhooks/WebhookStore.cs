using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Webhooks;

/// <summary>Endpoints, the outbox (events and their deliveries) and the delivery worker's queue.</summary>
public sealed class WebhookStore(Database db)
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
        public required string Url { get; init; }
        public required string Secret { get; init; }
        public required string Payload { get; init; }
    }

    private sealed record Subscriber
    {
        public required string Id { get; init; }
        public IReadOnlyList<string> Events { get; init; } = [];
    }

    public Task<WebhookEndpoint?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<WebhookEndpoint>(
            $"SELECT {Columns} FROM webhook_endpoints WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<WebhookEndpoint?> FindAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<WebhookEndpoint>(new CommandDefinition(
            $"SELECT {Columns} FROM webhook_endpoints WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    public async Task<Page<WebhookEndpoint>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<WebhookEndpoint>(
            $"SELECT {Columns} FROM webhook_endpoints WHERE org_id = @OrgId AND mode = @Mode{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, WebhookEndpoint endpoint, CancellationToken ct)
    {
        WriteScope.Forget(EndpointsTable);
        return connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_endpoints (id, org_id, mode, name, description, url, events, secret, is_active, created_at, updated_at)
            VALUES (@Id, @OrgId, @Mode, @Name, @Description, @Url, @Events, @Secret, @IsActive, @CreatedAt, @UpdatedAt)
            """,
            tenant.With(endpoint), tx, cancellationToken: ct));
    }

    public static Task UpdateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, WebhookEndpoint endpoint, CancellationToken ct)
    {
        WriteScope.Forget(EndpointsTable);
        return connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_endpoints SET name = @Name, description = @Description, url = @Url, events = @Events,
              is_active = @IsActive, updated_at = @UpdatedAt
            WHERE id = @Id AND org_id = @OrgId AND mode = @Mode
            """,
            tenant.With(endpoint), tx, cancellationToken: ct));
    }

    /// <summary>Deletes the endpoint and (by cascade) its delivery log; pending deliveries to it are dropped.</summary>
    public Task<int> DeleteAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM webhook_endpoints WHERE id = @id AND org_id = @OrgId AND mode = @Mode", new { id, tenant.OrgId, tenant.Mode }, ct);

    public async Task<Page<WebhookDelivery>> ListDeliveriesAsync(Tenant tenant, string endpointId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"endpoint_id = {query.Bind(endpointId)}");
        var rows = await db.QueryAsync<WebhookDelivery>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE org_id = @OrgId AND mode = @Mode{query.Where} ORDER BY id DESC LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    public Task<WebhookDelivery?> FindDeliveryAsync(Tenant tenant, string endpointId, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<WebhookDelivery>(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @id AND endpoint_id = @endpointId AND org_id = @OrgId AND mode = @Mode",
            new { id, endpointId, tenant.OrgId, tenant.Mode }, ct);

    public static Task<WebhookDelivery?> FindDeliveryAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<WebhookDelivery>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    /// <summary>Queues a finished (delivered or failed) delivery again, with a fresh set of retries.</summary>
    public static Task<int> RequeueAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, DateTimeOffset now, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = @now, updated_at = @now
            WHERE id = @id AND org_id = @OrgId AND mode = @Mode AND status <> 'pending'
            """,
            new { id, now, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    /// <summary>The active endpoints of the tenant that subscribe to <paramref name="type"/>.</summary>
    public static async Task<IReadOnlyList<string>> SubscribersAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string type, CancellationToken ct)
    {
        var endpoints = await WriteScope.RememberAsync(EndpointsTable, tenant, async () => (await connection.QueryAsync<Subscriber>(new CommandDefinition(
            "SELECT id, events FROM webhook_endpoints WHERE org_id = @OrgId AND mode = @Mode AND is_active = @active",
            new { tenant.OrgId, tenant.Mode, active = true }, tx, cancellationToken: ct))).AsList());
        return endpoints.Where(e => e.Events.Contains(type) || e.Events.Contains(WebhookEventTypes.All)).Select(e => e.Id).ToList();
    }

    /// <summary>Writes an event and one pending delivery per endpoint, due at once: the outbox half of a change.</summary>
    public static async Task<IReadOnlyList<string>> InsertEventAsync(DbConnection connection, DbTransaction tx, Tenant tenant,
        string eventId, string type, string payload, DateTimeOffset now, IReadOnlyList<string> endpointIds, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO webhook_events (id, org_id, mode, type, payload, created_at) VALUES (@eventId, @OrgId, @Mode, @type, @payload, @now)",
            new { eventId, tenant.OrgId, tenant.Mode, type, payload, now }, tx, cancellationToken: ct));
        var deliveryIds = new List<string>(endpointIds.Count);
        foreach (var endpointId in endpointIds)
        {
            var id = Ids.New(Ids.WebhookDelivery);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO webhook_deliveries (id, org_id, mode, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES (@id, @OrgId, @Mode, @eventId, @endpointId, @type, 'pending', 0, @now, @now, @now)
                """,
                new { id, tenant.OrgId, tenant.Mode, eventId, endpointId, type, now }, tx, cancellationToken: ct));
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
    public async Task<IReadOnlyList<Claim>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        var skipLocked = db.Engine == Engine.Postgres ? "FOR UPDATE OF d SKIP LOCKED" : "";
        return await db.WriteAsync(async (connection, tx) => (await connection.QueryAsync<Claim>(new CommandDefinition(
            $"""
            UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = @now, next_attempt_at = @leaseUntil, updated_at = @now
            WHERE id IN (
              SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
              WHERE d.status = 'pending' AND d.next_attempt_at <= @now AND e.is_active = @active
              ORDER BY d.next_attempt_at LIMIT @limit {skipLocked})
            RETURNING id, attempts, event_id,
              (SELECT url FROM webhook_endpoints e WHERE e.id = endpoint_id) AS url,
              (SELECT secret FROM webhook_endpoints e WHERE e.id = endpoint_id) AS secret,
              (SELECT payload FROM webhook_events ev WHERE ev.id = event_id) AS payload
            """,
            new { now, leaseUntil, limit, active = true }, tx, cancellationToken: ct))).AsList(), ct);
    }

    /// <summary>Records an attempt's outcome, unless the delivery was re-queued while the attempt ran.</summary>
    public Task RecordOutcomeAsync(string id, int attempts, string status, DateTimeOffset? nextAttemptAt, int? statusCode,
        string? response, string? error, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            UPDATE webhook_deliveries SET status = @status, next_attempt_at = @nextAttemptAt, last_status_code = @statusCode,
              last_response = @response, last_error = @error, updated_at = @now,
              delivered_at = CASE WHEN @status = 'delivered' THEN @now ELSE delivered_at END
            WHERE id = @id AND attempts = @attempts AND status = 'pending'
            """,
            new { id, attempts, status, nextAttemptAt, statusCode, response, error, now }, ct);

    /// <summary>Events older than the retention whose deliveries are all finished go, with their delivery log.</summary>
    public Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            DELETE FROM webhook_events WHERE created_at < @cutoff
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id AND d.status = 'pending')
            """,
            new { cutoff }, ct);
}
