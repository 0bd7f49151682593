using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Participants;
using Leap.Server.Resources;
using Leap.Server.Storage;

namespace Leap.Server.Appointments;

public static class AppointmentStore
{
    static AppointmentStore() => TypeHandlers.AddJson(NotificationsJson.Default.TemplateNotifications);

    private const string Columns =
        """
        id, patient_id, clinician_profile_id, title, description, start_time, end_time, status, appointment_type_id,
        location_id, is_remote, remote_channel, video_link, video_provider, duration_minutes, buffer_before_minutes,
        buffer_after_minutes, attendee_email, attendee_name, attendee_phone, meeting_url, attendance_status,
        cancellation_reason, cancelled_at, booking_source, allow_overlap, episode_id, notes, series_id, max_participants,
        participant_count, resource_ids, created_at, updated_at
        """;

    public static readonly ListSpec ListSpec = new ListSpec()
        .Id("patient_id", "patient_id", Ids.Patient)
        .Id("clinician_id", "clinician_profile_id", Ids.Clinician)
        .Id("clinician_profile_id", "clinician_profile_id", Ids.Clinician)
        .Id("appointment_type_id", "appointment_type_id", Ids.AppointmentTemplate)
        .Id("location_id", "location_id", Ids.Location)
        .Id("episode_id", "episode_id", Ids.Episode)
        .Id("series_id", "series_id", Ids.Series)
        .ExactOrIn("status", "status", AppointmentStatuses.All)
        .TimeRange("date", "start_time")
        .TimeRange("start_time", "start_time")
        .TimeRange("created_at", "created_at")
        .TimeRange("updated_at", "updated_at");

    /// <summary>An appointment; inside a write, locked until the transaction ends (a concurrent change waits, then sees this one).</summary>
    public static Task<Appointment?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<Appointment>($"SELECT {Columns} FROM appointments WHERE id = @id AND {TenantSql.Filter}{db.RowLock()}", new { id }, ct);

    /// <summary>The episode an appointment is filed on; inside a write, its row is locked until the transaction ends.</summary>
    public static Task<string?> EpisodeOfAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<string>($"SELECT episode_id FROM appointments WHERE id = @id AND {TenantSql.Filter}{db.RowLock()}", new { id }, ct);

    /// <summary>Files the appointment on an episode (routing: its updated_at stays, the change it routes set that).</summary>
    public static Task FileAsync(TenantDb db, string id, string episodeId, CancellationToken ct) =>
        db.ExecuteBatchedAsync($"UPDATE appointments SET episode_id = @episodeId WHERE id = @id AND {TenantSql.Filter}", new { id, episodeId }, ct);

    /// <summary>
    /// What a booking refers to, looked up in one round trip (null columns: no such record in this tenant).
    /// Ids passed as null are not looked up.
    /// </summary>
    public static async Task<AppointmentReferences> FindReferencesAsync(TenantDb db, string? patientId, string? templateId,
        string? clinicianId, string? locationId, string? episodeId, CancellationToken ct) =>
        (await db.SingleAsync<AppointmentReferences>(
            $"""
            SELECT p.first_name AS patient_first_name, p.last_name AS patient_last_name, p.preferred_name AS patient_preferred_name,
                   p.email AS patient_email, COALESCE(p.mobile_phone, p.phone) AS patient_phone,
                   p.archived_at IS NOT NULL AS patient_archived,
                   t.is_active AS template_active, t.max_participants, t.buffer_before_minutes, t.buffer_after_minutes, t.notifications AS template_notifications,
                   t.required_resource_types AS template_required_resource_types,
                   c.is_active AS clinician_active, l.is_active AS location_active, e.patient_id AS episode_patient_id
            FROM (SELECT 1 AS one) AS request
            LEFT JOIN patients p ON p.id = @patientId AND {TenantSql.Of("p")}
            LEFT JOIN appointment_templates t ON t.id = @templateId AND {TenantSql.Of("t")}
            LEFT JOIN clinician_profiles c ON c.id = @clinicianId AND {TenantSql.Of("c")}
            LEFT JOIN locations l ON l.id = @locationId AND {TenantSql.Of("l")}
            LEFT JOIN episodes e ON e.id = @episodeId AND {TenantSql.Of("e")}
            """,
            new { patientId, templateId, clinicianId, locationId, episodeId }, ct))!;

    public static Task<Page<Appointment>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<Appointment>(
            $"SELECT {Columns} FROM appointments WHERE {TenantSql.Filter}{query.Where} ORDER BY start_time, id LIMIT @Limit OFFSET @Offset", query, ct);

    /// <summary>The occurrences of a series, in order of start time.</summary>
    public static Task<IReadOnlyList<Appointment>> OfSeriesAsync(TenantDb db, string seriesId, CancellationToken ct) =>
        db.ListAsync<Appointment>($"SELECT {Columns} FROM appointments WHERE series_id = @seriesId AND {TenantSql.Filter} ORDER BY start_time, id",
            new { seriesId }, ct);

