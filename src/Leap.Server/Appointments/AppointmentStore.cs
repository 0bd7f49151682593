using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Appointments;

public sealed class AppointmentStore(Database db)
{
    private const string Columns =
        """
        id, patient_id, clinician_profile_id, title, description, start_time, end_time, status, appointment_type_id,
        location_id, is_remote, remote_channel, video_link, video_provider, duration_minutes, buffer_before_minutes,
        buffer_after_minutes, attendee_email, attendee_name, attendee_phone, meeting_url, attendance_status,
        cancellation_reason, cancelled_at, booking_source, allow_overlap, episode_id, created_at, updated_at
        """;

    public static readonly ListSpec ListSpec = new ListSpec()
        .Exact("patient_id", "patient_id")
        .Exact("clinician_id", "clinician_profile_id")
        .Exact("clinician_profile_id", "clinician_profile_id")
        .Exact("appointment_type_id", "appointment_type_id")
        .Exact("location_id", "location_id")
        .Exact("episode_id", "episode_id")
        .ExactOrIn("status", "status", AppointmentStatuses.All)
        .TimeRange("date", "start_time")
        .TimeRange("start_time", "start_time")
        .TimeRange("created_at", "created_at");

    public Task<Appointment?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Appointment>(
            $"SELECT {Columns} FROM appointments WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<Appointment?> FindAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Appointment>(new CommandDefinition(
            $"SELECT {Columns} FROM appointments WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    /// <summary>
    /// What a booking refers to, looked up in one round trip (null columns: no such record in this tenant).
    /// Ids passed as null are not looked up.
    /// </summary>
    public Task<AppointmentReferences> FindReferencesAsync(Tenant tenant, string? patientId, string? templateId,
        string? clinicianId, string? locationId, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<AppointmentReferences>(
            """
            SELECT p.first_name AS patient_first_name, p.last_name AS patient_last_name, p.preferred_name AS patient_preferred_name,
                   p.email AS patient_email, COALESCE(p.mobile_phone, p.phone) AS patient_phone,
                   p.archived_at IS NOT NULL AS patient_archived,
                   t.is_active AS template_active, t.buffer_before_minutes, t.buffer_after_minutes,
                   c.is_active AS clinician_active, l.is_active AS location_active
            FROM (SELECT 1 AS one) AS request
            LEFT JOIN patients p ON p.id = @patientId AND p.org_id = @OrgId AND p.mode = @Mode
            LEFT JOIN appointment_templates t ON t.id = @templateId AND t.org_id = @OrgId AND t.mode = @Mode
            LEFT JOIN clinician_profiles c ON c.id = @clinicianId AND c.org_id = @OrgId AND c.mode = @Mode
            LEFT JOIN locations l ON l.id = @locationId AND l.org_id = @OrgId AND l.mode = @Mode
            """,
            new { tenant.OrgId, tenant.Mode, patientId, templateId, clinicianId, locationId }, ct)!;

    public async Task<Page<Appointment>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<Appointment>(
            $"SELECT {Columns} FROM appointments WHERE org_id = @OrgId AND mode = @Mode{query.Where} ORDER BY start_time, id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    /// <summary>
    /// Books: claims the clinician's time first (the database refuses an overlap), then records the appointment.
    /// The appointment is written at its <c>updated_at</c>, which is also the "now" that decides which holds have expired.
    /// </summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Appointment a, CancellationToken ct)
    {
        if (a.BlocksClinician)
        {
            await ClinicianBusy.ReserveAsync(connection, tx, tenant, a.Id, a.ClinicianProfileId!, a.BusyStart, a.BusyEnd, ClinicianBusy.AppointmentKind, a.UpdatedAt, ct);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO appointments (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @PatientId, @ClinicianProfileId, @Title, @Description, @StartTime, @EndTime, @Status,
                    @AppointmentTypeId, @LocationId, @IsRemote, @RemoteChannel, @VideoLink, @VideoProvider, @DurationMinutes,
                    @BufferBeforeMinutes, @BufferAfterMinutes, @AttendeeEmail, @AttendeeName, @AttendeePhone, @MeetingUrl,
                    @AttendanceStatus, @CancellationReason, @CancelledAt, @BookingSource, @AllowOverlap, @EpisodeId,
                    @CreatedAt, @UpdatedAt)
            """,
            WithTenant(tenant, a), tx, cancellationToken: ct));
    }

    /// <summary>Saves a changed appointment, keeping its busy interval in step (moved, added or released).</summary>
    public static async Task UpdateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Appointment before, Appointment after, CancellationToken ct)
    {
        if (before.BlocksClinician && after.BlocksClinician)
        {
            if (before.BusyStart != after.BusyStart || before.BusyEnd != after.BusyEnd || before.ClinicianProfileId != after.ClinicianProfileId)
            {
                await ClinicianBusy.MoveAsync(connection, tx, after.Id, after.ClinicianProfileId!, after.BusyStart, after.BusyEnd, after.UpdatedAt, ct);
            }
        }
        else if (before.BlocksClinician)
        {
            await ClinicianBusy.ReleaseAsync(connection, tx, after.Id, ct);
        }
        else if (after.BlocksClinician)
        {
            await ClinicianBusy.ReserveAsync(connection, tx, tenant, after.Id, after.ClinicianProfileId!, after.BusyStart, after.BusyEnd, ClinicianBusy.AppointmentKind, after.UpdatedAt, ct);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE appointments SET clinician_profile_id = @ClinicianProfileId, title = @Title, description = @Description,
              start_time = @StartTime, end_time = @EndTime, status = @Status, location_id = @LocationId, is_remote = @IsRemote,
              remote_channel = @RemoteChannel, video_link = @VideoLink, video_provider = @VideoProvider,
              duration_minutes = @DurationMinutes, attendee_email = @AttendeeEmail, attendee_name = @AttendeeName,
              attendee_phone = @AttendeePhone, meeting_url = @MeetingUrl, attendance_status = @AttendanceStatus,
              cancellation_reason = @CancellationReason, cancelled_at = @CancelledAt, allow_overlap = @AllowOverlap,
              episode_id = @EpisodeId, updated_at = @UpdatedAt
            WHERE id = @Id AND org_id = @OrgId AND mode = @Mode
            """,
            WithTenant(tenant, after), tx, cancellationToken: ct));
    }

    private static DynamicParameters WithTenant(Tenant tenant, Appointment appointment)
    {
        var parameters = new DynamicParameters(appointment);
        parameters.Add("OrgId", tenant.OrgId);
        parameters.Add("Mode", tenant.Mode);
        return parameters;
    }
}
