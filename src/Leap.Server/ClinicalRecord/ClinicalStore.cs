using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.ClinicalRecord;

/// <summary>The SQL of clinical entries of every kind, their amendments and documents' bytes.</summary>
public static class ClinicalStore
{
    private const string Columns =
        "id, kind, patient_id, consultation_id, status, category, recorded_on, version, data, created_by_type, created_by, created_at, updated_at";

    private const string AmendmentColumns =
        "id, entry_id, kind AS entry_type, patient_id, consultation_id, version, previous, reason, amended_by_type, amended_by, amended_at";

    static ClinicalStore() => TypeHandlers.AddJson(ClinicalJson.Default.JsonObject);

    /// <summary>Whose entries (or amendments) a list shows: one patient's, one consultation's, one entry's, or (with filters) all.</summary>
    public enum Scope { Patient, Consultation, Entry, All }

    /// <summary>An entry of <paramref name="kind"/>; inside a write, locked until it commits.</summary>
    public static Task<ClinicalEntry?> FindAsync(TenantDb db, EntryKind kind, string id, CancellationToken ct) =>
        db.SingleAsync<ClinicalEntry>(
            $"SELECT {Columns} FROM clinical_entries WHERE id = @id AND kind = @kind AND {TenantSql.Filter}{db.RowLock(noKey: true)}",
            new { id, kind = kind.Name }, ct);

    /// <summary>The one list of every kind and scope: newest first by the date the entries are about.</summary>
    public static Task<Page<ClinicalEntry>> ListAsync(TenantDb db, EntryKind kind, Scope scope, string? ownerId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"kind = {query.Bind(kind.Name)}");
        if (scope != Scope.All)
        {
            query.AddCondition($"{(scope == Scope.Patient ? "patient_id" : "consultation_id")} = {query.Bind(ownerId!)}");
        }
        return db.PageAsync<ClinicalEntry>(
            $"SELECT {Columns} FROM clinical_entries WHERE {TenantSql.Filter}{query.Where} ORDER BY recorded_on DESC, id DESC LIMIT @Limit OFFSET @Offset",
            query, ct);
    }

    /// <summary>Every entry of a consultation (its card), oldest first; at most <paramref name="limit"/>.</summary>
    public static Task<IReadOnlyList<ClinicalEntry>> ListForConsultationAsync(TenantDb db, string consultationId, int limit, CancellationToken ct) =>
        db.ListAsync<ClinicalEntry>(
            $"SELECT {Columns} FROM clinical_entries WHERE consultation_id = @consultationId AND {TenantSql.Filter} ORDER BY id LIMIT @limit",
            new { consultationId, limit }, ct);

    public static Task InsertAsync(TenantDb db, ClinicalEntry entry, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO clinical_entries ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @Kind, @PatientId, @ConsultationId, @Status, @Category, @RecordedOn, @Version, @Data,
                    @CreatedByType, @CreatedBy, @CreatedAt, @UpdatedAt)
            """,
            entry, ct);

    /// <summary>
    /// A correction: the current version goes to the amendments first (with who, when and why), then the entry
    /// takes the new fields and the next version. The amendment names the session's actor. The version in the WHERE clause makes a lost race change nothing.
    /// </summary>
    public static async Task AmendAsync(TenantDb db, ClinicalEntry before, ClinicalEntry after, string? reason, CancellationToken ct)
    {
        await db.ExecuteBatchedAsync(
            $"""
            INSERT INTO clinical_amendments ({TenantSql.Columns}, id, entry_id, kind, patient_id, consultation_id, version, previous, reason,
                                             amended_by_type, amended_by, amended_at)
            VALUES ({TenantSql.Values}, @Id, @EntryId, @Kind, @PatientId, @ConsultationId, @Version, @Previous, @Reason, @Type, @By, @At)
            """,
            new
            {
                Id = Ids.New(Ids.Amendment), EntryId = before.Id, before.Kind, before.PatientId, before.ConsultationId, before.Version,
                Previous = before.Data, Reason = reason, Type = db.Actor.Type, By = db.Actor.Id, At = after.UpdatedAt,
            }, ct);
        var changed = await db.ExecuteAsync(
            $"""
            UPDATE clinical_entries SET status = @Status, category = @Category, recorded_on = @RecordedOn, version = @Version, data = @Data,
              updated_at = @UpdatedAt
            WHERE id = @Id AND version = @PreviousVersion AND {TenantSql.Filter}
            """,
            new { after.Id, after.Status, after.Category, after.RecordedOn, after.Version, after.Data, after.UpdatedAt, PreviousVersion = before.Version }, ct);
        if (changed != 1)
        {
            throw ApiException.Conflict($"{before.Id} was amended by another request at the same time; fetch it and try again.");
        }
    }

    /// <summary>The amendments of a consultation's entries, or of one entry, oldest first (the order they were made).</summary>
    public static Task<Page<Amendment>> ListAmendmentsAsync(TenantDb db, Scope scope, string ownerId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"{(scope == Scope.Consultation ? "consultation_id" : "entry_id")} = {query.Bind(ownerId)}");
        return db.PageAsync<Amendment>(
            $"SELECT {AmendmentColumns} FROM clinical_amendments WHERE {TenantSql.Filter}{query.Where} ORDER BY amended_at, id LIMIT @Limit OFFSET @Offset",
            query, ct);
    }

    public static readonly ListSpec AmendmentSpec = new ListSpec().TimeRange("amended_at", "amended_at").Exact("entry_id", "entry_id");

    public static Task InsertContentAsync(TenantDb db, string entryId, string sha256, byte[] content, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"INSERT INTO document_contents ({TenantSql.Columns}, entry_id, sha256, content) VALUES ({TenantSql.Values}, @entryId, @sha256, @content)",
            new { entryId, sha256, content }, ct);

    public static Task<byte[]?> FindContentAsync(TenantDb db, string entryId, CancellationToken ct) =>
        db.SingleAsync<byte[]>($"SELECT content FROM document_contents WHERE entry_id = @entryId AND {TenantSql.Filter}", new { entryId }, ct);
}
