using Leap.Server.Appointments;
using Leap.Server.Storage;

namespace Leap.Server.Notifications;

/// <summary>The SQL of notifications, settings and message templates.</summary>
public static class NotificationStore
{
    static NotificationStore() => TypeHandlers.AddJson(NotificationsJson.Default.TemplateNotifications);

    private const string Columns =
        """
        id, appointment_id, patient_id, trigger, channel, status, minutes_before, skip_reason, attempts, provider_id, last_error,
        appointment_start, due_at, next_attempt_at, sent_at, created_at, updated_at
        """;

    /// <summary>A template's settings (the defaults for an appointment without one, or a template that never set them).</summary>
    public static async Task<TemplateNotifications> TemplateSettingsAsync(TenantDb db, string? templateId, CancellationToken ct) =>
        templateId is null
            ? TemplateNotifications.Defaults
            : await db.SingleAsync<TemplateNotifications?>(
                $"SELECT notifications FROM appointment_templates WHERE id = @templateId AND {TenantSql.Filter}", new { templateId }, ct)
              ?? TemplateNotifications.Defaults;

    /// <summary>
    /// Inserts the planned rows, each to its recipient, in one statement (sent with the change's next statement on
    /// PostgreSQL). A row that exists already is left alone, except a reminder skipped because its appointment moved (or
    /// its participant left), which the appointment moving back to that start (or the patient joining again) brings back.
    /// </summary>
    public static Task InsertPlannedAsync(TenantDb db, Appointment a, IReadOnlyList<(string PatientId, NotificationPlanner.Planned Message)> planned,
        CancellationToken ct)
    {
        var args = new Dictionary<string, object?> { ["appointmentId"] = a.Id, ["start"] = a.StartTime, ["now"] = a.UpdatedAt };
        var rows = new List<string>(planned.Count);
        for (var i = 0; i < planned.Count; i++)
        {
            var (patientId, p) = planned[i];
            args[$"id{i}"] = Ids.New(Ids.Notification);
            args[$"patient{i}"] = patientId;
            args[$"trigger{i}"] = p.Trigger;
            args[$"occurrence{i}"] = p.Occurrence;
            args[$"channel{i}"] = p.Channel;
            args[$"minutes{i}"] = p.MinutesBefore;
            args[$"due{i}"] = p.DueAt;
            rows.Add($"(@id{i}, {TenantSql.Values}, @appointmentId, @patient{i}, @trigger{i}, @occurrence{i}, @channel{i}, 'pending', @start, @minutes{i}, @due{i}, @due{i}, 0, @now, @now)");
        }
        return db.ExecuteBatchedAsync(
            $"""
            INSERT INTO notifications (id, {TenantSql.Columns}, appointment_id, patient_id, trigger, occurrence, channel, status, appointment_start, minutes_before,
                                       due_at, next_attempt_at, attempts, created_at, updated_at)
            VALUES {string.Join(", ", rows)}
            ON CONFLICT (org_id, mode, appointment_id, patient_id, trigger, occurrence, channel) DO UPDATE
              SET status = 'pending', skip_reason = NULL, attempts = 0, next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at
              WHERE notifications.status = 'skipped' AND notifications.skip_reason IN ('{SkipReasons.AppointmentMoved}', '{SkipReasons.ParticipantLeft}')
            """,
            args, ct);
    }

    /// <summary>
    /// Skips the appointment's pending messages of <paramref name="triggers"/> planned for another start than <paramref name="start"/> (all of them on a
    /// cancellation), to every recipient or to <paramref name="patientId"/> alone (a participant who left).
    /// </summary>
    public static Task SkipPendingAsync(TenantDb db, string appointmentId, string reason, IReadOnlyList<string> triggers, DateTimeOffset start,
        DateTimeOffset now, CancellationToken ct, string? patientId = null)
    {
        var moved = reason == SkipReasons.AppointmentMoved ? " AND appointment_start <> @start" : "";
        var recipient = patientId is null ? "" : " AND patient_id = @patientId";
        return db.ExecuteBatchedAsync(
            $"""
            UPDATE notifications SET status = 'skipped', skip_reason = @reason, next_attempt_at = NULL, updated_at = @now
            WHERE appointment_id = @appointmentId AND {TenantSql.Filter} AND status = 'pending' AND trigger IN ({string.Join(", ", triggers.Select(t => $"'{t}'"))}){moved}{recipient}
            """,
            new { appointmentId, reason, start, now, patientId }, ct);
    }

