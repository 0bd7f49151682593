using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Waitlist;

/// <summary>The SQL of the waitlist. Every change of an entry's status is conditional on the status it leaves, so of two racing changes one wins.</summary>
public static class WaitlistStore
{
    private static readonly string Select =
        $"""
        SELECT e.id, e.patient_id, e.appointment_template_id, e.clinician_profile_id, e.location_id, e.earliest_date, e.latest_date,
               e.priority, e.notes, e.status, e.hold_id, h.start_time AS offer_start_time, h.end_time AS offer_end_time,
               h.clinician_profile_id AS offer_clinician_profile_id, e.offer_expires_at, e.appointment_id, e.created_at, e.updated_at
        FROM waitlist_entries e LEFT JOIN holds h ON h.id = e.hold_id AND {TenantSql.Of("h")}
        """;

    /// <summary>A slot that has come free, and whose appointment freed it (its patient is not offered their own slot back).</summary>
    public sealed record FreedSlot(string TemplateId, string ClinicianId, string? LocationId, DateTimeOffset Start, string? FreedByPatientId);

    /// <summary>An offer that ran out, as the expiry round finds it.</summary>
    public sealed record Lapsed(string OrgId, string Mode, string Id);

    public static readonly ListSpec ListSpec = new ListSpec()
        .Id("patient_id", "e.patient_id", Ids.Patient)
        .Id("appointment_template_id", "e.appointment_template_id", Ids.AppointmentTemplate)
        .ExactOrIn("status", "e.status", WaitlistStatuses.All);

    public static Task<Page<WaitlistEntry>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<WaitlistEntry>($"{Select} WHERE {TenantSql.Of("e")}{query.Where} ORDER BY e.id LIMIT @Limit OFFSET @Offset", query, ct);

    public static Task<WaitlistEntry?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<WaitlistEntry>($"{Select} WHERE e.id = @id AND {TenantSql.Of("e")}", new { id }, ct);

    public static Task InsertAsync(TenantDb db, WaitlistEntry entry, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO waitlist_entries ({TenantSql.Columns}, id, patient_id, appointment_template_id, clinician_profile_id, location_id,
                                          earliest_date, latest_date, priority, notes, status, created_at, updated_at)
            VALUES ({TenantSql.Values}, @Id, @PatientId, @AppointmentTemplateId, @ClinicianProfileId, @LocationId,
                    @EarliestDate, @LatestDate, @Priority, @Notes, @Status, @CreatedAt, @UpdatedAt)
            """,
            entry, ct);

    /// <summary>
    /// The waiting entries a freed slot suits, best first: its template, the clinician and location they name (if any),
    /// the slot's local date inside their dates, highest priority and then the oldest first.
    /// </summary>
    public static Task<IReadOnlyList<string>> CandidatesAsync(TenantDb db, FreedSlot slot, DateOnly localDate, int limit, CancellationToken ct) =>
        db.ListAsync<string>(
            $"""
            SELECT id FROM waitlist_entries
            WHERE {TenantSql.Filter} AND status = 'waiting' AND appointment_template_id = @TemplateId
              AND (clinician_profile_id IS NULL OR clinician_profile_id = @ClinicianId)
              AND (location_id IS NULL OR location_id = @LocationId)
              AND (earliest_date IS NULL OR earliest_date <= @localDate) AND (latest_date IS NULL OR latest_date >= @localDate)
              AND patient_id <> @patient
            ORDER BY priority DESC, id LIMIT @limit
            """,
            new { slot.TemplateId, slot.ClinicianId, slot.LocationId, localDate, patient = slot.FreedByPatientId ?? "", limit }, ct);

    /// <summary>The templates waiting entries want of <paramref name="clinicianId"/> (named, or any clinician), each with how many wait.</summary>
    public static Task<IReadOnlyList<(string TemplateId, int Waiting)>> WaitingTemplatesAsync(TenantDb db, string clinicianId, CancellationToken ct) =>
        db.ListAsync<(string TemplateId, int Waiting)>(
            $"""
            SELECT appointment_template_id, CAST(COUNT(*) AS INTEGER) FROM waitlist_entries
            WHERE {TenantSql.Filter} AND status = 'waiting' AND (clinician_profile_id IS NULL OR clinician_profile_id = @clinicianId)
            GROUP BY appointment_template_id ORDER BY appointment_template_id
            """,
            new { clinicianId }, ct);

    /// <summary>Offers the slot held by <paramref name="holdId"/> to a waiting entry; false when the entry is no longer waiting (another offer won it).</summary>
    public static async Task<bool> OfferAsync(TenantDb db, string id, string holdId, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct) =>
        await db.ExecuteAsync(
            $"""
            UPDATE waitlist_entries SET status = 'offered', hold_id = @holdId, offer_expires_at = @expiresAt, updated_at = @now
            WHERE id = @id AND status = 'waiting' AND {TenantSql.Filter}
            """,
            new { id, holdId, expiresAt, now }, ct) == 1;

    /// <summary>Moves an entry from <paramref name="from"/> to <paramref name="to"/>; false when it was no longer in <paramref name="from"/>.</summary>
    public static async Task<bool> MoveAsync(TenantDb db, string id, string from, string to, DateTimeOffset now, CancellationToken ct,
        string? appointmentId = null) =>
        await db.ExecuteAsync(
            $"""
            UPDATE waitlist_entries SET status = @to, appointment_id = @appointmentId, updated_at = @now
            WHERE id = @id AND status = @from AND {TenantSql.Filter}
            """,
            new { id, from, to, appointmentId, now }, ct) == 1;

    /// <summary>Offers that ran out unclaimed by <paramref name="now"/>, across tenants, the oldest first.</summary>
    public static Task<IReadOnlyList<Lapsed>> LapsedAsync(CrossTenantDb db, DateTimeOffset now, int limit, CancellationToken ct) =>
        db.ListAsync<Lapsed>(
            "SELECT org_id, mode, id FROM waitlist_entries WHERE status = 'offered' AND offer_expires_at <= @now ORDER BY offer_expires_at, id LIMIT @limit",
            new { now, limit }, ct);
}
