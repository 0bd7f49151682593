using Leap.Server.Accounts;
using Leap.Server.Audit;
using Leap.Server.ClinicalRecord;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Consultations;

public static class ConsultationsApi
{
    /// <summary>A card shows at most this many entries (a consultation has a handful; the section lists page through any number).</summary>
    private const int MaxCardEntries = 1000;

    public static void MapConsultations(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/consultations").WithTags("Consultations");
        group.MapGet("/", List).RequireScope(Scopes.ReadConsultations);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadConsultations);
        foreach (var kind in EntryKinds.ConsultationSections)
        {
            group.MapGet($"/{{id}}/{kind.Path}", async (string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct) =>
            {
                var query = kind.ScopedSpec.Parse(http.Request);
                var consultation = await FindAsync(db, id, ct);
                return await ClinicalRecordApi.ListAsync(kind, ClinicalStore.Scope.Consultation, consultation.Id, query, http, db, log, ct);
            }).RequireScope(Scopes.ReadConsultations);
        }
        group.MapGet("/{id}/amendments", Amendments).RequireScope(Scopes.ReadConsultations);
        group.MapPost("/", Create).RequireScope(Scopes.WriteConsultations).Idempotent()
            .Reads("ConsultationCreate", r => ConsultationValidation.ReadCreate(r, Actor.System, Sample.Now), $$"""
                {"patient_id": "{{ExampleIds.Patient}}", "consultation_date": "2029-12-03", "consultation_time": "14:30:00",
                 "consultation_type_code": "11429006", "consultation_type_display": "Consultation", "consultation_medium_display": "Face to face",
                 "chief_complaint": "Persistent cough", "summary": "Viral upper respiratory infection; advice given.",
                 "observations": [{"code": "8310-5", "display": "Body temperature", "value": 37.9, "unit": "Cel"}],
                 "problems": [{"problem_name": "Acute upper respiratory infection", "snomed_code": "54150009"}]}
                """);
    }

    private static async Task<ApiList<Consultation>> List(HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var page = await ConsultationStore.ListAsync(db, ConsultationStore.ListSpec.Parse(http.Request), ct);
        await log.ReadAsync(http, "consultation", page.Items, c => c.Id, c => c.PatientId);
        return Api.List(page);
    }

    /// <summary>The full card; <c>?include=core</c> limits it to the core sections (problems, medications, observations, allergies).</summary>
    private static async Task<ApiData<ConsultationCard>> Get(string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var sections = Sections(http.Request);
        var consultation = await FindAsync(db, id, ct);
        var entries = await ClinicalStore.ListForConsultationAsync(db, consultation.Id, MaxCardEntries, ct);
        var card = Card(consultation, sections, entries);
        await log.RecordAsync(http, AuditActions.Read, "consultation", consultation.Id, consultation.PatientId);
        await log.RecordAllAsync(http, AuditActions.Read, card.Sections.SelectMany(s => s.Value).Select(e => new Access(e.Kind, e.Id, e.PatientId)));
        return Api.Ok(card);
    }

    private static async Task<ApiList<Amendment>> Amendments(string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var query = ClinicalStore.AmendmentSpec.Parse(http.Request);
        var consultation = await FindAsync(db, id, ct);
        return await ClinicalRecordApi.AmendmentsAsync(ClinicalStore.Scope.Consultation, consultation.Id, query, http, db, log, ct);
    }

    /// <summary>Records a consultation and the entries sent with it, in one transaction; 201 with its full card.</summary>
    private static async Task<ApiCreated<ConsultationCard>> Create(WriteRequest request, HttpContext http, AccessLog log, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var (consultation, inline) = ConsultationValidation.ReadCreate(reader, request.Db.Actor, now);
        reader.ThrowIfInvalid();
        return await log.CreateAsync(http, request, async write =>
        {
            await ClinicalRecordApi.CheckOwnerAsync(write, consultation.PatientId, null, ct);
            await ConsultationStore.InsertAsync(write, consultation, ct);
            var entries = new List<ClinicalEntry>();
            foreach (var (kind, data) in inline)
            {
                var entry = ClinicalEntry.New(kind, consultation.PatientId, consultation.Id, data, consultation.ConsultationDate, write.Actor, now);
                await ClinicalStore.InsertAsync(write, entry, ct);
                entries.Add(entry);
            }
            return Card(consultation, EntryKinds.ConsultationSections, entries);
        }, card => card.Sections.SelectMany(s => s.Value).Select(e => new Access(e.Kind, e.Id, e.PatientId))
            .Prepend(new Access("consultation", card.Id, card.PatientId)), ct);
    }

    private static ConsultationCard Card(Consultation consultation, IReadOnlyList<EntryKind> sections, IReadOnlyList<ClinicalEntry> entries) =>
        new(consultation, sections.ToDictionary(k => k.Section, k => (IReadOnlyList<ClinicalEntry>)entries.Where(e => e.Kind == k.Name).ToList()));

    private static IReadOnlyList<EntryKind> Sections(HttpRequest request)
    {
        if (request.Query.Keys.FirstOrDefault(k => k != "include") is { } name)
        {
            throw ApiException.BadRequest($"Unknown query parameter '{name}'. This endpoint accepts: include.", [new FieldError(name, "is not a parameter of this endpoint")]);
        }
        return request.Query["include"].ToString() switch
        {
            "" or "all" => EntryKinds.ConsultationSections,
            "core" => EntryKinds.CoreSections,
            _ => throw ApiException.Validation([new FieldError("include", "must be core or all")]),
        };
    }

    private static async Task<Consultation> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await ConsultationStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("consultation", id);
}
