using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Clinicians;

/// <summary>Clinicians' sessions and blocks: written by the admin command line and demo data, read by the API.</summary>
public sealed class ClinicianScheduleStore(Database db)
{
    /// <summary>A session's columns, from <c>clinician_sessions s</c>.</summary>
    public const string SessionColumns =
        """
        s.id, s.clinician_id AS clinician_profile_id, s.location_id, s.weekday, s.on_date AS date, s.start_time, s.end_time,
        s.valid_from, s.valid_until, s.created_at, s.updated_at
        """;

    private const string BlockColumns = "id, clinician_id AS clinician_profile_id, start_time, end_time, reason, note, created_at";

    public static readonly ListSpec SessionListSpec = new ListSpec()
        .Exact("location_id", "location_id")
        .ExactOrIn("weekday", "weekday", ScheduleValues.Weekdays);

    public static readonly ListSpec BlockListSpec = new ListSpec()
        .ExactOrIn("reason", "reason", ScheduleValues.BlockReasons)
        .TimeRange("start_time", "start_time")
        .TimeRange("end_time", "end_time");

    public Task<Page<ClinicianSession>> ListSessionsAsync(Tenant tenant, string clinicianId, ListQuery query, CancellationToken ct) =>
        ListAsync<ClinicianSession>($"SELECT {SessionColumns} FROM clinician_sessions s", "id", tenant, clinicianId, query, ct);

    public Task<Page<ClinicianBlock>> ListBlocksAsync(Tenant tenant, string clinicianId, ListQuery query, CancellationToken ct) =>
        ListAsync<ClinicianBlock>($"SELECT {BlockColumns} FROM clinician_blocks", "start_time, id", tenant, clinicianId, query, ct);

    private async Task<Page<T>> ListAsync<T>(string select, string orderBy, Tenant tenant, string clinicianId, ListQuery query, CancellationToken ct)
    {
        var parameters = query.Parameters(tenant);
        parameters.Add("clinicianId", clinicianId);
        var rows = await db.QueryAsync<T>(
            $"{select} WHERE org_id = @OrgId AND mode = @Mode AND clinician_id = @clinicianId{query.Where} ORDER BY {orderBy} LIMIT @Limit OFFSET @Offset",
            parameters, ct);
        return query.ToPage(rows);
    }

    /// <summary>Adds a session; the clinician is linked to the session's location if they were not already.</summary>
    public static async Task InsertSessionAsync(DbConnection connection, DbTransaction tx, Tenant tenant, ClinicianSession session, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO clinician_sessions (id, org_id, mode, clinician_id, location_id, weekday, on_date, start_time, end_time,
                                            valid_from, valid_until, created_at, updated_at)
            VALUES (@Id, @OrgId, @Mode, @ClinicianProfileId, @LocationId, @Weekday, @Date, @StartTime, @EndTime,
                    @ValidFrom, @ValidUntil, @CreatedAt, @UpdatedAt)
            """,
            TenantParameters.For(tenant, session), tx, cancellationToken: ct));
        await ClinicianStore.LinkLocationAsync(connection, tx, session.ClinicianProfileId, session.LocationId, ct);
    }

    public static Task InsertBlockAsync(DbConnection connection, DbTransaction tx, Tenant tenant, ClinicianBlock block, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO clinician_blocks (id, org_id, mode, clinician_id, start_time, end_time, reason, note, created_at)
            VALUES (@Id, @OrgId, @Mode, @ClinicianProfileId, @StartTime, @EndTime, @Reason, @Note, @CreatedAt)
            """,
            TenantParameters.For(tenant, block), tx, cancellationToken: ct));

    /// <summary>Removes a session or block by id (the prefix tells which); false when there is none.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        var table = id.StartsWith(Ids.Session, StringComparison.Ordinal) ? "clinician_sessions"
            : id.StartsWith(Ids.Block, StringComparison.Ordinal) ? "clinician_blocks"
            : throw new ArgumentException($"'{id}' is neither a session ({Ids.Session}…) nor a block ({Ids.Block}…).");
        return await db.ExecuteAsync($"DELETE FROM {table} WHERE id = @id", new { id }, ct) == 1;
    }
}