    /// <summary>
    /// Books: claims the clinician's time and the resources first (the database refuses an overlap), then records the appointment.
    /// The appointment is written at its <c>updated_at</c>, which is also the "now" that decides which holds have expired.
    /// </summary>
    public static async Task InsertAsync(TenantDb db, Appointment a, CancellationToken ct)
    {
        if (a.BlocksClinician)
        {
            await ClinicianBusy.ReserveAsync(db, a.Id, a.ClinicianProfileId!, a.BusyStart, a.BusyEnd, ClinicianBusy.AppointmentKind, a.UpdatedAt, ct);
        }
        if (a.BlocksResources)
        {
            await ResourceBusy.ClaimAsync(db, a.Id, a.ResourceIds!, a.BusyStart, a.BusyEnd, ct);
        }
        await db.ExecuteBatchedAsync(
            $"""
            INSERT INTO appointments ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @PatientId, @ClinicianProfileId, @Title, @Description, @StartTime, @EndTime, @Status,
                    @AppointmentTypeId, @LocationId, @IsRemote, @RemoteChannel, @VideoLink, @VideoProvider, @DurationMinutes,
                    @BufferBeforeMinutes, @BufferAfterMinutes, @AttendeeEmail, @AttendeeName, @AttendeePhone, @MeetingUrl,
                    @AttendanceStatus, @CancellationReason, @CancelledAt, @BookingSource, @AllowOverlap, @EpisodeId, @Notes,
                    @SeriesId, @MaxParticipants, @ParticipantCount, @ResourceIds, @CreatedAt, @UpdatedAt)
            """,
            a, ct);
        if (a.MaxParticipants is not null)
        {
            await ParticipantStore.InsertAsync(db, Participant.Joined(a.Id, a.PatientId, a.CreatedAt), ct);
        }
    }

    /// <summary>Saves a changed appointment, keeping its busy intervals (the clinician's, its resources') in step (moved, added or released).</summary>
    public static async Task UpdateAsync(TenantDb db, Appointment before, Appointment after, CancellationToken ct)
    {
        if (before.BlocksClinician && after.BlocksClinician)
        {
            if (before.BusyStart != after.BusyStart || before.BusyEnd != after.BusyEnd || before.ClinicianProfileId != after.ClinicianProfileId)
            {
                await ClinicianBusy.MoveAsync(db, after.Id, after.ClinicianProfileId!, after.BusyStart, after.BusyEnd, after.UpdatedAt, ct);
            }
        }
        else if (before.BlocksClinician)
        {
            await ClinicianBusy.ReleaseAsync(db, after.Id, ct);
        }
        else if (after.BlocksClinician)
        {
            await ClinicianBusy.ReserveAsync(db, after.Id, after.ClinicianProfileId!, after.BusyStart, after.BusyEnd, ClinicianBusy.AppointmentKind, after.UpdatedAt, ct);
        }
        // A reschedule moves the resources' claims, or swaps them when it re-picked some (ResourceBooking.RepickAsync);
        // an appointment that is no longer active frees them.
        var swapped = after.BlocksResources && !(before.ResourceIds ?? []).SequenceEqual(after.ResourceIds!);
        if ((before.BlocksResources && !after.BlocksResources) || swapped)
        {
            await ResourceBusy.ReleaseAsync(db, after.Id, ct);
        }
        if (swapped)
        {
            await ResourceBusy.ClaimAsync(db, after.Id, after.ResourceIds!, after.BusyStart, after.BusyEnd, ct);
        }
        else if (after.BlocksResources && (before.BusyStart != after.BusyStart || before.BusyEnd != after.BusyEnd))
        {
            await ResourceBusy.MoveAsync(db, after.Id, after.ResourceIds!, after.BusyStart, after.BusyEnd, ct);
        }
        await db.ExecuteBatchedAsync(
            $"""
            UPDATE appointments SET clinician_profile_id = @ClinicianProfileId, title = @Title, description = @Description,
              start_time = @StartTime, end_time = @EndTime, status = @Status, location_id = @LocationId, is_remote = @IsRemote,
              remote_channel = @RemoteChannel, video_link = @VideoLink, video_provider = @VideoProvider,
              duration_minutes = @DurationMinutes, attendee_email = @AttendeeEmail, attendee_name = @AttendeeName,
              attendee_phone = @AttendeePhone, meeting_url = @MeetingUrl, attendance_status = @AttendanceStatus,
              cancellation_reason = @CancellationReason, cancelled_at = @CancelledAt, allow_overlap = @AllowOverlap,
              episode_id = @EpisodeId, notes = @Notes, resource_ids = @ResourceIds, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            after, ct);
    }
}
