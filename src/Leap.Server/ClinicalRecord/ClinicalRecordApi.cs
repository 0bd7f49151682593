using System.Text.Json.Nodes;
using Leap.Server.Accounts;
using Leap.Server.Audit;
using Leap.Server.Consultations;
using Leap.Server.Http;
using Leap.Server.Patients;
using Leap.Server.Storage;

namespace Leap.Server.ClinicalRecord;

/// <summary>
/// The patient's longitudinal record (GET /patients/{id}/observations...) and Jump's first-generation problems and
/// prescriptions: one list, one create and one amendment for every kind (docs/clinical-record.md).
/// </summary>
public static class ClinicalRecordApi
{
    public static void MapClinicalRecord(this IEndpointRouteBuilder api)
    {
        var patients = api.MapGroup("/patients").WithTags("Clinical record");
        foreach (var kind in EntryKinds.PatientRecord)
        {
            patients.MapGet($"/{{id}}/{kind.Path}", async (string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct) =>
            {
                var query = kind.ScopedSpec.Parse(http.Request);
                _ = await PatientStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("patient", id);
                return await ListAsync(kind, ClinicalStore.Scope.Patient, id, query, http, db, log, ct);
            }).RequireScope(Scopes.ReadPatients);
        }

        MapFirstGeneration(api, EntryKinds.Problem, Scopes.ReadProblems, Scopes.WriteProblems,
            """{"problem_name": "Hypertension", "snomed_code": "38341003", "severity": "moderate", "onset_date": "2029-11-02"}""",
            """{"status": "resolved", "end_date": "2029-12-20", "amendment_reason": "Resolved after treatment"}""");
        MapFirstGeneration(api, EntryKinds.Prescription, Scopes.ReadPrescriptions, Scopes.WritePrescriptions,
            """{"medication_name": "Amoxicillin", "dosage": "500", "dosage_unit": "mg", "frequency": "three times a day", "quantity": 21, "start_date": "2029-12-01"}""",
            """{"dosage": "250", "amendment_reason": "Dose entered wrongly"}""");
    }

    /// <summary>GET /{path}, GET /{path}/{id}, POST /{path}, PATCH /{path}/{id} (an amendment) and GET /{path}/{id}/amendments.</summary>
    private static void MapFirstGeneration(IEndpointRouteBuilder api, EntryKind kind, string readScope, string writeScope, string createExample, string amendExample)
    {
        var group = api.MapGroup("/" + kind.Path).WithTags("Clinical record");
        var title = char.ToUpperInvariant(kind.Name[0]) + kind.Name[1..];
        group.MapGet("/", (HttpContext http, TenantDb db, AccessLog log, CancellationToken ct) =>
            ListAsync(kind, ClinicalStore.Scope.All, null, kind.AllSpec.Parse(http.Request), http, db, log, ct)).RequireScope(readScope);
        group.MapGet("/{id}", (string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct) => GetAsync(kind, id, http, db, log, ct))
            .RequireScope(readScope);
        group.MapGet("/{id}/amendments", async (string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct) =>
        {
            var query = ClinicalStore.AmendmentSpec.Parse(http.Request);
            var entry = await FindAsync(db, kind, id, ct);
            return await AmendmentsAsync(ClinicalStore.Scope.Entry, entry.Id, query, http, db, log, ct);
        }).RequireScope(readScope);
        group.MapPost("/", (WriteRequest request, HttpContext http, AccessLog log, TimeProvider clock, CancellationToken ct) =>
                CreateAsync(kind, request, http, log, clock, ct))
            .RequireScope(writeScope).Idempotent()
            .Reads(title + "Create", r => ReadCreate(kind, r), createExample.Replace("{", $$"""{"patient_id": "{{ExampleIds.Patient}}", """, StringComparison.Ordinal));
        group.MapPatch("/{id}", (string id, HttpContext http, TenantDb db, AccessLog log, TimeProvider clock, CancellationToken ct) =>
                AmendAsync(kind, id, http, db, log, clock, ct))
            .RequireScope(writeScope)
            .Reads(title + "Amendment", r => ReadAmendment(kind, r, []), amendExample, partial: true);
    }

    /// <summary>The one list of entries of a kind, for a patient, a consultation or (filtered) all: each entry shown is audited.</summary>
    public static async Task<ApiList<ClinicalEntry>> ListAsync(EntryKind kind, ClinicalStore.Scope scope, string? ownerId, ListQuery query,
        HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var page = await ClinicalStore.ListAsync(db, kind, scope, ownerId, query, ct);
        await log.ReadAsync(http, kind.Name, page.Items, e => e.Id, e => e.PatientId);
        return Api.List(page);
    }

