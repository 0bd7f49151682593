using System.Text;
using Leap.Server.Appointments;
using Leap.Server.Clinicians;
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
    public int MaxParticipants { get; init; }
    public IReadOnlyList<string>? RequiredResourceTypes { get; init; }
    public string? ClinicianName { get; init; }
    public bool ClinicianActive { get; init; }
    public bool ClinicianBookable { get; init; }
    /// <summary>The clinician provides the template: it is among their templates, or they list none.</summary>
    public bool ClinicianProvides { get; init; }
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
public static class AvailabilityStore
{
    public static async Task<AvailabilityReferences> FindReferencesAsync(TenantDb db, string? templateId, string? clinicianId, string? locationId, CancellationToken ct) =>
        (await db.SingleAsync<AvailabilityReferences>(
            $"""
            SELECT t.name AS template_name, t.is_active AS template_active, t.allow_online_booking AS template_online, t.duration,
                   t.buffer_before_minutes, t.buffer_after_minutes, t.min_notice_minutes, t.max_advance_days, t.max_participants, t.required_resource_types,
                   c.name AS clinician_name, c.is_active AS clinician_active, c.is_bookable_online AS clinician_bookable,
                   {Provides("c.id", "@templateId")} AS clinician_provides,
                   l.name AS location_name, l.is_active AS location_active, l.timezone AS location_timezone,
                   (SELECT CASE WHEN COUNT(DISTINCT z.timezone) = 1 THEN MIN(z.timezone) END
                    FROM clinician_locations cz JOIN locations z ON z.id = cz.location_id WHERE cz.clinician_id = c.id AND {TenantSql.Of("z")}) AS clinician_timezone
            FROM (SELECT 1 AS one) AS request
            LEFT JOIN appointment_templates t ON t.id = @templateId AND {TenantSql.Of("t")}
            LEFT JOIN clinician_profiles c ON c.id = @clinicianId AND {TenantSql.Of("c")}
            LEFT JOIN locations l ON l.id = @locationId AND {TenantSql.Of("l")}
            """,
            new { templateId, clinicianId, locationId }, ct))!;

    private sealed record SessionPlace
    {
        public required string ClinicianName { get; init; }
        public required string Timezone { get; init; }
        public DateTimeOffset? ClosedFrom { get; init; }
        public DateTimeOffset? ClosedUntil { get; init; }
    }

    /// <summary>
    /// SQL that is true when the clinician <paramref name="clinician"/> provides the template <paramref name="template"/>:
    /// it is among their templates, or they list none (docs/availability.md, "Services").
    /// </summary>
    private static string Provides(string clinician, string template) =>
        $"""
        (NOT EXISTS (SELECT 1 FROM clinician_services sa WHERE sa.clinician_id = {clinician} AND {TenantSql.Of("sa")})
         OR EXISTS (SELECT 1 FROM clinician_services sp WHERE sp.clinician_id = {clinician} AND sp.template_id = {template} AND {TenantSql.Of("sp")}))
        """;

