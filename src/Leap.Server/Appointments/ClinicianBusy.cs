using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Appointments;

/// <summary>
/// The time each clinician is taken (table <c>clinician_busy</c>), where the database enforces that no two
/// intervals of one clinician overlap: a trigger on SQLite, an exclusion constraint on PostgreSQL. Writers
/// just insert and let the database say no.
/// </summary>
public sealed class ClinicianBusy(Database db)
{
    public const string AppointmentKind = "appointment";

    public sealed record Interval
    {
        public required string Id { get; init; }
        public required string Kind { get; init; }
        public DateTimeOffset BusyStart { get; init; }
        public DateTimeOffset BusyEnd { get; init; }
    }

    public static Task ReserveAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, string clinicianId,
        DateTimeOffset start, DateTimeOffset end, string kind, CancellationToken ct, DateTimeOffset? expiresAt = null) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO clinician_busy (id, org_id, mode, clinician_id, busy_start, busy_end, kind, expires_at)
            VALUES (@id, @OrgId, @Mode, @clinicianId, @start, @end, @kind, @expiresAt)
            """,
            new { id, tenant.OrgId, tenant.Mode, clinicianId, start, end, kind, expiresAt }, tx, cancellationToken: ct));

    public static Task ReleaseAsync(DbConnection connection, DbTransaction tx, string id, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("DELETE FROM clinician_busy WHERE id = @id", new { id }, tx, cancellationToken: ct));

    /// <summary>Moves an interval (a reschedule); the database refuses the move if it would overlap another.</summary>
    public static Task MoveAsync(DbConnection connection, DbTransaction tx, string id, string clinicianId,
        DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clinician_busy SET clinician_id = @clinicianId, busy_start = @start, busy_end = @end WHERE id = @id",
            new { id, clinicianId, start, end }, tx, cancellationToken: ct));

    /// <summary>
    /// The 409 for a refused interval, naming what is in the way. Looked up after the failed transaction
    /// (PostgreSQL aborts it), so the clash may already be gone; the error then says so without an id.
    /// </summary>
    public async Task<ApiException> SlotUnavailableAsync(string clinicianId, DateTimeOffset start, DateTimeOffset end, string? ignoreId, CancellationToken ct)
    {
        var clash = await db.QuerySingleOrDefaultAsync<Interval>(
            """
            SELECT id, kind, busy_start, busy_end FROM clinician_busy
            WHERE clinician_id = @clinicianId AND busy_start < @end AND busy_end > @start AND id <> @ignore
            ORDER BY busy_start LIMIT 1
            """,
            new { clinicianId, start, end, ignore = ignoreId ?? "" }, ct);
        var what = clash switch
        {
            null => "another booking made at the same moment",
            { Kind: AppointmentKind } => $"appointment {clash.Id}",
            _ => $"{clash.Kind} {clash.Id}",
        };
        return new ApiException(409, ErrorCodes.SlotUnavailable,
            $"Clinician {clinicianId} is not free from {start:yyyy-MM-dd'T'HH:mm'Z'} to {end:yyyy-MM-dd'T'HH:mm'Z'} " +
            $"(buffers included): the time overlaps {what}. Choose another slot, or send \"allow_overlap\": true to double-book deliberately.")
        {
            ConflictingAppointmentId = clash?.Kind == AppointmentKind ? clash.Id : null,
        };
    }
}