    public static async Task<ApiList<Amendment>> AmendmentsAsync(ClinicalStore.Scope scope, string ownerId, ListQuery query,
        HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var page = await ClinicalStore.ListAmendmentsAsync(db, scope, ownerId, query, ct);
        await log.ReadAsync(http, "amendment", page.Items, a => a.Id, a => a.PatientId);
        return Api.List(page);
    }

    public static async Task<ApiData<ClinicalEntry>> GetAsync(EntryKind kind, string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var entry = await FindAsync(db, kind, id, ct);
        await log.RecordAsync(http, AuditActions.Read, kind.Name, entry.Id, entry.PatientId);
        return Api.Ok(entry);
    }

    public static async Task<ClinicalEntry> FindAsync(TenantDb db, EntryKind kind, string id, CancellationToken ct) =>
        await ClinicalStore.FindAsync(db, kind, id, ct) ?? throw ApiException.NotFound(kind.Name.Replace('_', ' '), id);

    /// <summary>A new entry's body: the patient, optionally the consultation it belongs to, and the kind's fields.</summary>
    public static (string PatientId, string? ConsultationId, JsonObject Data) ReadCreate(EntryKind kind, BodyReader r) =>
        (r.Id("patient_id", Ids.Patient, required: true) ?? "", r.String("consultation_id", 80), kind.Read(r));

    private static async Task<ApiCreated<ClinicalEntry>> CreateAsync(EntryKind kind, WriteRequest request, HttpContext http, AccessLog log,
        TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var (patientId, consultationRef, data) = ReadCreate(kind, reader);
        reader.ThrowIfInvalid();
        return await log.CreateAsync(http, request, async write =>
        {
            var consultation = await CheckOwnerAsync(write, patientId, consultationRef, ct);
            var entry = ClinicalEntry.New(kind, patientId, consultation?.Id, data, consultation?.ConsultationDate ?? Today(now), write.Actor, now);
            await ClinicalStore.InsertAsync(write, entry, ct);
            return entry;
        }, entry => [new Access(kind.Name, entry.Id, entry.PatientId)], ct);
    }

    /// <summary>A correction's body: the fields to change and why; whose record it is cannot change.</summary>
    private static (JsonObject Data, string? Reason) ReadAmendment(EntryKind kind, BodyReader r, JsonObject current)
    {
        foreach (var fixedField in new[] { "patient_id", "consultation_id" }.Where(r.Has))
        {
            r.Fail(fixedField, $"cannot be changed: a {kind.Name.Replace('_', ' ')} stays in the record it was made in");
        }
        return (kind.Amend(r, current), r.String("amendment_reason", 1000, multiline: true));
    }

    /// <summary>
    /// Corrects an entry without losing what it said: the current version is kept as an amendment (who, when, why)
    /// and the entry becomes the next version. Sending what it already says changes nothing.
    /// </summary>
    private static async Task<ApiData<ClinicalEntry>> AmendAsync(EntryKind kind, string id, HttpContext http, TenantDb db, AccessLog log,
        TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var (entry, amended) = await db.WriteAsync(async write =>
        {
            var before = await FindAsync(write, kind, id, ct);
            var reader = new BodyReader(body.Root);
            var (data, reason) = ReadAmendment(kind, reader, before.Data);
            reader.ThrowIfInvalid();
            if (JsonNode.DeepEquals(data, before.Data))
            {
                return (before, false);
            }
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var after = before with
            {
                Data = data, Status = kind.StatusOf(data), Category = kind.CategoryOf(data), RecordedOn = kind.DateOf(data) ?? before.RecordedOn,
                Version = before.Version + 1, UpdatedAt = now,
            };
            await ClinicalStore.AmendAsync(write, before, after, reason, ct);
            return (after, true);
        }, ct);
        await log.RecordAsync(http, amended ? AuditActions.Update : AuditActions.Read, kind.Name, entry.Id, entry.PatientId);
        return Api.Ok(entry);
    }

    /// <summary>
    /// The patient and the consultation (optional, its id or its con_ id) an entry is recorded for: both must be the
    /// organisation's, and the consultation the patient's; else 422 naming the field.
    /// </summary>
    public static async Task<Consultation?> CheckOwnerAsync(TenantDb db, string patientId, string? consultationRef, CancellationToken ct)
    {
        if (await PatientStore.FindAsync(db, patientId, ct) is null)
        {
            throw ApiException.Validation([new FieldError("patient_id", $"no patient {patientId} exists")]);
        }
        if (consultationRef is null)
        {
            return null;
        }
        var consultation = await ConsultationStore.FindAsync(db, consultationRef, ct);
        return consultation is not null && consultation.PatientId == patientId
            ? consultation
            : throw ApiException.Validation([new FieldError("consultation_id", $"no consultation {consultationRef} of patient {patientId} exists")]);
    }

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);
}
