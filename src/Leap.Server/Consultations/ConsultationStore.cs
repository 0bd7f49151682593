using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Consultations;

public static class ConsultationStore
{
    private const string Columns =
        """
        id, consultation_id, patient_id, clinician_id, location_id, appointment_id, episode_id, consultation_date, consultation_time, status,
        consultation_type_code, consultation_type_display, consultation_medium_code, consultation_medium_display, consultation_setting,
        consultation_setting_code, chief_complaint, summary, created_by_type, created_by, created_at, updated_at
        """;

    private static readonly string Values = SqlColumns.Values(Columns);

    public static readonly ListSpec ListSpec = new ListSpec()
        .Exact("patient_id", "patient_id")
        .Exact("clinician_id", "clinician_id")
        .Exact("location_id", "location_id")
        .Exact("appointment_id", "appointment_id")
        .Exact("episode_id", "episode_id")
        .ExactOrIn("status", "status", ConsultationValues.Statuses)
        .DateRange("date", "consultation_date")
        .TimeRange("created_at", "created_at");

    /// <summary>A consultation by its id or its con_ id.</summary>
    public static Task<Consultation?> FindAsync(TenantDb db, string idOrConsultationId, CancellationToken ct)
    {
        var id = idOrConsultationId.StartsWith(Ids.Consultation, StringComparison.Ordinal) ? idOrConsultationId[Ids.Consultation.Length..] : idOrConsultationId;
        return db.SingleAsync<Consultation>($"SELECT {Columns} FROM consultations WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);
    }

    /// <summary>Most recent first.</summary>
    public static Task<Page<Consultation>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<Consultation>(
            $"SELECT {Columns} FROM consultations WHERE {TenantSql.Filter}{query.Where} ORDER BY consultation_date DESC, id DESC LIMIT @Limit OFFSET @Offset",
            query, ct);

    public static Task InsertAsync(TenantDb db, Consultation consultation, CancellationToken ct) =>
        db.ExecuteBatchedAsync($"INSERT INTO consultations ({TenantSql.Columns}, {Columns}) VALUES ({TenantSql.Values}, {Values})", consultation, ct);
}
