using Leap.Server.Http;
using Leap.Server.Pathways;
using Leap.Server.Storage;

namespace Leap.Server.Clinicians;

/// <summary>Clinicians' sessions and blocks (written through the API, the admin command line and the demo data).</summary>
public static class ClinicianScheduleStore
{
    /// <summary>A session's columns, from <c>clinician_sessions s</c>.</summary>
    public const string SessionColumns =
        """
        s.id, s.clinician_id AS clinician_profile_id, s.location_id, s.weekday, s.on_date AS date, s.start_time, s.end_time,
        s.valid_from, s.valid_until, s.created_at, s.updated_at
        """;

    private const string BlockColumns = "id, clinician_id AS clinician_profile_id, start_time, end_time, reason, note, created_at";

    public static readonly ListSpec SessionListSpec = new ListSpec()
        .Id("location_id", "location_id", Ids.Location)
        .ExactOrIn("weekday", "weekday", ScheduleValues.Weekdays);

    public static readonly ListSpec BlockListSpec = new ListSpec()
        .ExactOrIn("reason", "reason", ScheduleValues.BlockReasons)
        .TimeRange("start_time", "start_time")
        .TimeRange("end_time", "end_time");

    public static Task<Page<ClinicianSession>> ListSessionsAsync(TenantDb db, string clinicianId, ListQuery query, CancellationToken ct) =>
        ListAsync<ClinicianSession>($"SELECT {SessionColumns} FROM clinician_sessions s", "id", db, clinicianId, query, ct);

    public static Task<Page<ClinicianBlock>> ListBlocksAsync(TenantDb db, string clinicianId, ListQuery query, CancellationToken ct) =>
        ListAsync<ClinicianBlock>($"SELECT {BlockColumns} FROM clinician_blocks", "start_time, id", db, clinicianId, query, ct);

    private static Task<Page<T>> ListAsync<T>(string select, string orderBy, TenantDb db, string clinicianId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"clinician_id = {query.Bind(clinicianId)}");
        return db.PageAsync<T>($"{select} WHERE {TenantSql.Filter}{query.Where} ORDER BY {orderBy} LIMIT @Limit OFFSET @Offset", query, ct);
    }

    /// <summary>Adds a session; the clinician is linked to the session's location if they were not already.</summary>
    public static async Task InsertSessionAsync(TenantDb db, ClinicianSession session, CancellationToken ct)
    {
        await db.ExecuteAsync(
            $"""
            INSERT INTO clinician_sessions (id, {TenantSql.Columns}, clinician_id, location_id, weekday, on_date, start_time, end_time,
                                            valid_from, valid_until, created_at, updated_at)
            VALUES (@Id, {TenantSql.Values}, @ClinicianProfileId, @LocationId, @Weekday, @Date, @StartTime, @EndTime,
                    @ValidFrom, @ValidUntil, @CreatedAt, @UpdatedAt)
            """,
            session, ct);
        await ClinicianStore.LinkLocationAsync(db, session.ClinicianProfileId, session.LocationId, ct);
    }

    /// <summary>The clinician's session <paramref name="id"/>, or null.</summary>
    public static Task<ClinicianSession?> FindSessionAsync(TenantDb db, string clinicianId, string id, CancellationToken ct) =>
        db.SingleAsync<ClinicianSession>(
            $"SELECT {SessionColumns} FROM clinician_sessions s WHERE s.id = @id AND s.clinician_id = @clinicianId AND {TenantSql.Filter}",
            new { id, clinicianId }, ct);

    public static async Task UpdateSessionAsync(TenantDb db, ClinicianSession session, CancellationToken ct)
    {
        await db.ExecuteAsync(
            $"""
            UPDATE clinician_sessions SET location_id = @LocationId, weekday = @Weekday, on_date = @Date, start_time = @StartTime, end_time = @EndTime,
                                          valid_from = @ValidFrom, valid_until = @ValidUntil, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            session, ct);
        await ClinicianStore.LinkLocationAsync(db, session.ClinicianProfileId, session.LocationId, ct);
    }

    /// <summary>The clinician's block <paramref name="id"/>, or null.</summary>
    public static Task<ClinicianBlock?> FindBlockAsync(TenantDb db, string clinicianId, string id, CancellationToken ct) =>
        db.SingleAsync<ClinicianBlock>($"SELECT {BlockColumns} FROM clinician_blocks WHERE id = @id AND clinician_id = @clinicianId AND {TenantSql.Filter}",
            new { id, clinicianId }, ct);

    /// <summary>
    /// Removes a block, queueing in the same write the routing that offers the time it frees to the waitlist
    /// (docs/waitlist.md); false when there is none.
    /// </summary>
    public static Task<bool> RemoveBlockAsync(TenantDb db, RoutingQueue routing, string id, CancellationToken ct) =>
        db.WriteAsync(async write =>
        {
            var block = await write.SingleAsync<ClinicianBlock>($"SELECT {BlockColumns} FROM clinician_blocks WHERE id = @id AND {TenantSql.Filter}",
                new { id }, ct);
            if (block is null || !await DeleteAsync(write, id, ct))
            {
                return false;
            }
            await routing.EnqueueAsync(write, RoutingQueue.ClinicianBlock, id, null, RoutingQueue.BlockRemoved, block, null, ct);
            return true;
        }, ct);

    public static Task InsertBlockAsync(TenantDb db, ClinicianBlock block, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO clinician_blocks (id, {TenantSql.Columns}, clinician_id, start_time, end_time, reason, note, created_at)
            VALUES (@Id, {TenantSql.Values}, @ClinicianProfileId, @StartTime, @EndTime, @Reason, @Note, @CreatedAt)
            """,
            block, ct);

    /// <summary>Removes a session or block by id (the prefix tells which); false when there is none.</summary>
    public static async Task<bool> DeleteAsync(TenantDb db, string id, CancellationToken ct)
    {
        var table = id.StartsWith(Ids.Session, StringComparison.Ordinal) ? "clinician_sessions"
            : id.StartsWith(Ids.Block, StringComparison.Ordinal) ? "clinician_blocks"
            : throw new ArgumentException($"'{id}' is neither a session ({Ids.Session}…) nor a block ({Ids.Block}…).");
        return await db.WriteAsync($"DELETE FROM {table} WHERE id = @id AND {TenantSql.Filter}", new { id }, ct) == 1;
    }
}
