using System.Text;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Storage;

namespace Leap.Server.Availability;

/// <summary>What an availability request names, looked up in one round trip (null: no such record in this tenant).</summary>
public sealed record AvailabilityReferences
{
    public string? TemplateName { get; init; }
    public bool TemplateActive { get; init; }
    public bool TemplateOnline { get; init; }
    public int Duration { get; init; }
    public int BufferBeforeMinutes { get; init; }
    public int BufferAfterMinutes { get; init; }
    public int MinNoticeMinutes { get; init; }
    public int MaxAdvanceDays { get; init; }
    public string? ClinicianName { get; init; }
    public bool ClinicianActive { get; init; }
    public bool ClinicianBookable { get; init; }
    public string? LocationName { get; init; }
    public bool LocationActive { get; init; }
    public string? LocationTimezone { get; init; }
    /// <summary>The time zone of the clinician's locations when they all share one (else null).</summary>
    public string? ClinicianTimezone { get; init; }
}

/// <summary>
/// The reads behind availability: a few indexed queries per request, whose rows the <see cref="SlotEngine"/>
/// works through in memory.
/// </summary>
public sealed class AvailabilityStore(Database db)
{
    public async Task<AvailabilityReferences> FindReferencesAsync(Tenant tenant, string? templateId, string? clinicianId, string? locationId, CancellationToken ct) =>
        (await db.QuerySingleOrDefaultAsync<AvailabilityReferences>(
            """
            SELECT t.name AS template_name, t.is_active AS template_active, t.allow_online_booking AS template_online, t.duration,
                   t.buffer_before_minutes, t.buffer_after_minutes, t.min_notice_minutes, t.max_advance_days,
                   c.name AS clinician_name, c.is_active AS clinician_active, c.is_bookable_online AS clinician_bookable,
                   l.name AS location_name, l.is_active AS location_active, l.timezone AS location_timezone,
                   (SELECT CASE WHEN COUNT(DISTINCT z.timezone) = 1 THEN MIN(z.timezone) END
                    FROM clinician_locations cz JOIN locations z ON z.id = cz.location_id WHERE cz.clinician_id = c.id) AS clinician_timezone
            FROM (SELECT 1 AS one) AS request
            LEFT JOIN appointment_templates t ON t.id = @templateId AND t.org_id = @OrgId AND t.mode = @Mode
            LEFT JOIN clinician_profiles c ON c.id = @clinicianId AND c.org_id = @OrgId AND c.mode = @Mode
            LEFT JOIN locations l ON l.id = @locationId AND l.org_id = @OrgId AND l.mode = @Mode
            """,
            new { tenant.OrgId, tenant.Mode, templateId, clinicianId, locationId }, ct))!;

    /// <summary>
    /// The sessions on the local dates <paramref name="from"/>..<paramref name="to"/> of bookable clinicians (active,
    /// bookable online) at active locations, optionally of one clinician and/or one location.
    /// </summary>
    public Task<IReadOnlyList<SessionRow>> SessionsAsync(Tenant tenant, DateOnly from, DateOnly to, string? clinicianId, string? locationId, CancellationToken ct)
    {
        var sql = new StringBuilder(
            """
            SELECT s.clinician_id, c.name AS clinician_name, s.location_id, l.timezone, s.weekday, s.on_date AS date,
                   s.start_time, s.end_time, s.valid_from, s.valid_until
            FROM clinician_sessions s
            JOIN clinician_profiles c ON c.id = s.clinician_id
            JOIN locations l ON l.id = s.location_id
            WHERE s.org_id = @OrgId AND s.mode = @Mode AND c.is_active = @yes AND c.is_bookable_online = @yes AND l.is_active = @yes
              AND ((s.on_date IS NULL AND (s.valid_from IS NULL OR s.valid_from <= @to) AND (s.valid_until IS NULL OR s.valid_until >= @from))
                   OR (s.on_date >= @from AND s.on_date <= @to))
            """);
        if (clinicianId is not null)
        {
            sql.Append(" AND s.clinician_id = @clinicianId");
        }
        if (locationId is not null)
        {
            sql.Append(" AND s.location_id = @locationId");
        }
        return db.QueryAsync<SessionRow>(sql.ToString(), new { tenant.OrgId, tenant.Mode, yes = true, from, to, clinicianId, locationId }, ct);
    }

    /// <summary>
    /// The clinicians' appointments and unexpired holds (buffers included) and blocks that overlap [from, to).
    /// Busy intervals are at most <see cref="Appointments.ClinicianBusy.MaxLength"/> long, which bounds the index range read.
    /// </summary>
    public async Task<IReadOnlyList<BusyRow>> BusyAsync(Tenant tenant, IReadOnlyCollection<string> clinicianIds, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset now, CancellationToken ct)
    {
        if (clinicianIds.Count == 0)
        {
            return [];
        }
        var parameters = new DynamicParameters(new { earliest = from - Appointments.ClinicianBusy.MaxLength, from, to, now, tenant.OrgId, tenant.Mode });
        var ids = SqlList.In(parameters, "clinician", clinicianIds);
        return await db.QueryAsync<BusyRow>(
            $"""
            SELECT clinician_id, id, kind, busy_start AS start_time, busy_end AS end_time FROM clinician_busy
            WHERE clinician_id IN {ids} AND busy_start > @earliest AND busy_start < @to AND busy_end > @from
              AND org_id = @OrgId AND mode = @Mode AND (expires_at IS NULL OR expires_at > @now)
            UNION ALL
            SELECT clinician_id, id, 'block' AS kind, start_time, end_time FROM clinician_blocks
            WHERE clinician_id IN {ids} AND end_time > @from AND start_time < @to AND org_id = @OrgId AND mode = @Mode
            """,
            parameters, ct);
    }
}
