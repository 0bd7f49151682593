using System.Text.Json.Nodes;
using Leap.Server.Accounts;
using Leap.Server.Audit;
using Leap.Server.Http;
using Leap.Server.Organisations;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Patients;

public static class PatientsApi
{
    /// <summary>Webhook payloads carry core demographics only: receivers fetch the full record.</summary>
    private static readonly Func<JsonObject, JsonObject> CoreDemographics = WebhookOutbox.Only(PatientValues.WebhookFields);

    public static void MapPatients(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/patients").WithTags("Patients");
        group.MapGet("/", List).RequireScope(Scopes.ReadPatients);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadPatients);
        group.MapPost("/", Create).RequireScope(Scopes.WritePatients).Idempotent()
            .Reads("PatientCreate", r => PatientValidation.ReadCreate(r, Sample.Id(Ids.Patient), Sample.KeyId, Sample.Now), CreateExample);
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WritePatients)
            .Reads("PatientUpdate", r => PatientValidation.Apply(r, PatientValidation.Blank(Sample.Id(Ids.Patient), Sample.Now), creating: false, Sample.KeyId, Sample.Now),
                """{"email": "ada.new@example.com", "preferred_contact_method": "email", "consent_sms": false}""", partial: true);
        group.MapPut("/external/{externalId}", Upsert).RequireScope(Scopes.WritePatients)
            .Reads("PatientSync", r =>
            {
                PatientValidation.ReadSync(r, "MRN-100234");
                PatientValidation.Apply(r, PatientValidation.Blank(Sample.Id(Ids.Patient), Sample.Now), creating: true, Sample.KeyId, Sample.Now);
            }, """{"first_name": "Ben", "last_name": "Example", "date_of_birth": "1972-11-03", "mobile_phone": "07700 900456"}""");
        group.MapDelete("/{id}", Delete).ExcludeFromDescription();
    }

    /// <summary>Every patient a page shows is an access to their details (docs/audit.md).</summary>
    private static async Task<ApiList<Patient>> List(HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var page = await PatientStore.ListAsync(db, PatientStore.ListSpec.Parse(http.Request), ct);
        await log.ReadAsync(http, Resource, page.Items, p => p.Id, p => p.Id);
        return Api.List(page);
    }

    private static async Task<ApiData<Patient>> Get(string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var patient = await PatientStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("patient", id);
        await log.RecordAsync(http, AuditActions.Read, Resource, patient.Id, patient.Id);
        return Api.Ok(patient);
    }

    /// <summary>The access log's name for a patient's details.</summary>
    private const string Resource = "patient";

    private const string CreateExample =
        """{"first_name": "Ada", "last_name": "Example", "date_of_birth": "1985-04-12", "email": "ada.example@example.com", "phone": "07700 900123"}""";

    /// <summary>
    /// Creates a patient. One with the same name and date of birth (or NHS number) as patients already there is created
    /// with their ids in <c>meta.possible_duplicates</c>, or refused (409 DUPLICATE_PATIENT with their ids) when the
    /// organisation's <c>duplicate_patients</c> is <c>refuse</c>; <c>"force": true</c> skips the check (docs/patient-sync.md).
    /// </summary>
    private static async Task<ApiCreated<Patient>> Create(WriteRequest request, HttpContext http, Caller caller, WebhookOutbox outbox, AccessLog log,
        TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var (patient, force) = PatientValidation.ReadCreate(reader, Ids.New(Ids.Patient), caller.Id, now);
        reader.ThrowIfInvalid();
        try
        {
            var answer = await request.CreateWithMetaAsync(patient, async (write, meta) => Noting(meta, await InsertAsync(write, patient, force, outbox, ct)), ct);
            if (!answer.Answer.Replayed)
            {
                await log.RecordAsync(http, AuditActions.Create, Resource, patient.Id, patient.Id);
            }
            return answer;
        }
        catch (Exception e) when (request.Db.IsUniqueViolation(e))
        {
            throw await ExternalIdTakenAsync(request.Db, patient.ExternalId, ct);
        }
    }

    /// <summary><paramref name="meta"/>, naming the possible duplicates of a new patient when there are any.</summary>
    private static Meta Noting(Meta meta, IReadOnlyList<string> possibleDuplicates) =>
        possibleDuplicates.Count == 0 ? meta : meta with { PossibleDuplicates = possibleDuplicates.Select(id => new RecordRef(id)).ToList() };

    private static async Task<ApiData<Patient>> Update(string id, HttpContext http, Caller caller, TenantDb db,
        WebhookOutbox outbox, AccessLog log, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        Patient? attempted = null;
        try
        {
            var patient = await db.WriteAsync(async write =>
            {
                var current = await PatientStore.FindAsync(write, id, ct) ?? throw ApiException.NotFound("patient", id);
                attempted = Changed(body, caller, current, TypeHandlers.Truncate(clock.GetUtcNow()));
                return await SaveAsync(write, current, attempted, outbox, ct);
            }, ct);
            await log.RecordAsync(http, AuditActions.Update, Resource, patient.Id, patient.Id);
            return Api.Ok(patient);
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            throw await ExternalIdTakenAsync(db, attempted?.ExternalId, ct);
        }
    }

    /// <summary>
    /// Patient sync: creates the patient another system knows as <paramref name="externalId"/> (201), or updates
    /// them (200) with the fields sent, as a PATCH would. Safe to repeat, and safe to race: the database keeps
    /// one patient per external id, and a create that loses the race becomes an update.
    /// </summary>
    private static async Task<ApiCreated<Patient>> Upsert(string externalId, HttpContext http, Caller caller, TenantDb db, WebhookOutbox outbox,
        AccessLog log, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!PatientValidation.IsExternalId(externalId))
        {
            throw ApiException.Validation([new FieldError("external_id", PatientValidation.ExternalIdRule)]);
        }
        var check = new BodyReader(body.Root);
        var force = PatientValidation.ReadSync(check, externalId);
        check.ThrowIfInvalid();

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (patient, created, possibleDuplicates) = await db.WriteAsync(async write =>
                {
                    var now = TypeHandlers.Truncate(clock.GetUtcNow());
                    if (await PatientStore.FindByExternalIdAsync(write, externalId, ct) is { } current)
                    {
                        return (await SaveAsync(write, current, Changed(body, caller, current, now), outbox, ct), false, []);
                    }
                    var reader = new BodyReader(body.Root);
                    var fresh = PatientValidation.Apply(reader, PatientValidation.Blank(Ids.New(Ids.Patient), now) with { ExternalId = externalId },
                        creating: true, caller.Id, now);
                    reader.ThrowIfInvalid();
                    return (fresh, true, await InsertAsync(write, fresh, force, outbox, ct));
                }, ct);
                await log.RecordAsync(http, created ? AuditActions.Create : AuditActions.Update, Resource, patient.Id, patient.Id);
                var meta = Noting(new Meta(RequestIds.Get(http)), possibleDuplicates);
                return new ApiCreated<Patient>(new StoredAnswer(created ? 201 : 200, ApiResponse.Data(http, patient, meta), Replayed: false));
            }
            catch (Exception e) when (attempt == 1 && db.IsUniqueViolation(e))
            {
                // Another request created this external id first: run again, as an update of theirs.
            }
        }
    }

    private static IResult Delete() => throw new ApiException(405, ErrorCodes.MethodNotAllowed,
        "Patients cannot be deleted (clinical records are kept). Archive instead: PATCH the patient with {\"archived\": true, \"archive_reason\": \"...\"}.");

    private static Patient Changed(JsonBody body, Caller caller, Patient current, DateTimeOffset now)
    {
        var reader = new BodyReader(body.Root);
        var patient = PatientValidation.Apply(reader, current, creating: false, caller.Id, now);
        reader.ThrowIfInvalid();
        return patient;
    }

    /// <summary>
    /// Inside a write: records a new patient and its webhook event, and returns the ids of the patients they look like
    /// (none when <paramref name="force"/>); when the organisation refuses likely duplicates, a 409 instead.
    /// </summary>
    public static async Task<IReadOnlyList<string>> InsertAsync(TenantDb db, Patient patient, bool force, WebhookOutbox outbox, CancellationToken ct)
    {
        var candidates = force ? [] : await PatientStore.FindDuplicatesAsync(db, patient, ct);
        if (candidates.Count > 0 && await OrganisationStore.DuplicatePatientsAsync(db, ct) == DuplicatePatientPolicy.Refuse)
        {
            throw new ApiException(409, ErrorCodes.DuplicatePatient,
                (candidates.Count == 1 ? "A patient with the same name and date of birth (or NHS number) already exists: "
                    : $"{candidates.Count} patients with the same name and date of birth (or NHS number) already exist: ") +
                "see error.candidate_ids. Use one of them, or send \"force\": true to create a new patient anyway.")
            {
                CandidateIds = candidates,
            };
        }
        await PatientStore.InsertAsync(db, patient, ct);
        await outbox.RecordAsync(db, WebhookEventTypes.PatientCreated, patient, null, ct, CoreDemographics);
        return candidates;
    }

    private static async Task<Patient> SaveAsync(TenantDb db, Patient current, Patient patient, WebhookOutbox outbox, CancellationToken ct)
    {
        if (patient with { UpdatedAt = current.UpdatedAt } == current)
        {
            return current;
        }
        await PatientStore.UpdateAsync(db, patient, ct);
        var type = current.ArchivedAt is null && patient.ArchivedAt is not null ? WebhookEventTypes.PatientArchived : WebhookEventTypes.PatientUpdated;
        await outbox.RecordAsync(db, type, patient, current, ct, CoreDemographics);
        return patient;
    }

    /// <summary>The only unique rule a patient write can break: another patient already has the external id.</summary>
    private static async Task<ApiException> ExternalIdTakenAsync(TenantDb db, string? externalId, CancellationToken ct)
    {
        var holder = externalId is null ? null : await PatientStore.FindIdByExternalIdAsync(db, externalId, ct);
        return new ApiException(409, ErrorCodes.Conflict,
            $"Patient {holder ?? "(another)"} already has external_id '{externalId}': an external id names one patient. " +
            $"Update that patient instead (PUT /patients/external/{externalId}).")
        {
            CandidateIds = holder is null ? null : [holder],
        };
    }
}
