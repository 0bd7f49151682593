using Leap.Server.Storage;

namespace Leap.Server.Notifications;

/// <summary>The SQL of the notification worker: claims, what a message needs when it is sent, and outcomes.</summary>
public static class Delivery
{
    /// <summary>A message taken by a worker: its until the lease runs out.</summary>
    public sealed record Claim
    {
        public required string Id { get; init; }
        public required string OrgId { get; init; }
        public required string Mode { get; init; }
        public required string AppointmentId { get; init; }
        public required string PatientId { get; init; }
        public required string Trigger { get; init; }
        public required string Occurrence { get; init; }
        public required string Channel { get; init; }
        public DateTimeOffset AppointmentStart { get; init; }
        public int? MinutesBefore { get; init; }
        public DateTimeOffset DueAt { get; init; }
        public int Attempts { get; init; }
    }

    /// <summary>The appointment and everything around it, read as they are when the message is sent.</summary>
    public sealed record Facts
    {
        public required string Status { get; init; }
        public DateTimeOffset StartTime { get; init; }
        public DateTimeOffset EndTime { get; init; }
        public required string Title { get; init; }
        public string? AttendeeEmail { get; init; }
        public string? AttendeePhone { get; init; }
        public string? AttendeeName { get; init; }
        public string? MeetingUrl { get; init; }
        /// <summary>The recipient: the appointment's patient, or a participant of its group session.</summary>
        public required string PatientId { get; init; }
        /// <summary>Whether the recipient is the appointment's patient (whose manage link and attendee details the appointment holds).</summary>
        public bool IsBookingPatient { get; init; }
        public required string PatientFirstName { get; init; }
        public string? PatientPreferredName { get; init; }
        public string? PatientEmail { get; init; }
        public string? PatientPhone { get; init; }
        public string? PreferredContactMethod { get; init; }
        public bool ConsentEmail { get; init; }
        public bool ConsentSms { get; init; }
        public bool ConsentElectronicCommunication { get; init; }
        public string? Service { get; init; }
        public string? Clinician { get; init; }
        public string? Location { get; init; }
        public string? AddressLine1 { get; init; }
        public string? AddressLine2 { get; init; }
        public string? AddressLine3 { get; init; }
        public string? TownCity { get; init; }
        public string? Postcode { get; init; }
        public string? LocationPhone { get; init; }
        public string? LocationEmail { get; init; }
        public string? Timezone { get; init; }
        public required string Organisation { get; init; }
        public string? QuietHoursStart { get; init; }
        public string? QuietHoursEnd { get; init; }
        /// <summary>The organisation's own wording of the claimed message (all null while it keeps the built-in one).</summary>
        public string? TemplateSubject { get; init; }
        public string? TemplateText { get; init; }
        public string? TemplateHtml { get; init; }

        public string? Email => AttendeeEmail ?? PatientEmail;
        public string? Phone => AttendeePhone ?? PatientPhone;
        public string? Address => string.Join(", ", new[] { AddressLine1, AddressLine2, AddressLine3, TownCity, Postcode }.Where(s => !string.IsNullOrWhiteSpace(s))) is { Length: > 0 } a ? a : null;
        public QuietHours? QuietHours => QuietHoursStart is null || QuietHoursEnd is null ? null : new QuietHours(QuietHoursStart, QuietHoursEnd);

        public MessageTemplate Template(Claim claim) => TemplateText is null
            ? MessageTemplates.Default(claim.Trigger, claim.Channel)
            : new MessageTemplate { Trigger = claim.Trigger, Channel = claim.Channel, Subject = TemplateSubject, Text = TemplateText, Html = TemplateHtml };
    }

    /// <summary>
    /// Takes up to <paramref name="limit"/> due messages (every tenant's) until <paramref name="leaseUntil"/>, counting the
    /// attempt. On PostgreSQL <c>SKIP LOCKED</c> lets the workers of several processes share the table without taking
    /// the same row; a worker that dies mid-send leaves its rows to be taken again once the lease runs out.
    /// </summary>
    public static Task<IReadOnlyList<Claim>> ClaimDueAsync(CrossTenantDb db, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        var skipLocked = db.Engine == Engine.Postgres ? "FOR UPDATE SKIP LOCKED" : "";
        return db.WriteAsync(write => write.ListAsync<Claim>(
            $"""
            UPDATE notifications SET attempts = attempts + 1, next_attempt_at = @leaseUntil, updated_at = @now
            WHERE id IN (SELECT id FROM notifications WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @limit {skipLocked})
            RETURNING id, org_id, mode, appointment_id, patient_id, trigger, occurrence, channel, appointment_start, minutes_before, due_at, attempts
            """,
            new { now, leaseUntil, limit }, ct), ct);
    }

    /// <summary>When the longest-waiting due message fell due (null: none is due).</summary>
    public static Task<DateTimeOffset?> OldestDueAsync(CrossTenantDb db, DateTimeOffset now, CancellationToken ct) =>
        db.ScalarAsync<DateTimeOffset?>("SELECT MIN(next_attempt_at) FROM notifications WHERE status = 'pending' AND next_attempt_at <= @now", new { now }, ct);