    /// <summary>
    /// The sessions on the local dates <paramref name="from"/>..<paramref name="to"/> of bookable clinicians (active,
    /// bookable online unless the rules include offline ones, providing the template) at active locations, optionally of
    /// one clinician and/or one location;
    /// with the closures of their locations around those dates. One query: a session's row comes once per closure of its
    /// location in the range (rarely more than one).
    /// </summary>
    public static async Task<Rota> SessionsAsync(TenantDb db, BookingRules rules, DateOnly from, DateOnly to, string? clinicianId, string? locationId,
        CancellationToken ct)
    {
        var templateId = rules.TemplateId;
        var online = rules.IncludeOffline ? "" : " AND c.is_bookable_online = @yes";
        var sql = new StringBuilder(
            $"""
            SELECT {ClinicianScheduleStore.SessionColumns}, c.name AS clinician_name, l.timezone, x.start_time AS closed_from, x.end_time AS closed_until
            FROM clinician_sessions s
            JOIN clinician_profiles c ON c.id = s.clinician_id AND {TenantSql.Of("c")}
            JOIN locations l ON l.id = s.location_id AND {TenantSql.Of("l")}
            LEFT JOIN location_closures x ON x.location_id = s.location_id AND {TenantSql.Of("x")} AND x.end_time > @closedAfter AND x.start_time < @closedBefore
            WHERE {TenantSql.Of("s")} AND c.is_active = @yes{online} AND l.is_active = @yes
              AND ((s.on_date IS NULL AND (s.valid_from IS NULL OR s.valid_from <= @to) AND (s.valid_until IS NULL OR s.valid_until >= @from))
                   OR (s.on_date >= @from AND s.on_date <= @to))
              AND {Provides("s.clinician_id", "@templateId")}
            """);
        if (clinicianId is not null)
        {
            sql.Append(" AND s.clinician_id = @clinicianId");
        }
        if (locationId is not null)
        {
            sql.Append(" AND s.location_id = @locationId");
        }
        // Local dates lie within a day of the UTC date on either side.
        var (closedAfter, closedBefore) = (Midnight(from.AddDays(-1)), Midnight(to.AddDays(2)));
        var closures = new HashSet<Closure>();
        var rows = await db.ListAsync<ClinicianSession, SessionPlace, ScheduledSession>(sql.ToString(), (session, place) =>
            {
                if (place.ClosedFrom is { } closedFrom && place.ClosedUntil is { } closedUntil)
                {
                    closures.Add(new Closure(session.LocationId, closedFrom, closedUntil));
                }
                return new ScheduledSession(session, place.ClinicianName, place.Timezone);
            }, "clinician_name",
            new { yes = true, templateId, from, to, clinicianId, locationId, closedAfter, closedBefore }, ct);
        var sessions = closures.Count == 0 ? rows : rows.DistinctBy(r => r.Session.Id).ToList();
        return new Rota(sessions, closures.ToList());
    }

    /// <summary>
    /// The template's group appointments with free seats starting on the local dates <paramref name="from"/>..<paramref name="to"/>
    /// (at their location), of bookable clinicians at active locations, optionally of one clinician and/or one location.
    /// </summary>
    public static async Task<IReadOnlyList<OpenSession>> OpenSessionsAsync(TenantDb db, string templateId, DateOnly from, DateOnly to,
        string? clinicianId, string? locationId, CancellationToken ct)
    {
        var sql = new StringBuilder(
            $"""
            SELECT a.id AS appointment_id, a.clinician_profile_id AS clinician_id, c.name AS clinician_name, a.location_id, l.timezone,
                   a.start_time, a.end_time, a.max_participants - a.participant_count AS seats_remaining
            FROM appointments a
            JOIN clinician_profiles c ON c.id = a.clinician_profile_id AND {TenantSql.Of("c")}
            JOIN locations l ON l.id = a.location_id AND {TenantSql.Of("l")}
            WHERE {TenantSql.Of("a")} AND a.appointment_type_id = @templateId AND a.start_time >= @after AND a.start_time < @before
              AND a.participant_count < a.max_participants AND {AppointmentStatuses.IsActiveSql("a.status")}
              AND c.is_active = @yes AND c.is_bookable_online = @yes AND l.is_active = @yes
            """);
        if (clinicianId is not null)
        {
            sql.Append(" AND a.clinician_profile_id = @clinicianId");
        }
        if (locationId is not null)
        {
            sql.Append(" AND a.location_id = @locationId");
        }
        var sessions = await db.ListAsync<OpenSession>(sql.ToString(),
            new { templateId, after = Midnight(from.AddDays(-1)), before = Midnight(to.AddDays(2)), yes = true, clinicianId, locationId },
            ct);
        return [.. sessions.Where(s => LocalTimes.DateAt(s.StartTime, LocalTimes.Zone(s.Timezone)) is var day && day >= from && day <= to)];
    }

