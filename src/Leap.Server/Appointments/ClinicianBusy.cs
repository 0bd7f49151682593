using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Appointments;

/// <summary>
/// The time each clinician is taken (table <c>clinician_busy</c>), where the database enforces that no two
/// intervals of one clinician overlap: a trigger on SQLite, an exclusion constraint on PostgreSQL. Writers
/// just insert and let the database say no. Rows are active appointments and holds; a hold's row carries its
/// <c>expires_at</c>.
/// </summary>
public static class ClinicianBusy
{
    public const string AppointmentKind = "appointment";
    public const string HoldKind = "hold";

    /// <summary>Busy intervals are at most 2 days long (24-hour appointments plus buffers of up to 4 hours each).</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(2);

    private const string AppointmentAdvice = "Choose another slot, or send \"allow_overlap\": true to double-book deliberately.";

    public sealed record Interval
    {
        public required string Id { get; init; }
        public required string Kind { get; init; }
        public DateTimeOffset BusyStart { get; init; }
        public DateTimeOffset BusyEnd { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }
    }

    /// <summary>
    /// Claims [start, end) for the clinician; the database refuses it if it overlaps another interval. Expired
    /// holds in the way are deleted first, in the same transaction: the constraint cannot know what "now" is.
    /// </summary>
    public static Task ReserveAsync(TenantDb db, string id, string clinicianId,
        DateTimeOffset start, DateTimeOffset end, string kind, DateTimeOffset now, CancellationToken ct, DateTimeOffset? expiresAt = null) =>
        db.ExecuteBatchedAsync(
            Claim(db) +
            $"""
            INSERT INTO clinician_busy (id, {TenantSql.Columns}, clinician_id, busy_start, busy_end, kind, expires_at)
            VALUES (@id, {TenantSql.Values}, @clinicianId, @start, @end, @kind, @expiresAt)
            """,
            new { id, clinicianId, start, end, kind, expiresAt, earliest = start - MaxLength, now }, ct);

    /// <summary>
    /// Queues this write behind every other claim of the clinician's time on the days [start, end) touches, as a claim
    /// does (see <see cref="Claim"/>), so what it then reads of that time stays true until it ends: for a writer that
    /// checks the time is free before it claims it, and would rather not claim it than be refused.
    /// </summary>
    public static Task QueueAsync(TenantDb db, string clinicianId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        db.SerializeSql(ClaimedDays) is { Length: > 0 } sql ? db.ExecuteAsync(sql, new { clinicianId, start, end }, ct) : Task.CompletedTask;

    /// <summary>Deletes an interval; returns whether it was there.</summary>
    public static async Task<bool> ReleaseAsync(TenantDb db, string id, CancellationToken ct) =>
        await db.ExecuteAsync($"DELETE FROM clinician_busy WHERE id = @id AND {TenantSql.Filter}", new { id }, ct) == 1;

    /// <summary>Moves an interval (a reschedule); the database refuses the move if it would overlap another.</summary>
    public static Task MoveAsync(TenantDb db, string id, string clinicianId,
        DateTimeOffset start, DateTimeOffset end, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            Claim(db) +
            $"UPDATE clinician_busy SET clinician_id = @clinicianId, busy_start = @start, busy_end = @end WHERE id = @id AND {TenantSql.Filter}",
            new { id, clinicianId, start, end, earliest = start - MaxLength, now }, ct);

    /// <summary>
    /// Prefixed to the statement that claims [@start, @end) for @clinicianId, in one command (one call into the
    /// driver, on PostgreSQL one round trip): first wait for every other transaction claiming this clinician's time
    /// on the same days (UTC) to end, then delete the expired holds in the way. Without the queue, PostgreSQL's
    /// exclusion check lets claims of one slot wait for each other inside the check, where they deadlock: two that
    /// insert at the same moment each find the other's row, and when a claim that others wait for rolls back, every
    /// waiter finds another waiter's row (one deadlock per waiter, each found only after deadlock_timeout). In the
    /// queue a claim checks only against ended transactions, so it succeeds or is refused at once. Overlapping
    /// intervals share a day, so they always queue; intervals on other days do not wait for each other.
    /// </summary>
    private static string Claim(TenantDb db) => db.SerializeSql(ClaimedDays) + DeleteExpiredHolds;

    /// <summary>The keys of the clinician's days that [@start, @end) touches.</summary>
    private const string ClaimedDays =
        """
        SELECT 'clinician_busy/' || @clinicianId || '/' || to_char(day, 'YYYY-MM-DD')
        FROM generate_series(date_trunc('day', @start AT TIME ZONE 'UTC'), (@end AT TIME ZONE 'UTC') - interval '1 microsecond', interval '1 day') AS day
        """;

    private const string DeleteExpiredHolds =
        $"""
        DELETE FROM clinician_busy
        WHERE clinician_id = @clinicianId AND busy_start > @earliest AND busy_start < @end AND busy_end > @start
          AND kind = 'hold' AND expires_at <= @now AND {TenantSql.Filter};

        """;

    private const string IntervalColumns = "id, kind, busy_start, busy_end, expires_at";

    /// <summary>The clinician's intervals overlapping [@start, @end), expired holds left out.</summary>
    private const string LiveOverlap =
        $"""
        clinician_id = @clinicianId AND busy_start > @earliest AND busy_start < @end AND busy_end > @start
          AND (expires_at IS NULL OR expires_at > @now) AND {TenantSql.Filter}
        """;

    /// <summary>What takes the clinician's time in [start, end) at <paramref name="now"/>, in order: appointments and live holds.</summary>
    public static Task<IReadOnlyList<Interval>> TakenAsync(TenantDb db, string clinicianId, DateTimeOffset start, DateTimeOffset end,
        DateTimeOffset now, CancellationToken ct) =>
        db.ListAsync<Interval>($"SELECT {IntervalColumns} FROM clinician_busy WHERE {LiveOverlap} ORDER BY busy_start",
            new { clinicianId, earliest = start - MaxLength, start, end, now }, ct);

    /// <summary>
    /// The 409 for a refused interval, naming what is in the way. Looked up after the failed transaction
    /// (PostgreSQL aborts it), so the clash may already be gone; the error then says so without an id.
    /// </summary>
    public static async Task<ApiException> SlotUnavailableAsync(TenantDb db, string clinicianId, DateTimeOffset start, DateTimeOffset end, string? ignoreId,
        DateTimeOffset now, CancellationToken ct, string advice = AppointmentAdvice)
    {
        var clash = await db.SingleAsync<Interval>(
            $"SELECT {IntervalColumns} FROM clinician_busy WHERE {LiveOverlap} AND id <> @ignore ORDER BY busy_start LIMIT 1",
            new { clinicianId, earliest = start - MaxLength, start, end, ignore = ignoreId ?? "", now }, ct);
        var what = clash switch
        {
            null => "another booking made at the same moment",
            { Kind: AppointmentKind } => $"appointment {clash.Id}",
            { Kind: HoldKind } => $"hold {clash.Id}, which reserves it until {clash.ExpiresAt:yyyy-MM-dd'T'HH:mm:ss'Z'}",
            _ => $"{clash.Kind} {clash.Id}",
        };
        return new ApiException(409, ErrorCodes.SlotUnavailable,
            $"Clinician {clinicianId} is not free from {start:yyyy-MM-dd'T'HH:mm'Z'} to {end:yyyy-MM-dd'T'HH:mm'Z'} " +
            $"(buffers included): the time overlaps {what}. {advice}")
        {
            ConflictingAppointmentId = clash?.Kind == AppointmentKind ? clash.Id : null,
        };
    }
}
