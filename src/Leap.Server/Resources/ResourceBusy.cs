using Leap.Server.Appointments;
using Leap.Server.Storage;

namespace Leap.Server.Resources;

/// <summary>
/// The time each resource is taken (table <c>resource_busy</c>, one row per resource of an active appointment), where
/// the database enforces that no two intervals of one resource overlap exactly as it does for clinicians
/// (<see cref="ClinicianBusy"/>): a trigger on SQLite, an exclusion constraint on PostgreSQL, claims queued per
/// resource and day. Writers just insert and let the database say no.
/// </summary>
public static class ResourceBusy
{
    /// <summary>A resource free for a booking, as <see cref="FreeAsync"/> picks it.</summary>
    public sealed record Pick
    {
        public required string Type { get; init; }
        public required string Id { get; init; }
    }

    /// <summary>A resource's interval in the way: the appointment that takes it.</summary>
    public sealed record Clash
    {
        public required string ResourceId { get; init; }
        public required string AppointmentId { get; init; }
    }

    /// <summary>A resource's taken time, for availability.</summary>
    public sealed record Taken
    {
        public required string Id { get; init; }
        public required string Type { get; init; }
        public required string LocationId { get; init; }
        public DateTimeOffset? BusyStart { get; init; }
        public DateTimeOffset? BusyEnd { get; init; }
    }

    /// <summary>Claims [start, end) of each resource for the appointment, in id order (so two claims of the same resources queue, never deadlock).</summary>
    public static async Task ClaimAsync(TenantDb db, string appointmentId, IReadOnlyList<string> resourceIds, DateTimeOffset start, DateTimeOffset end,
        CancellationToken ct)
    {
        foreach (var resourceId in resourceIds.Order(StringComparer.Ordinal))
        {
            await db.ExecuteBatchedAsync(
                db.SerializeSql(ClaimedDays) +
                $"""
                INSERT INTO resource_busy (appointment_id, resource_id, {TenantSql.Columns}, busy_start, busy_end)
                VALUES (@appointmentId, @resourceId, {TenantSql.Values}, @start, @end)
                """,
                new { appointmentId, resourceId, start, end }, ct);
        }
    }

    /// <summary>Moves the appointment's claims (a reschedule); the database refuses the move if a resource is taken then.</summary>
    public static async Task MoveAsync(TenantDb db, string appointmentId, IReadOnlyList<string> resourceIds, DateTimeOffset start, DateTimeOffset end,
        CancellationToken ct)
    {
        foreach (var resourceId in resourceIds.Order(StringComparer.Ordinal))
        {
            await db.ExecuteBatchedAsync(
                db.SerializeSql(ClaimedDays) +
                $"""
                UPDATE resource_busy SET busy_start = @start, busy_end = @end
                WHERE appointment_id = @appointmentId AND resource_id = @resourceId AND {TenantSql.Filter}
                """,
                new { appointmentId, resourceId, start, end }, ct);
        }
    }

    /// <summary>Frees every resource the appointment took.</summary>
    public static Task ReleaseAsync(TenantDb db, string appointmentId, CancellationToken ct) =>
        db.ExecuteBatchedAsync($"DELETE FROM resource_busy WHERE appointment_id = @appointmentId AND {TenantSql.Filter}", new { appointmentId }, ct);

    /// <summary>An appointment that takes the resource after <paramref name="now"/>, if any.</summary>
    public static Task<string?> TakenFromAsync(TenantDb db, string resourceId, DateTimeOffset now, CancellationToken ct) =>
        db.SingleAsync<string>(
            $"SELECT appointment_id FROM resource_busy WHERE resource_id = @resourceId AND busy_end > @now AND {TenantSql.Filter} ORDER BY busy_start LIMIT 1",
            new { resourceId, now }, ct);

