using System.Text.Json;
using System.Text.Json.Serialization;

namespace Leap.Client;

/// <summary>
/// One entry of a patient's clinical record: a problem, medication, observation, prescription, document... The fields
/// every kind shares are properties; the kind's own fields (problem_name, dosage, reactions...) are in <see cref="Fields"/>
/// by their JSON names (docs/clinical-record.md lists them).
/// </summary>
public sealed record ClinicalEntry
{
    /// <summary>The entry's id; its prefix names the kind (<c>prb_</c>, <c>rx_</c>, <c>obs_</c>, <c>doc_</c>...).</summary>
    public string Id { get; init; } = "";
    /// <summary>The patient whose record it is.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>The consultation it was recorded in, if any.</summary>
    public string? ConsultationId { get; init; }
    /// <summary>1 when recorded; each amendment adds one.</summary>
    public int Version { get; init; }
    /// <summary>api_key, user or system.</summary>
    public string? CreatedByType { get; init; }
    /// <summary>The key or user that recorded it.</summary>
    public string? CreatedBy { get; init; }
    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it was last amended (or recorded).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The kind's own fields, by JSON name.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields { get; set; } = [];

    /// <summary>A text field of the kind (e.g. <c>"problem_name"</c>), or null.</summary>
    /// <param name="name">The field's JSON name.</param>
    public string? Text(string name) => Fields.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>A consultation (the record of one encounter). Its id is a bare UUID; <see cref="ConsultationId"/> is the <c>con_</c> form.</summary>
public record Consultation
{
    /// <summary>The consultation's id (a UUID).</summary>
    public string Id { get; init; } = "";
    /// <summary>The same UUID with the <c>con_</c> prefix; either finds it.</summary>
    public string ConsultationId { get; init; } = "";
    /// <summary>The patient.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>The clinician, if recorded.</summary>
    public string? ClinicianId { get; init; }
    /// <summary>The location, if recorded.</summary>
    public string? LocationId { get; init; }
    /// <summary>The appointment it took place in, if any.</summary>
    public string? AppointmentId { get; init; }
    /// <summary>The episode it belongs to, if any.</summary>
    public string? EpisodeId { get; init; }
    /// <summary>The day of the consultation.</summary>
    public DateOnly ConsultationDate { get; init; }
    /// <summary>Local time, HH:MM:SS.</summary>
    public string? ConsultationTime { get; init; }
    /// <summary>draft, in_progress, completed or cancelled.</summary>
    public string Status { get; init; } = "";
    /// <summary>SNOMED CT code of the type.</summary>
    public string? ConsultationTypeCode { get; init; }
    /// <summary>The type, for people.</summary>
    public string? ConsultationTypeDisplay { get; init; }
    /// <summary>Code of the medium.</summary>
    public string? ConsultationMediumCode { get; init; }
    /// <summary>The medium, e.g. Face to face.</summary>
    public string? ConsultationMediumDisplay { get; init; }
    /// <summary>The setting, e.g. General practice.</summary>
    public string? ConsultationSetting { get; init; }
    /// <summary>Code of the setting.</summary>
    public string? ConsultationSettingCode { get; init; }
    /// <summary>Why the patient came.</summary>
    public string? ChiefComplaint { get; init; }
    /// <summary>The clinician's summary.</summary>
    public string? Summary { get; init; }
    /// <summary>When it was recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A consultation with its entries by section (<c>problems</c>, <c>observations</c>, <c>lab_orders</c>...).</summary>
public sealed record ConsultationCard : Consultation
{
    /// <summary>The entries of each section shown (all thirteen, or the core four).</summary>
    public Dictionary<string, IReadOnlyList<ClinicalEntry>> Sections { get; init; } = [];
}

/// <summary>An earlier version of a corrected entry, with who corrected it, when and why.</summary>
public sealed record Amendment
{
    /// <summary>The amendment's id (<c>amd_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The entry corrected.</summary>
    public string EntryId { get; init; } = "";
    /// <summary>Its kind: problem, prescription...</summary>
    public string EntryType { get; init; } = "";
    /// <summary>The patient.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>The consultation of the entry, if any.</summary>
    public string? ConsultationId { get; init; }
    /// <summary>The version this amendment replaced.</summary>
    public int Version { get; init; }
    /// <summary>That version's fields.</summary>
    public JsonElement Previous { get; init; }
    /// <summary>Why, as given.</summary>
    public string? Reason { get; init; }
    /// <summary>api_key or user.</summary>
    public string AmendedByType { get; init; } = "";
    /// <summary>Who corrected it.</summary>
    public string? AmendedBy { get; init; }
    /// <summary>When.</summary>
    public DateTimeOffset AmendedAt { get; init; }
}

/// <summary>One entry of the access log: who read or changed which patient's record, when, in which request.</summary>
public sealed record AuditEvent
{
    /// <summary>The entry's id (<c>aud_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>When.</summary>
    public DateTimeOffset OccurredAt { get; init; }
    /// <summary>api_key or user.</summary>
    public string ActorType { get; init; } = "";
    /// <summary>The key or user.</summary>
    public string? ActorId { get; init; }
    /// <summary>read, create, update or download.</summary>
    public string Action { get; init; } = "";
    /// <summary>patient, consultation, problem, document...</summary>
    public string ResourceType { get; init; } = "";
    /// <summary>The record accessed.</summary>
    public string? ResourceId { get; init; }
    /// <summary>Whose record it is.</summary>
    public string? PatientId { get; init; }
    /// <summary>The request (its X-Request-Id).</summary>
    public string RequestId { get; init; } = "";
}

/// <summary>Filters of a list of clinical entries. <see cref="PatientId"/> and <see cref="ConsultationId"/> apply to /problems, /prescriptions and /documents only.</summary>
public sealed record ClinicalEntryListQuery : ListQuery
{
    /// <summary>One patient's entries.</summary>
    public string? PatientId { get; init; }
    /// <summary>One consultation's entries.</summary>
    public string? ConsultationId { get; init; }
    /// <summary>Exact status (kinds that have one).</summary>
    public string? Status { get; init; }
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyList<string>? StatusIn { get; init; }
    /// <summary>The entry's date (onset, start, when measured...) on or after this day.</summary>
    public DateOnly? DateGte { get; init; }
    /// <summary>The entry's date on or before this day.</summary>
    public DateOnly? DateLte { get; init; }
    /// <summary>Documents of this type.</summary>
    public string? DocumentType { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("patient_id", PatientId);
        query.Add("consultation_id", ConsultationId);
        query.Add("status", Status);
        query.Add("status_in", StatusIn);
        query.Add("date_gte", DateGte);
        query.Add("date_lte", DateLte);
        query.Add("document_type", DocumentType);
    }
}

/// <summary>Filters of <c>GET /consultations</c>.</summary>
public sealed record ConsultationListQuery : ListQuery
{
    /// <summary>One patient's consultations.</summary>
    public string? PatientId { get; init; }
    /// <summary>One clinician's.</summary>
    public string? ClinicianId { get; init; }
    /// <summary>Exact status.</summary>
    public string? Status { get; init; }
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyList<string>? StatusIn { get; init; }
    /// <summary>On or after this day.</summary>
    public DateOnly? DateGte { get; init; }
    /// <summary>On or before this day.</summary>
    public DateOnly? DateLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("patient_id", PatientId);
        query.Add("clinician_id", ClinicianId);
        query.Add("status", Status);
        query.Add("status_in", StatusIn);
        query.Add("date_gte", DateGte);
        query.Add("date_lte", DateLte);
    }
}

/// <summary>Filters of <c>GET /audit-events</c>.</summary>
public sealed record AuditEventListQuery : ListQuery
{
    /// <summary>Accesses to one patient's record.</summary>
    public string? PatientId { get; init; }
    /// <summary>Accesses by one key or user.</summary>
    public string? ActorId { get; init; }
    /// <summary>read, create, update or download.</summary>
    public string? Action { get; init; }
    /// <summary>From this instant.</summary>
    public DateTimeOffset? OccurredAtGte { get; init; }
    /// <summary>Up to this instant.</summary>
    public DateTimeOffset? OccurredAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("patient_id", PatientId);
        query.Add("actor_id", ActorId);
        query.Add("action", Action);
        query.Add("occurred_at_gte", OccurredAtGte);
        query.Add("occurred_at_lte", OccurredAtLte);
    }
}