    private static DateTimeOffset Midnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>Every session of the clinicians, whatever its dates and whoever may be booked (to tell what an edit of the rota changes).</summary>
    public static Task<IReadOnlyList<ScheduledSession>> AllSessionsAsync(TenantDb db, IReadOnlyList<string> clinicianIds, CancellationToken ct)
    {
        var parameters = new SqlArgs();
        var ids = parameters.In("clinician", clinicianIds);
        return db.ListAsync<ClinicianSession, SessionPlace, ScheduledSession>(
            $"""
            SELECT {ClinicianScheduleStore.SessionColumns}, c.name AS clinician_name, l.timezone
            FROM clinician_sessions s
            JOIN clinician_profiles c ON c.id = s.clinician_id AND {TenantSql.Of("c")}
            JOIN locations l ON l.id = s.location_id AND {TenantSql.Of("l")}
            WHERE {TenantSql.Of("s")} AND s.clinician_id IN {ids}
            """,
            (session, place) => new ScheduledSession(session, place.ClinicianName, place.Timezone), "clinician_name", parameters, ct);
    }

    /// <summary>
    /// The busy time of the clinicians that overlaps [from, to): appointments and unexpired holds (buffers
    /// included) and blocks, in one query. A 14-day query of a busy practice reads thousands of rows, so they are
    /// read without Dapper, and each row names its clinician by position in <paramref name="clinicianIds"/> rather
    /// than by id. Busy intervals are at most <see cref="ClinicianBusy.MaxLength"/> long, which bounds the index range read.
    /// </summary>
    public static Task<BusyIntervals> BusyTimesAsync(TenantDb db, IReadOnlyList<string> clinicianIds, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset now, CancellationToken ct)
    {
        var parameters = new SqlArgs(new { earliest = from - ClinicianBusy.MaxLength, from, to, now });
        var ids = parameters.In("clinician", clinicianIds);
        var clinician = SqlArgs.IndexOf("clinician_id", "clinician", clinicianIds.Count);
        return db.ReadAsync(
            $"""
            SELECT {clinician}, busy_start, busy_end FROM clinician_busy
            WHERE clinician_id IN {ids} AND busy_start > @earliest AND busy_start < @to AND busy_end > @from
              AND {TenantSql.Filter} AND (expires_at IS NULL OR expires_at > @now)
            UNION ALL
            SELECT {clinician}, start_time, end_time FROM clinician_blocks
            WHERE clinician_id IN {ids} AND end_time > @from AND start_time < @to AND {TenantSql.Filter}
            """,
            parameters, async reader =>
            {
                using var busy = new BusyIntervals.Builder(clinicianIds);
                while (await reader.ReadAsync(ct))
                {
                    busy.Add(reader.GetInt32(0), TypeHandlers.ReadInstant(reader, 1).UtcTicks, TypeHandlers.ReadInstant(reader, 2).UtcTicks);
                }
                return busy.Build();
            }, ct);
    }

    /// <summary>One clinician's busy time overlapping [from, to), saying what each interval is (for <see cref="SlotEngine.Check"/>).</summary>
    public static Task<IReadOnlyList<BusyRow>> BusyAsync(TenantDb db, string clinicianId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, CancellationToken ct) =>
        db.ListAsync<BusyRow>(
            $"""
            SELECT id, kind, busy_start AS start_time, busy_end AS end_time FROM clinician_busy
            WHERE clinician_id = @clinicianId AND busy_start > @earliest AND busy_start < @to AND busy_end > @from
              AND {TenantSql.Filter} AND (expires_at IS NULL OR expires_at > @now)
            UNION ALL
            SELECT id, 'block' AS kind, start_time, end_time FROM clinician_blocks
            WHERE clinician_id = @clinicianId AND end_time > @from AND start_time < @to AND {TenantSql.Filter}
            """,
            new { clinicianId, earliest = from - ClinicianBusy.MaxLength, from, to, now }, ct);
}