    /// <summary>
    /// The claimed message's appointment, recipient (the attendee details are the booking patient's alone), place,
    /// organisation and wording, in one read.
    /// </summary>
    public static Task<Facts?> FactsAsync(TenantDb db, Claim claim, CancellationToken ct) =>
        db.SingleAsync<Facts>(
            $"""
            SELECT a.status, a.start_time, a.end_time, a.title, a.meeting_url, p.id AS patient_id, a.patient_id = p.id AS is_booking_patient,
                   CASE WHEN a.patient_id = p.id THEN a.attendee_email END AS attendee_email,
                   CASE WHEN a.patient_id = p.id THEN a.attendee_phone END AS attendee_phone,
                   CASE WHEN a.patient_id = p.id THEN a.attendee_name END AS attendee_name,
                   p.first_name AS patient_first_name, p.preferred_name AS patient_preferred_name, p.email AS patient_email,
                   COALESCE(p.mobile_phone, p.phone) AS patient_phone, p.preferred_contact_method, p.consent_email, p.consent_sms,
                   p.consent_electronic_communication, t.name AS service, COALESCE(c.display_name, c.name) AS clinician,
                   l.name AS location, l.address_line_1, l.address_line_2, l.address_line_3, l.town_city, l.postcode,
                   l.phone AS location_phone, l.email AS location_email, l.timezone, o.name AS organisation,
                   s.quiet_hours_start, s.quiet_hours_end, m.subject AS template_subject, m.text_body AS template_text, m.html_body AS template_html
            FROM appointments a
            JOIN organisations o ON o.id = a.org_id
            JOIN patients p ON p.id = @PatientId AND {TenantSql.Of("p")}
            LEFT JOIN appointment_templates t ON t.id = a.appointment_type_id AND {TenantSql.Of("t")}
            LEFT JOIN clinician_profiles c ON c.id = a.clinician_profile_id AND {TenantSql.Of("c")}
            LEFT JOIN locations l ON l.id = a.location_id AND {TenantSql.Of("l")}
            LEFT JOIN notification_settings s ON {TenantSql.Of("s")}
            LEFT JOIN message_templates m ON m.trigger = @Trigger AND m.channel = @Channel AND {TenantSql.Of("m")}
            WHERE a.id = @AppointmentId AND {TenantSql.Of("a")}
            """,
            new { claim.AppointmentId, claim.PatientId, claim.Trigger, claim.Channel }, ct);

    /// <summary>Whether the same message (appointment, trigger, occurrence) is also planned on <paramref name="channel"/>.</summary>
    public static Task<bool> AlsoPlannedOnAsync(TenantDb db, Claim claim, string channel, CancellationToken ct) =>
        db.ScalarAsync<bool>(
            $"""
            SELECT EXISTS (SELECT 1 FROM notifications WHERE appointment_id = @AppointmentId AND {TenantSql.Filter}
                             AND patient_id = @PatientId AND trigger = @Trigger AND occurrence = @Occurrence AND channel = @channel)
            """,
            new { claim.AppointmentId, claim.PatientId, claim.Trigger, claim.Occurrence, channel }, ct);

    /// <summary>
    /// The calendar SEQUENCE of a message: how many reschedules and cancellations of the appointment were planned up
    /// to it, so every later invitation of the same UID outranks the earlier ones.
    /// </summary>
    public static async Task<int> CalendarSequenceAsync(TenantDb db, Claim claim, CancellationToken ct) =>
        // A booking's confirmation is the first version: nothing can have been planned before it.
        claim.Trigger == NotificationTriggers.Booked ? 0 : await db.ScalarAsync<int>(
            $"""
            SELECT COUNT(DISTINCT trigger || occurrence) FROM notifications
            WHERE appointment_id = @AppointmentId AND patient_id = @PatientId AND {TenantSql.Filter} AND trigger IN ('rescheduled', 'cancelled') AND due_at <= @DueAt
            """,
            new { claim.AppointmentId, claim.PatientId, claim.DueAt }, ct);

    /// <summary>
    /// Records how the attempt ended, if the claim is still this worker's (the row is pending with the attempt count
    /// it claimed); returns whether it was.
    /// </summary>
    public static async Task<bool> RecordAsync(TenantDb db, Claim claim, string status, DateTimeOffset now, CancellationToken ct,
        string? providerId = null, string? skipReason = null, string? error = null, DateTimeOffset? nextAttemptAt = null, bool uncount = false) =>
        await db.WriteAsync(
            $"""
            UPDATE notifications SET status = @status, provider_id = COALESCE(@providerId, provider_id), skip_reason = @skipReason,
              last_error = @error, next_attempt_at = @nextAttemptAt, attempts = attempts - @uncount, updated_at = @now,
              sent_at = CASE WHEN @status = 'sent' THEN @now ELSE sent_at END
            WHERE id = @Id AND {TenantSql.Filter} AND attempts = @Attempts AND status = 'pending'
            """,
            new { claim.Id, claim.Attempts, status, providerId, skipReason, error, nextAttemptAt, now, uncount = uncount ? 1 : 0 }, ct) == 1;
}