    /// <summary>The keys of the resource's days that [@start, @end) touches (see <see cref="ClinicianBusy"/> for why claims queue).</summary>
    private const string ClaimedDays =
        """
        SELECT 'resource_busy/' || @resourceId || '/' || to_char(day, 'YYYY-MM-DD')
        FROM generate_series(date_trunc('day', @start AT TIME ZONE 'UTC'), (@end AT TIME ZONE 'UTC') - interval '1 microsecond', interval '1 day') AS day
        """;

    /// <summary>Intervals of resource <c>{alias}.resource_id</c> overlapping [@start, @end) (at most <see cref="ClinicianBusy.MaxLength"/> long).</summary>
    private static string Overlapping(string alias) =>
        $"{alias}.busy_start > @earliest AND {alias}.busy_start < @end AND {alias}.busy_end > @start AND {TenantSql.Of(alias)}";

    /// <summary>
    /// For each of <paramref name="types"/>, the first active resource of that type at the location that is free over
    /// [start, end); a type with none free is missing from the answer. The resources in <paramref name="except"/> (those an
    /// appointment keeps) are not picked.
    /// </summary>
    public static Task<IReadOnlyList<Pick>> FreeAsync(TenantDb db, string locationId, IReadOnlyList<string> types, DateTimeOffset start, DateTimeOffset end,
        CancellationToken ct, IReadOnlyList<string>? except = null)
    {
        var parameters = new SqlArgs(new { locationId, yes = true, start, end, earliest = start - ClinicianBusy.MaxLength });
        var typeList = parameters.In("type", types);
        var kept = except is { Count: > 0 } ? $" AND r.id NOT IN {parameters.In("kept", except)}" : "";
        return db.ListAsync<Pick>(
            $"""
            SELECT r.type, MIN(r.id) AS id FROM resources r
            WHERE r.location_id = @locationId AND r.type IN {typeList} AND r.is_active = @yes AND {TenantSql.Of("r")}{kept}
              AND NOT EXISTS (SELECT 1 FROM resource_busy b WHERE b.resource_id = r.id AND {Overlapping("b")})
            GROUP BY r.type
            """,
            parameters, ct);
    }

    /// <summary>The first of the resources taken in [start, end) by another appointment than <paramref name="ignoreAppointmentId"/>.</summary>
    public static Task<Clash?> ClashAsync(TenantDb db, IReadOnlyList<string> resourceIds, DateTimeOffset start, DateTimeOffset end, string ignoreAppointmentId,
        CancellationToken ct)
    {
        var parameters = new SqlArgs(new { start, end, earliest = start - ClinicianBusy.MaxLength, ignoreAppointmentId });
        var ids = parameters.In("resource", resourceIds);
        return db.SingleAsync<Clash>(
            $"""
            SELECT b.resource_id, b.appointment_id FROM resource_busy b
            WHERE b.resource_id IN {ids} AND b.appointment_id <> @ignoreAppointmentId AND {Overlapping("b")}
            ORDER BY b.busy_start, b.resource_id LIMIT 1
            """,
            parameters, ct);
    }

    /// <summary>
    /// Every active resource of <paramref name="types"/> at the locations, with each of its intervals overlapping
    /// [from, to) (a resource with none comes once, without times): what availability checks slots against.
    /// </summary>
    public static Task<IReadOnlyList<Taken>> TakenAsync(TenantDb db, IReadOnlyList<string> locationIds, IReadOnlyList<string> types,
        DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var parameters = new SqlArgs(new { yes = true, start = from, end = to, earliest = from - ClinicianBusy.MaxLength });
        var locations = parameters.In("location", locationIds);
        var typeList = parameters.In("type", types);
        return db.ListAsync<Taken>(
            $"""
            SELECT r.id, r.type, r.location_id, b.busy_start, b.busy_end FROM resources r
            LEFT JOIN resource_busy b ON b.resource_id = r.id AND {Overlapping("b")}
            WHERE r.location_id IN {locations} AND r.type IN {typeList} AND r.is_active = @yes AND {TenantSql.Of("r")}
            ORDER BY r.id, b.busy_start
            """,
            parameters, ct);
    }
}
