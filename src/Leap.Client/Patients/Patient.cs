using System.Text.Json.Serialization;

namespace Leap.Client;

/// <summary>A patient record. Patients are never deleted: they are archived (see <see cref="PatientsClient.ArchiveAsync"/>).</summary>
public sealed record Patient
{
    /// <summary>The patient's id (<c>pat_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>Another system's id for this patient (patient sync), unique in the organisation; see <see cref="PatientsClient.UpsertByExternalIdAsync"/>.</summary>
    public string? ExternalId { get; init; }
    /// <summary>Given name.</summary>
    public string FirstName { get; init; } = "";
    /// <summary>Family name.</summary>
    public string LastName { get; init; } = "";
    /// <summary>Middle name(s).</summary>
    public string? MiddleName { get; init; }
    /// <summary>The name the patient likes to be called.</summary>
    public string? PreferredName { get; init; }
    /// <summary>Title, e.g. Ms, Dr.</summary>
    public string? Title { get; init; }
    /// <summary>Date of birth.</summary>
    public DateOnly DateOfBirth { get; init; }
    /// <summary>female, male, intersex or unknown.</summary>
    public string? BiologicalSex { get; init; }
    /// <summary>Gender identity, free text.</summary>
    public string? Gender { get; init; }
    /// <summary>Ethnicity, free text.</summary>
    public string? Ethnicity { get; init; }
    /// <summary>10-digit NHS number, no spaces.</summary>
    public string? NhsNumber { get; init; }
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>Main phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Mobile phone number.</summary>
    public string? MobilePhone { get; init; }
    /// <summary>Home phone number.</summary>
    public string? HomePhone { get; init; }
    /// <summary>Address, first line.</summary>
    [JsonPropertyName("address_line_1")] public string? AddressLine1 { get; init; }
    /// <summary>Address, second line.</summary>
    [JsonPropertyName("address_line_2")] public string? AddressLine2 { get; init; }
    /// <summary>Address, third line.</summary>
    [JsonPropertyName("address_line_3")] public string? AddressLine3 { get; init; }
    /// <summary>Town or city.</summary>
    public string? TownCity { get; init; }
    /// <summary>Postcode (upper case).</summary>
    public string? Postcode { get; init; }
    /// <summary>Country.</summary>
    public string? Country { get; init; }
    /// <summary>email, sms, phone, post or none.</summary>
    public string? PreferredContactMethod { get; init; }
    /// <summary>active, inactive or archived; see <see cref="PatientStatus"/>.</summary>
    public string Status { get; init; } = "";
    /// <summary>Patient type, free text (default "active").</summary>
    public string? PatientType { get; init; }
    /// <summary>True once a date of death is recorded or the patient is marked deceased.</summary>
    public bool IsDeceased { get; init; }
    /// <summary>Date of death.</summary>
    public DateOnly? DateOfDeath { get; init; }
    /// <summary>True when someone should review the record.</summary>
    public bool RequiresReview { get; init; }
    /// <summary>Why the record needs review.</summary>
    public string? ReviewReason { get; init; }
    /// <summary>Accessibility needs.</summary>
    public string? AccessibilityNeeds { get; init; }
    /// <summary>Notes on accessibility.</summary>
    public string? AccessibilityNotes { get; init; }
    /// <summary>Occupation.</summary>
    public string? Occupation { get; init; }
    /// <summary>Free-text notes.</summary>
    public string? PatientNotes { get; init; }
    /// <summary>Consents to SMS.</summary>
    public bool ConsentSms { get; init; }
    /// <summary>Consents to email.</summary>
    public bool ConsentEmail { get; init; }
    /// <summary>Consents to marketing.</summary>
    public bool ConsentMarketing { get; init; }
    /// <summary>Consents to electronic communication.</summary>
    public bool ConsentElectronicCommunication { get; init; }
    /// <summary>When the patient was archived; null while not archived.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }
    /// <summary>Who archived the patient (the API key's id, for API archives).</summary>
    public string? ArchivedBy { get; init; }
    /// <summary>Why the patient was archived.</summary>
    public string? ArchiveReason { get; init; }
    /// <summary>Notes on the archive.</summary>
    public string? ArchiveNotes { get; init; }
    /// <summary>The organisation's own fields (Jump's first-generation <c>custom_fields</c>): strings, numbers and booleans by key.</summary>
    public PatientCustomFields CustomFields { get; init; } = PatientCustomFields.Empty;
    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Values of <see cref="Patient.Status"/>.</summary>
public static class PatientStatus
{
    /// <summary>An active patient.</summary>
    public const string Active = "active";
    /// <summary>An inactive patient (can be set on create or update).</summary>
    public const string Inactive = "inactive";
    /// <summary>An archived patient (set by archiving, not directly).</summary>
    public const string Archived = "archived";
}

/// <summary>A new patient. First name, last name and date of birth are required; unset fields are not sent.</summary>
public sealed record PatientCreate
{
    /// <summary>Given name (required).</summary>
    public required string FirstName { get; init; }
    /// <summary>Family name (required).</summary>
    public required string LastName { get; init; }
    /// <summary>Date of birth (required).</summary>
    public required DateOnly DateOfBirth { get; init; }
    /// <summary>Another system's id for the patient: 1 to 128 letters, digits or <c>. _ - : @ ~ + = |</c>, unique in the organisation.</summary>
    public string? ExternalId { get; init; }
    /// <summary>Middle name(s).</summary>
    public string? MiddleName { get; init; }
    /// <summary>Preferred name.</summary>
    public string? PreferredName { get; init; }
    /// <summary>Title.</summary>
    public string? Title { get; init; }
    /// <summary>female, male, intersex or unknown.</summary>
    public string? BiologicalSex { get; init; }
    /// <summary>Gender identity.</summary>
    public string? Gender { get; init; }
    /// <summary>Ethnicity.</summary>
    public string? Ethnicity { get; init; }
    /// <summary>NHS number (spaces and dashes allowed; the check digit must be valid).</summary>
    public string? NhsNumber { get; init; }
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>Phone number (7 to 15 digits, optionally starting with +).</summary>
    public string? Phone { get; init; }
    /// <summary>Mobile phone number.</summary>
    public string? MobilePhone { get; init; }
    /// <summary>Home phone number.</summary>
    public string? HomePhone { get; init; }
    /// <summary>Address, first line.</summary>
    [JsonPropertyName("address_line_1")] public string? AddressLine1 { get; init; }
    /// <summary>Address, second line.</summary>
    [JsonPropertyName("address_line_2")] public string? AddressLine2 { get; init; }
    /// <summary>Address, third line.</summary>
    [JsonPropertyName("address_line_3")] public string? AddressLine3 { get; init; }
    /// <summary>Town or city.</summary>
    public string? TownCity { get; init; }
    /// <summary>Postcode.</summary>
    public string? Postcode { get; init; }
    /// <summary>Country (the server defaults to United Kingdom).</summary>
    public string? Country { get; init; }
    /// <summary>email, sms, phone, post or none.</summary>
    public string? PreferredContactMethod { get; init; }
    /// <summary>active (default) or inactive.</summary>
    public string? Status { get; init; }
    /// <summary>Patient type.</summary>
    public string? PatientType { get; init; }
    /// <summary>Marks the patient deceased.</summary>
    public bool? IsDeceased { get; init; }
    /// <summary>Date of death.</summary>
    public DateOnly? DateOfDeath { get; init; }
    /// <summary>Flags the record for review.</summary>
    public bool? RequiresReview { get; init; }
    /// <summary>Why the record needs review.</summary>
    public string? ReviewReason { get; init; }
    /// <summary>Accessibility needs.</summary>
    public string? AccessibilityNeeds { get; init; }
    /// <summary>Notes on accessibility.</summary>
    public string? AccessibilityNotes { get; init; }
    /// <summary>Occupation.</summary>
    public string? Occupation { get; init; }
    /// <summary>Free-text notes.</summary>
    public string? PatientNotes { get; init; }
    /// <summary>Consents to SMS (server default true).</summary>
    public bool? ConsentSms { get; init; }
    /// <summary>Consents to email (server default true).</summary>
    public bool? ConsentEmail { get; init; }
    /// <summary>Consents to marketing (server default false).</summary>
    public bool? ConsentMarketing { get; init; }
    /// <summary>Consents to electronic communication (server default true).</summary>
    public bool? ConsentElectronicCommunication { get; init; }
    /// <summary>
    /// The organisation's own fields: up to 50 keys (1 to 40 characters), each a string (up to 500 characters), number
    /// or boolean.
    /// </summary>
    public Dictionary<string, object?>? CustomFields { get; init; }
    /// <summary>
    /// true skips the duplicate check (same name and date of birth, or NHS number), for a patient who really is
    /// another person. Not stored. Without it such a create throws <see cref="LeapDuplicatePatientException"/> when the
    /// organisation refuses likely duplicates (<see cref="Organisation.DuplicatePatients"/>).
    /// </summary>
    public bool? Force { get; init; }
}

/// <summary>
/// Changes to a patient: only the properties you set are sent, and null clears a field. To archive or
/// restore, use <see cref="PatientsClient.ArchiveAsync"/> and <see cref="PatientsClient.RestoreAsync"/>.
/// </summary>
public sealed class PatientUpdate : PatchBody
{
    /// <summary>Given name (cannot be cleared).</summary>
    public string? FirstName { get => Get<string>(); init => Set(value); }
    /// <summary>Family name (cannot be cleared).</summary>
    public string? LastName { get => Get<string>(); init => Set(value); }
    /// <summary>Date of birth (cannot be cleared).</summary>
    public DateOnly? DateOfBirth { get => Get<DateOnly?>(); init => Set(value); }
    /// <summary>Another system's id for the patient (null unlinks); unique in the organisation.</summary>
    public string? ExternalId { get => Get<string>(); init => Set(value); }
    /// <summary>Middle name(s).</summary>
    public string? MiddleName { get => Get<string>(); init => Set(value); }
    /// <summary>Preferred name.</summary>
    public string? PreferredName { get => Get<string>(); init => Set(value); }
    /// <summary>Title.</summary>
    public string? Title { get => Get<string>(); init => Set(value); }
    /// <summary>female, male, intersex or unknown.</summary>
    public string? BiologicalSex { get => Get<string>(); init => Set(value); }
    /// <summary>Gender identity.</summary>
    public string? Gender { get => Get<string>(); init => Set(value); }
    /// <summary>Ethnicity.</summary>
    public string? Ethnicity { get => Get<string>(); init => Set(value); }
    /// <summary>NHS number.</summary>
    public string? NhsNumber { get => Get<string>(); init => Set(value); }
    /// <summary>Email address.</summary>
    public string? Email { get => Get<string>(); init => Set(value); }
    /// <summary>Phone number.</summary>
    public string? Phone { get => Get<string>(); init => Set(value); }
    /// <summary>Mobile phone number.</summary>
    public string? MobilePhone { get => Get<string>(); init => Set(value); }
    /// <summary>Home phone number.</summary>
    public string? HomePhone { get => Get<string>(); init => Set(value); }
    /// <summary>Address, first line.</summary>
    public string? AddressLine1 { get => Get<string>(); init => Set(value); }
    /// <summary>Address, second line.</summary>
    public string? AddressLine2 { get => Get<string>(); init => Set(value); }
    /// <summary>Address, third line.</summary>
    public string? AddressLine3 { get => Get<string>(); init => Set(value); }
    /// <summary>Town or city.</summary>
    public string? TownCity { get => Get<string>(); init => Set(value); }
    /// <summary>Postcode.</summary>
    public string? Postcode { get => Get<string>(); init => Set(value); }
    /// <summary>Country.</summary>
    public string? Country { get => Get<string>(); init => Set(value); }
    /// <summary>email, sms, phone, post or none.</summary>
    public string? PreferredContactMethod { get => Get<string>(); init => Set(value); }
    /// <summary>active or inactive.</summary>
    public string? Status { get => Get<string>(); init => Set(value); }
    /// <summary>Patient type.</summary>
    public string? PatientType { get => Get<string>(); init => Set(value); }
    /// <summary>Marks the patient deceased.</summary>
    public bool? IsDeceased { get => Get<bool?>(); init => Set(value); }
    /// <summary>Date of death.</summary>
    public DateOnly? DateOfDeath { get => Get<DateOnly?>(); init => Set(value); }
    /// <summary>Flags the record for review.</summary>
    public bool? RequiresReview { get => Get<bool?>(); init => Set(value); }
    /// <summary>Why the record needs review.</summary>
    public string? ReviewReason { get => Get<string>(); init => Set(value); }
    /// <summary>Accessibility needs.</summary>
    public string? AccessibilityNeeds { get => Get<string>(); init => Set(value); }
    /// <summary>Notes on accessibility.</summary>
    public string? AccessibilityNotes { get => Get<string>(); init => Set(value); }
    /// <summary>Occupation.</summary>
    public string? Occupation { get => Get<string>(); init => Set(value); }
    /// <summary>Free-text notes.</summary>
    public string? PatientNotes { get => Get<string>(); init => Set(value); }
    /// <summary>Consents to SMS.</summary>
    public bool? ConsentSms { get => Get<bool?>(); init => Set(value); }
    /// <summary>Consents to email.</summary>
    public bool? ConsentEmail { get => Get<bool?>(); init => Set(value); }
    /// <summary>Consents to marketing.</summary>
    public bool? ConsentMarketing { get => Get<bool?>(); init => Set(value); }
    /// <summary>Consents to electronic communication.</summary>
    public bool? ConsentElectronicCommunication { get => Get<bool?>(); init => Set(value); }
    /// <summary>true archives (needs <see cref="ArchiveReason"/>), false restores an archived patient.</summary>
    public bool? Archived { get => Get<bool?>(); init => Set(value); }
    /// <summary>Why the patient is archived.</summary>
    public string? ArchiveReason { get => Get<string>(); init => Set(value); }
    /// <summary>Notes on the archive.</summary>
    public string? ArchiveNotes { get => Get<string>(); init => Set(value); }
    /// <summary>
    /// Merged into the patient's custom fields: each key sent replaces its value, a key with a null value is removed;
    /// setting the property to null clears them all.
    /// </summary>
    public Dictionary<string, object?>? CustomFields { get => Get<Dictionary<string, object?>>(); init => Set(value); }
}

/// <summary>Filters for <see cref="PatientsClient.ListAsync"/>; unset filters are not sent.</summary>
public sealed record PatientListQuery : ListQuery
{
    /// <summary>Free text: every word must match a name, email, phone, NHS number or date of birth.</summary>
    public string? Search { get; init; }
    /// <summary>Exact status; see <see cref="PatientStatus"/>.</summary>
    public string? Status { get; init; }
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyList<string>? StatusIn { get; init; }
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Created at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }
    /// <summary>Changed at or after.</summary>
    public DateTimeOffset? UpdatedAtGte { get; init; }
    /// <summary>Changed at or before.</summary>
    public DateTimeOffset? UpdatedAtLte { get; init; }
    /// <summary>The patient with this external id.</summary>
    public string? ExternalId { get; init; }
    /// <summary>The patient with this NHS number (10 digits, no spaces).</summary>
    public string? NhsNumber { get; init; }
    /// <summary>Patients with this email address (exact).</summary>
    public string? Email { get; init; }
    /// <summary>Patients born on this date.</summary>
    public DateOnly? DateOfBirth { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("search", Search);
        query.Add("status", Status);
        query.Add("status_in", StatusIn);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
        query.Add("updated_at_gte", UpdatedAtGte);
        query.Add("updated_at_lte", UpdatedAtLte);
        query.Add("external_id", ExternalId);
        query.Add("nhs_number", NhsNumber);
        query.Add("email", Email);
        query.Add("date_of_birth", DateOfBirth);
    }
}

/// <summary>The answer of <see cref="PatientsClient.UpsertByExternalIdAsync"/>: the patient, and whether the call created them.</summary>
public sealed record PatientUpsertResult
{
    /// <summary>The patient as stored now.</summary>
    public required Patient Patient { get; init; }

    /// <summary>
    /// True when the server answered 201 (no patient had the external id: created), false on 200 (an existing
    /// patient was updated with the fields sent, or already had them).
    /// </summary>
    public required bool Created { get; init; }
}
