using System.Text.Json.Serialization;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Patients;

public static class PatientsApi
{
    public static void MapPatients(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/patients").WithTags("Patients");
        group.MapGet("/", List).RequireScope(Scopes.ReadPatients);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadPatients);
        group.MapPost("/", Create).RequireScope(Scopes.WritePatients).Accepts<PatientRequestExample>("application/json");
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WritePatients).Accepts<PatientRequestExample>("application/json");
        group.MapDelete("/{id}", Delete).ExcludeFromDescription();
    }

    private static async Task<ApiList<Patient>> List(HttpRequest request, Caller caller, PatientStore store, CancellationToken ct) =>
        Api.List(await store.ListAsync(caller.Tenant, PatientStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<Patient>> Get(string id, Caller caller, PatientStore store, CancellationToken ct) =>
        Api.Ok(await store.FindAsync(caller.Tenant, id, ct) ?? throw ApiException.NotFound("patient", id));

    private static async Task<ApiCreated<Patient>> Create(
        HttpContext http, Caller caller, Idempotency idempotency, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var request = Idempotency.Describe(http, caller, body);
        if (await idempotency.FindReplayAsync<Patient>(request, ct) is { } replay)
        {
            return replay;
        }
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = new BodyReader(body.Root);
        var patient = PatientValidation.Apply(reader, PatientValidation.Blank(Ids.New(Ids.Patient), now), creating: true, caller.KeyId, now);
        reader.ThrowIfInvalid();
        return await idempotency.ExecuteAsync(http, request, patient,
            (connection, tx) => PatientStore.InsertAsync(connection, tx, caller.Tenant, patient, ct), ct);
    }

    private static async Task<ApiData<Patient>> Update(
        string id, HttpContext http, Caller caller, Database db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var updated = await db.WriteAsync(async (connection, tx) =>
        {
            var current = await PatientStore.FindAsync(connection, tx, caller.Tenant, id, ct) ?? throw ApiException.NotFound("patient", id);
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var reader = new BodyReader(body.Root);
            var patient = PatientValidation.Apply(reader, current, creating: false, caller.KeyId, now);
            reader.ThrowIfInvalid();
            if (patient with { UpdatedAt = current.UpdatedAt } == current)
            {
                return current;
            }
            await PatientStore.UpdateAsync(connection, tx, caller.Tenant, patient, ct);
            return patient;
        }, ct);
        return Api.Ok(updated);
    }

    private static IResult Delete() => throw new ApiException(405, ErrorCodes.MethodNotAllowed,
        "Patients cannot be deleted (clinical records are kept). Archive instead: PATCH the patient with {\"archived\": true, \"archive_reason\": \"...\"}.");
}

/// <summary>The writable patient fields, for the API description (bodies are validated field by field).</summary>
public sealed record PatientRequestExample(
    string FirstName, string LastName, DateOnly DateOfBirth, string? MiddleName, string? PreferredName, string? Title,
    string? BiologicalSex, string? Gender, string? Ethnicity, string? NhsNumber, string? Email, string? Phone,
    string? MobilePhone, string? HomePhone,
    [property: JsonPropertyName("address_line_1")] string? AddressLine1,
    [property: JsonPropertyName("address_line_2")] string? AddressLine2,
    [property: JsonPropertyName("address_line_3")] string? AddressLine3,
    string? TownCity, string? Postcode, string? Country, string? PreferredContactMethod, string? Status,
    string? PatientType, bool? IsDeceased, DateOnly? DateOfDeath, bool? RequiresReview, string? ReviewReason,
    string? AccessibilityNeeds, string? AccessibilityNotes, string? Occupation, string? PatientNotes,
    bool? ConsentSms, bool? ConsentEmail, bool? ConsentMarketing, bool? ConsentElectronicCommunication,
    bool? Archived, string? ArchiveReason, string? ArchiveNotes);
