using Leap.Server.Appointments;
using Leap.Server.Storage;

namespace Leap.Server.Participants;

public static class ParticipantStore
{
    private const string Columns = "id, appointment_id, patient_id, status, joined_at, cancelled_at, updated_at";

    private static readonly string Active = AppointmentStatuses.IsActiveSql("status");

    public static Task InsertAsync(TenantDb db, Participant p, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO appointment_participants ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @AppointmentId, @PatientId, @Status, @JoinedAt, @CancelledAt, @UpdatedAt)
            """,
            p, ct);

    /// <summary>Everyone who joined the appointment, in the order they joined (those who left included).</summary>
    public static Task<IReadOnlyList<Participant>> ListAsync(TenantDb db, string appointmentId, CancellationToken ct) =>
        db.ListAsync<Participant>(
            $"SELECT {Columns} FROM appointment_participants WHERE appointment_id = @appointmentId AND {TenantSql.Filter} ORDER BY joined_at, id",
            new { appointmentId }, ct);

    /// <summary>The patients taking part now (joined, not left), in the order they joined.</summary>
    public static Task<IReadOnlyList<string>> JoinedPatientsAsync(TenantDb db, string appointmentId, CancellationToken ct) =>
        db.ListAsync<string>(
            $"""
            SELECT patient_id FROM appointment_participants WHERE appointment_id = @appointmentId AND status = @joined AND {TenantSql.Filter}
            ORDER BY joined_at, id
            """,
            new { appointmentId, joined = Participant.JoinedStatus }, ct);

    /// <summary>The patient's latest participation in the appointment (joined, or the last one they left), or null.</summary>
    public static Task<Participant?> LatestAsync(TenantDb db, string appointmentId, string patientId, CancellationToken ct) =>
        db.SingleAsync<Participant>(
            $"""
            SELECT {Columns} FROM appointment_participants WHERE appointment_id = @appointmentId AND patient_id = @patientId AND {TenantSql.Filter}
            ORDER BY joined_at DESC, id DESC LIMIT 1
            """,
            new { appointmentId, patientId }, ct);

    /// <summary>
    /// Takes a seat: adds one to the count unless every seat is taken or the appointment is no longer active. The
    /// condition is checked by the database on the row as it is at the update (a concurrent join waits for this one to
    /// end, then sees its count), so the count never passes the capacity; false when no seat was free.
    /// </summary>
    public static async Task<bool> ClaimSeatAsync(TenantDb db, string appointmentId, DateTimeOffset now, CancellationToken ct) =>
        await db.ExecuteAsync(
            $"""
            UPDATE appointments SET participant_count = participant_count + 1, updated_at = @now
            WHERE id = @appointmentId AND {TenantSql.Filter} AND participant_count < max_participants AND {Active}
            """,
            new { appointmentId, now }, ct) == 1;

    /// <summary>Ends a participation and frees its seat.</summary>
    public static async Task LeaveAsync(TenantDb db, Participant left, CancellationToken ct)
    {
        await db.ExecuteBatchedAsync(
            $"UPDATE appointment_participants SET status = @Status, cancelled_at = @CancelledAt, updated_at = @UpdatedAt WHERE id = @Id AND {TenantSql.Filter}",
            left, ct);
        await db.ExecuteBatchedAsync(
            $"UPDATE appointments SET participant_count = participant_count - 1, updated_at = @UpdatedAt WHERE id = @AppointmentId AND {TenantSql.Filter}",
            left, ct);
    }
}
