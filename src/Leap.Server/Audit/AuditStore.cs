using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Audit;

public static class AuditStore
{
    private const string Columns = "id, occurred_at, actor_type, actor_id, action, resource_type, resource_id, patient_id, request_id";

    public static readonly ListSpec ListSpec = new ListSpec()
        .Exact("patient_id", "patient_id")
        .Exact("actor_id", "actor_id")
        .Exact("actor_type", "actor_type", [Accounts.Actor.ApiKeyType, Accounts.Actor.UserType, Accounts.Actor.SystemType])
        .ExactOrIn("action", "action", AuditActions.All)
        .Exact("resource_type", "resource_type")
        .Exact("resource_id", "resource_id")
        .TimeRange("occurred_at", "occurred_at");

    /// <summary>Several entries in one statement (their own parameters, numbered).</summary>
    public static Task InsertAsync(TenantDb db, IReadOnlyList<AuditEvent> entries, CancellationToken ct)
    {
        var args = new SqlArgs();
        var rows = new List<string>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var n = AccessLog.Index(i);
            args.Add("i" + n, e.Id);
            args.Add("o" + n, e.OccurredAt);
            args.Add("t" + n, e.ActorType);
            args.Add("a" + n, e.ActorId);
            args.Add("c" + n, e.Action);
            args.Add("r" + n, e.ResourceType);
            args.Add("d" + n, e.ResourceId);
            args.Add("p" + n, e.PatientId);
            args.Add("q" + n, e.RequestId);
            rows.Add($"({TenantSql.Values}, @i{n}, @o{n}, @t{n}, @a{n}, @c{n}, @r{n}, @d{n}, @p{n}, @q{n})");
        }
        return db.ExecuteBatchedAsync($"INSERT INTO audit_events ({TenantSql.Columns}, {Columns}) VALUES {string.Join(", ", rows)}", args, ct);
    }

    public static Task<AuditEvent?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<AuditEvent>($"SELECT {Columns} FROM audit_events WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    /// <summary>Newest first: an investigation starts from the latest accesses.</summary>
    public static Task<Page<AuditEvent>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<AuditEvent>(
            $"SELECT {Columns} FROM audit_events WHERE {TenantSql.Filter}{query.Where} ORDER BY occurred_at DESC, id DESC LIMIT @Limit OFFSET @Offset",
            query, ct);

    /// <summary>Deletes entries older than the retention period; run by <see cref="Housekeeping"/>.</summary>
    public static Task<int> PurgeAsync(CrossTenantDb db, DateTimeOffset before, CancellationToken ct) =>
        db.WriteAsync("DELETE FROM audit_events WHERE occurred_at < @before", new { before }, ct);
}
