using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Patients;

/// <summary>A patient as the API returns it (the current Jump field set) and as a row maps onto it.</summary>
public sealed record Patient
{
    public required string Id { get; init; }
    /// <summary>Another system's id for this patient (patient sync): unique in the organisation and mode.</summary>
    public string? ExternalId { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public string? MiddleName { get; init; }
    public string? PreferredName { get; init; }
    public string? Title { get; init; }
    public DateOnly DateOfBirth { get; init; }
    public string? BiologicalSex { get; init; }
    public string? Gender { get; init; }
    public string? Ethnicity { get; init; }
    public string? NhsNumber { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? MobilePhone { get; init; }
    public string? HomePhone { get; init; }
    [JsonPropertyName("address_line_1")] public string? AddressLine1 { get; init; }
    [JsonPropertyName("address_line_2")] public string? AddressLine2 { get; init; }
    [JsonPropertyName("address_line_3")] public string? AddressLine3 { get; init; }
    public string? TownCity { get; init; }
    public string? Postcode { get; init; }
    public string? Country { get; init; }
    public string? PreferredContactMethod { get; init; }
    public required string Status { get; init; }
    public required string PatientType { get; init; }
    public bool IsDeceased { get; init; }
    public DateOnly? DateOfDeath { get; init; }
    public bool RequiresReview { get; init; }
    public string? ReviewReason { get; init; }
    public string? AccessibilityNeeds { get; init; }
    public string? AccessibilityNotes { get; init; }
    public string? Occupation { get; init; }
    public string? PatientNotes { get; init; }
    public bool ConsentSms { get; init; }
    public bool ConsentEmail { get; init; }
    public bool ConsentMarketing { get; init; }
    public bool ConsentElectronicCommunication { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }
    public string? ArchivedBy { get; init; }
    public string? ArchiveReason { get; init; }
    public string? ArchiveNotes { get; init; }
    /// <summary>Jump's first-generation <c>custom_fields</c>: a JSON object of scalars, stored as normalized JSON text (<see cref="PatientCustomFields"/>).</summary>
    [JsonConverter(typeof(StoredJsonConverter))] public string CustomFields { get; init; } = PatientCustomFields.Empty;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class PatientValues
{
    public const string Active = "active";
    public const string Inactive = "inactive";
    public const string Archived = "archived";

    public static readonly IReadOnlyList<string> Statuses = [Active, Inactive, Archived];
    public static readonly IReadOnlyList<string> SettableStatuses = [Active, Inactive];
    public static readonly IReadOnlyList<string> BiologicalSexes = ["female", "male", "intersex", "unknown"];
    public static readonly IReadOnlyList<string> ContactMethods = ["email", "sms", "phone", "post", "none"];

    /// <summary>What a webhook carries of a patient: core demographics, no contact details or notes.</summary>
    public static readonly IReadOnlyList<string> WebhookFields =
    [
        "id", "external_id", "first_name", "last_name", "middle_name", "preferred_name", "title", "date_of_birth", "biological_sex",
        "gender", "nhs_number", "status", "is_deceased", "date_of_death", "archived_at", "created_at", "updated_at",
    ];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<Patient>))]
[JsonSerializable(typeof(ListEnvelope<Patient>))]
internal sealed partial class PatientsJson : JsonSerializerContext;