    public static Task<IReadOnlyList<Notification>> ForAppointmentAsync(TenantDb db, string appointmentId, CancellationToken ct) =>
        db.ListAsync<Notification>(
            $"SELECT {Columns} FROM notifications WHERE appointment_id = @appointmentId AND {TenantSql.Filter} ORDER BY due_at, id",
            new { appointmentId }, ct);

    /// <summary>The organisation's settings (the defaults until it changes them); the read-only members are the caller's to fill in.</summary>
    public static async Task<NotificationSettings> SettingsAsync(TenantDb db, CancellationToken ct)
    {
        var rows = await db.ListAsync<(string? Start, string? End, DateTimeOffset UpdatedAt)>(
            $"SELECT quiet_hours_start, quiet_hours_end, updated_at FROM notification_settings WHERE {TenantSql.Filter}", null, ct);
        return rows.Count == 0
            ? new NotificationSettings()
            : new NotificationSettings
            {
                QuietHours = rows[0].Start is { } start && rows[0].End is { } end ? new QuietHours(start, end) : null,
                UpdatedAt = rows[0].UpdatedAt,
            };
    }

    public static Task SaveSettingsAsync(TenantDb db, NotificationSettings settings, CancellationToken ct) =>
        db.WriteAsync(
            $"""
            INSERT INTO notification_settings ({TenantSql.Columns}, quiet_hours_start, quiet_hours_end, updated_at)
            VALUES ({TenantSql.Values}, @start, @end, @UpdatedAt)
            ON CONFLICT (org_id, mode) DO UPDATE SET quiet_hours_start = excluded.quiet_hours_start, quiet_hours_end = excluded.quiet_hours_end,
              updated_at = excluded.updated_at
            """,
            new { start = settings.QuietHours?.Start, end = settings.QuietHours?.End, settings.UpdatedAt }, ct);

    /// <summary>The organisation's wording of a message, or the built-in one.</summary>
    public static async Task<MessageTemplate> MessageTemplateAsync(TenantDb db, string trigger, string channel, CancellationToken ct) =>
        await db.SingleAsync<MessageTemplate>(
            $"""
            SELECT trigger, channel, subject, text_body AS text, html_body AS html, updated_at FROM message_templates
            WHERE trigger = @trigger AND channel = @channel AND {TenantSql.Filter}
            """,
            new { trigger, channel }, ct) ?? MessageTemplates.Default(trigger, channel);

    public static async Task<IReadOnlyList<MessageTemplate>> MessageTemplatesAsync(TenantDb db, CancellationToken ct)
    {
        var own = (await db.ListAsync<MessageTemplate>(
            $"SELECT trigger, channel, subject, text_body AS text, html_body AS html, updated_at FROM message_templates WHERE {TenantSql.Filter}", null, ct))
            .ToDictionary(t => (t.Trigger, t.Channel));
        return MessageTemplates.Kinds.Select(k => own.GetValueOrDefault(k) ?? MessageTemplates.Default(k.Trigger, k.Channel)).ToList();
    }

    public static Task SaveMessageTemplateAsync(TenantDb db, MessageTemplate template, CancellationToken ct) =>
        db.WriteAsync(
            $"""
            INSERT INTO message_templates ({TenantSql.Columns}, trigger, channel, subject, text_body, html_body, updated_at)
            VALUES ({TenantSql.Values}, @Trigger, @Channel, @Subject, @Text, @Html, @UpdatedAt)
            ON CONFLICT (org_id, mode, trigger, channel) DO UPDATE SET subject = excluded.subject, text_body = excluded.text_body,
              html_body = excluded.html_body, updated_at = excluded.updated_at
            """,
            template, ct);

    /// <summary>Back to the built-in wording; returns whether the organisation had its own.</summary>
    public static async Task<bool> ResetMessageTemplateAsync(TenantDb db, string trigger, string channel, CancellationToken ct) =>
        await db.WriteAsync($"DELETE FROM message_templates WHERE trigger = @trigger AND channel = @channel AND {TenantSql.Filter}", new { trigger, channel }, ct) == 1;
}
