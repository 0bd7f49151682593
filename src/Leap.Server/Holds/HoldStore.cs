using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Storage;

namespace Leap.Server.Holds;

public sealed class HoldStore(Database db, TimeProvider clock)
{
    private const string Columns =
        """
        id, appointment_template_id, clinician_profile_id, location_id, start_time, end_time, buffer_before_minutes,
        buffer_after_minutes, expires_at, status, appointment_id, created_at, updated_at
        """;

    public Task<Hold?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Hold>(
            $"SELECT {Columns} FROM holds WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<Hold?> FindAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Hold>(new CommandDefinition(
            $"SELECT {Columns} FROM holds WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    /// <summary>Takes the clinician's time (the database refuses an overlap with any appointment or live hold), then records the hold.</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Hold hold, CancellationToken ct)
    {
        await ClinicianBusy.ReserveAsync(connection, tx, tenant, hold.Id, hold.ClinicianProfileId, hold.BusyStart, hold.BusyEnd,
            ClinicianBusy.HoldKind, hold.CreatedAt, ct, hold.ExpiresAt);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO holds (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @AppointmentTemplateId, @ClinicianProfileId, @LocationId, @StartTime, @EndTime,
                    @BufferBeforeMinutes, @BufferAfterMinutes, @ExpiresAt, @Status, @AppointmentId, @CreatedAt, @UpdatedAt)
            """,
            TenantParameters.For(tenant, hold), tx, cancellationToken: ct));
    }

    /// <summary>
    /// Ends an active hold: frees its time, books <paramref name="appointment"/> in it when confirming, and records
    /// the outcome. The hold's busy row is the claim: only the transaction that deletes it (before the expiry) may
    /// end the hold, so a concurrent confirm and release, or two confirms, cannot both succeed. False (and nothing
    /// written) when the hold was no longer active and unexpired.
    /// </summary>
    public static async Task<bool> EndAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Hold hold, string status,
        Appointment? appointment, DateTimeOffset now, CancellationToken ct)
    {
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM clinician_busy WHERE id = @Id AND kind = 'hold' AND expires_at > @now",
            new { hold.Id, now }, tx, cancellationToken: ct));
        if (claimed == 0)
        {
            return false;
        }
        if (appointment is not null)
        {
            await AppointmentStore.InsertAsync(connection, tx, tenant, appointment, ct);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE holds SET status = @status, appointment_id = @appointmentId, updated_at = @now WHERE id = @Id",
            new { hold.Id, status, appointmentId = appointment?.Id, now }, tx, cancellationToken: ct));
        return true;
    }

    /// <summary>Records as expired every active hold past its expiry, and frees their time (housekeeping).</summary>
    public async Task<int> ExpireAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.WriteAsync(async (connection, tx) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM clinician_busy WHERE kind = 'hold' AND expires_at <= @now", new { now }, tx, cancellationToken: ct));
            return await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE holds SET status = 'expired', updated_at = @now WHERE status = 'active' AND expires_at <= @now",
                new { now }, tx, cancellationToken: ct));
        }, ct);
    }
}