/// <summary>
/// A new clinical entry (<c>POST /problems</c>, <c>/prescriptions</c>, <c>/documents</c>) or a correction (PATCH): the
/// fields by their JSON names, e.g. <c>new() { PatientId = "pat_…", Fields = { ["problem_name"] = "Asthma" } }</c>.
/// </summary>
public sealed record ClinicalEntryWrite
{
    /// <summary>The patient (required on create; never changed).</summary>
    public string? PatientId { get; init; }
    /// <summary>The consultation it belongs to (id or con_ id), if any.</summary>
    public string? ConsultationId { get; init; }
    /// <summary>Why, for a correction.</summary>
    public string? AmendmentReason { get; init; }
    /// <summary>For a document: the file itself (sent as base64).</summary>
    public byte[]? Content { get; init; }
    /// <summary>The kind's fields by JSON name.</summary>
    [JsonExtensionData]
    public Dictionary<string, object?> Fields { get; set; } = [];
}

/// <summary>
/// A new consultation (<c>POST /consultations</c>) and the entries recorded in it, by section:
/// <c>Sections = { ["problems"] = new List&lt;Dictionary&lt;string, object?&gt;&gt; { new() { ["problem_name"] = "Asthma" } } }</c>.
/// </summary>
public sealed record ConsultationCreate
{
    /// <summary>The patient (required).</summary>
    public required string PatientId { get; init; }
    /// <summary>The day (required).</summary>
    public required DateOnly ConsultationDate { get; init; }
    /// <summary>Local time, HH:MM:SS.</summary>
    public string? ConsultationTime { get; init; }
    /// <summary>The appointment it took place in.</summary>
    public string? AppointmentId { get; init; }
    /// <summary>The clinician.</summary>
    public string? ClinicianId { get; init; }
    /// <summary>The location.</summary>
    public string? LocationId { get; init; }
    /// <summary>The episode.</summary>
    public string? EpisodeId { get; init; }
    /// <summary>draft, in_progress, completed (default) or cancelled.</summary>
    public string? Status { get; init; }
    /// <summary>SNOMED CT code of the type.</summary>
    public string? ConsultationTypeCode { get; init; }
    /// <summary>The type, for people.</summary>
    public string? ConsultationTypeDisplay { get; init; }
    /// <summary>Why the patient came.</summary>
    public string? ChiefComplaint { get; init; }
    /// <summary>The clinician's summary.</summary>
    public string? Summary { get; init; }
    /// <summary>Entries by section name (problems, medications, observations, lab_orders...), each a list of field dictionaries.</summary>
    [JsonExtensionData]
    public Dictionary<string, object?> Sections { get; set; } = [];
}

/// <summary>A file the API answered with (a document's download).</summary>
public sealed record LeapFile
{
    /// <summary>The bytes.</summary>
    public byte[] Content { get; init; } = [];
    /// <summary>The type the server found in the bytes at upload.</summary>
    public string? ContentType { get; init; }
    /// <summary>The file's name, as uploaded.</summary>
    public string? FileName { get; init; }
}
