using Leap.Server.Appointments;
using Leap.Server.Storage;

namespace Leap.Server.Holds;

public static class HoldStore
{
    private const string Columns =
        """
        id, appointment_template_id, clinician_profile_id, location_id, start_time, end_time, buffer_before_minutes,
        buffer_after_minutes, expires_at, status, appointment_id, created_at, updated_at
        """;

    public static Task<Hold?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<Hold>($"SELECT {Columns} FROM holds WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    /// <summary>Takes the clinician's time (the database refuses an overlap with any appointment or live hold), then records the hold.</summary>
    public static async Task InsertAsync(TenantDb db, Hold hold, CancellationToken ct)
    {
        await ClinicianBusy.ReserveAsync(db, hold.Id, hold.ClinicianProfileId, hold.BusyStart, hold.BusyEnd,
            ClinicianBusy.HoldKind, hold.CreatedAt, ct, hold.ExpiresAt);
        await db.ExecuteAsync(
            $"""
            INSERT INTO holds ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @AppointmentTemplateId, @ClinicianProfileId, @LocationId, @StartTime, @EndTime,
                    @BufferBeforeMinutes, @BufferAfterMinutes, @ExpiresAt, @Status, @AppointmentId, @CreatedAt, @UpdatedAt)
            """,
            hold, ct);
    }

    /// <summary>
    /// Ends an active hold: frees its time, runs <paramref name="inTheFreedTime"/> (a confirm books the
    /// appointment there) and records the outcome. The hold's busy row is the claim: only the transaction that
    /// deletes it (before the expiry) may end the hold, so a concurrent confirm and release, or two confirms,
    /// cannot both succeed. False (and nothing written) when the hold was no longer active and unexpired.
    /// </summary>
    public static async Task<bool> EndAsync(TenantDb db, Hold hold, string status,
        Func<Task<string?>> inTheFreedTime, DateTimeOffset now, CancellationToken ct)
    {
        var claimed = await db.ExecuteAsync(
            $"DELETE FROM clinician_busy WHERE id = @Id AND kind = 'hold' AND expires_at > @now AND {TenantSql.Filter}", new { hold.Id, now }, ct);
        if (claimed == 0)
        {
            return false;
        }
        var appointmentId = await inTheFreedTime();
        await db.ExecuteBatchedAsync(
            $"UPDATE holds SET status = @status, appointment_id = @appointmentId, updated_at = @now WHERE id = @Id AND {TenantSql.Filter}",
            new { hold.Id, status, appointmentId, now }, ct);
        return true;
    }

    /// <summary>Takes back a hold made in this write that turned out not to be wanted, as if it had never been made.</summary>
    public static Task DiscardAsync(TenantDb db, string id, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            DELETE FROM clinician_busy WHERE id = @id AND kind = 'hold' AND {TenantSql.Filter};
            DELETE FROM holds WHERE id = @id AND {TenantSql.Filter}
            """, new { id }, ct);

    /// <summary>Records as expired every active hold past its expiry, and frees their time (housekeeping).</summary>
    public static Task<int> ExpireAsync(CrossTenantDb db, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync(async write =>
        {
            await write.ExecuteAsync("DELETE FROM clinician_busy WHERE kind = 'hold' AND expires_at <= @now", new { now }, ct);
            return await write.ExecuteAsync(
                "UPDATE holds SET status = 'expired', updated_at = @now WHERE status = 'active' AND expires_at <= @now", new { now }, ct);
        }, ct);
}
