using System.Globalization;
using System.Text.Json.Nodes;
using Leap.Server.Http;

namespace Leap.Server.ClinicalRecord;

public enum FieldType { Text, LongText, Date, Integer, Number, Choice, ClinicianId, Objects }

/// <summary>One field of a kind of clinical entry, as a client sends it and the API returns it.</summary>
public sealed record EntryField(string Name, FieldType Type, bool Required = false, int MaxLength = 200,
    IReadOnlyList<string>? Allowed = null, IReadOnlyList<EntryField>? Items = null)
{
    /// <summary>Reads the field into <paramref name="into"/> (JSON null when absent).</summary>
    public void Read(BodyReader r, JsonObject into)
    {
        into[Name] = Type switch
        {
            FieldType.Text => r.String(Name, MaxLength, Required),
            FieldType.LongText => r.String(Name, 10_000, Required, multiline: true),
            FieldType.Date => r.Date(Name, Required)?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            FieldType.Integer => r.Int(Name, 0, 100_000_000, Required),
            FieldType.Number => Required && !r.Has(Name) ? Missing(r) : r.Number(Name, -1e9, 1e9),
            FieldType.Choice => r.Enum(Name, Allowed!, Required),
            FieldType.ClinicianId => r.Id(Name, Ids.Clinician, Required),
            FieldType.Objects => ReadItems(r),
            _ => throw new InvalidOperationException($"No reader for {Type}."),
        };
    }

    private JsonNode? Missing(BodyReader r)
    {
        r.Fail(Name, "is required");
        return null;
    }

    private JsonArray? ReadItems(BodyReader r)
    {
        if (r.Objects(Name, 50, Required) is not { } items)
        {
            return null;
        }
        var array = new JsonArray();
        foreach (var item in items)
        {
            var values = new JsonObject();
            foreach (var field in Items!)
            {
                field.Read(item, values);
            }
            array.Add(values);
        }
        return array;
    }
}

/// <summary>
/// A kind of clinical entry (problem, medication, observation...): its fields and how it is listed. Every kind is
/// stored, listed, audited and amended by the same code (ClinicalStore, ClinicalRecordApi); a kind is only this
/// description (docs/clinical-record.md lists the fields of each).
/// </summary>
public sealed record EntryKind(string Name, string Path, string Prefix, IReadOnlyList<EntryField> Fields, string? DateField = null, string? CategoryField = null)
{
    /// <summary>The key of the kind's entries in a consultation card and of the body of POST /consultations: lab_orders.</summary>
    public string Section => Path.Replace('-', '_');

    public EntryField? Status => Fields.FirstOrDefault(f => f.Name == "status");

    /// <summary>Filters of a list of one patient's or one consultation's entries.</summary>
    public ListSpec ScopedSpec { get; } = Spec(Fields, CategoryField);

    /// <summary>Filters of a list across patients (/problems, /prescriptions, /documents): also by patient and consultation.</summary>
    public ListSpec AllSpec { get; } = Spec(Fields, CategoryField).Exact("patient_id", "patient_id").Exact("consultation_id", "consultation_id");

    private static ListSpec Spec(IReadOnlyList<EntryField> fields, string? category)
    {
        var spec = new ListSpec().DateRange("date", "recorded_on").TimeRange("created_at", "created_at");
        if (fields.FirstOrDefault(f => f.Name == "status") is { Allowed: { } statuses })
        {
            spec.ExactOrIn("status", "status", statuses);
        }
        return category is null ? spec : spec.Exact(category, "category");
    }

    /// <summary>Reads a new entry's fields; a status not sent is the kind's first (active, completed...).</summary>
    public JsonObject Read(BodyReader r)
    {
        var data = new JsonObject();
        foreach (var field in Fields)
        {
            field.Read(r, data);
        }
        if (Status is { } status && data[status.Name] is null)
        {
            data[status.Name] = status.Allowed![0];
        }
        return data;
    }

    /// <summary>A correction: the fields sent replace those of <paramref name="current"/>; the others stay.</summary>
    public JsonObject Amend(BodyReader r, JsonObject current)
    {
        var data = (JsonObject)current.DeepClone();
        foreach (var field in Fields.Where(f => r.Has(f.Name)))
        {
            field.Read(r, data);
            if (field.Required && data[field.Name] is null && !r.Failed(field.Name))
            {
                r.Fail(field.Name, "cannot be removed");
            }
        }
        return data;
    }

    public string? StatusOf(JsonObject data) => Status is null ? null : (string?)data["status"];

    public string? CategoryOf(JsonObject data) => CategoryField is null ? null : (string?)data[CategoryField];

    /// <summary>The date the entry is about (onset, start, when measured...), if the kind has one and it was given.</summary>
    public DateOnly? DateOf(JsonObject data) =>
        DateField is not null && (string?)data[DateField] is { } text ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
}

/// <summary>Every kind of clinical entry Leap keeps (Jump's consultation sections and first-generation resources).</summary>
public static class EntryKinds
{
    private static EntryField Text(string name, int max = 200, bool required = false) => new(name, FieldType.Text, required, max);
    private static EntryField Long(string name) => new(name, FieldType.LongText);
    private static EntryField Date(string name) => new(name, FieldType.Date);
    private static EntryField Int(string name, bool required = false) => new(name, FieldType.Integer, required);
    private static EntryField Choice(string name, params string[] allowed) => new(name, FieldType.Choice, Allowed: allowed);
    private static readonly string[] Severities = ["mild", "moderate", "severe"];

    public static readonly EntryKind Problem = new("problem", "problems", "prb_",
    [
        Text("problem_name", required: true), Text("heading", 100), Text("snomed_code", 20), Text("icd10_code", 10),
        Choice("status", "active", "resolved", "inactive"), Choice("severity", Severities), Date("onset_date"), Date("end_date"), Long("notes"),
    ], DateField: "onset_date");

    public static readonly EntryKind Medication = new("medication", "medications", "med_",
    [
        Text("medication_name", required: true), Text("snomed_code", 20), Text("dosage", 50), Text("dosage_unit", 20), Text("frequency", 100),
        Text("route", 50), Choice("status", "active", "stopped", "completed"), Date("start_date"), Date("end_date"), Long("notes"),
    ], DateField: "start_date");

    private static readonly EntryField[] ObservationValue = [Text("code", 20), Text("display", required: true), new("value", FieldType.Number), Text("unit", 20)];

    public static readonly EntryKind Observation = new("observation", "observations", "obs_",
    [
        .. ObservationValue, Text("value_text", 500), Choice("status", "final", "preliminary", "amended", "cancelled"), Date("effective_date"),
        new("components", FieldType.Objects, Items: ObservationValue), Long("notes"),
    ], DateField: "effective_date");

    public static readonly EntryKind Procedure = new("procedure", "procedures", "proc_",
    [
        Text("code", 20), Text("display", required: true), Choice("status", "completed", "planned", "cancelled"), Date("performed_date"), Long("notes"),
    ], DateField: "performed_date");

    public static readonly EntryKind Referral = new("referral", "referrals", "ref_",
    [
        Text("referred_to", required: true), Text("specialty", 100), Long("reason"), Choice("urgency", "routine", "urgent", "two_week_wait"),
        Choice("status", "requested", "sent", "accepted", "completed", "cancelled"), Date("referral_date"),
    ], DateField: "referral_date");

    public static readonly EntryKind LabOrder = new("lab_order", "lab-orders", "lab_",
    [
        Text("test_code", 20), Text("test_name", required: true), Text("specimen", 100), Choice("status", "ordered", "collected", "resulted", "cancelled"),
        Date("ordered_date"), Long("notes"),
    ], DateField: "ordered_date");

    public static readonly EntryKind Prescription = new("prescription", "prescriptions", "rx_",
    [
        new("prescriber_id", FieldType.ClinicianId), Text("display_name"), Text("medication_name", required: true), Text("dosage", 50), Text("dosage_unit", 20),
        Text("frequency", 100), Text("route", 50), Int("quantity"), Int("refills"), Date("start_date"), Date("end_date"),
        Choice("status", "active", "stopped", "completed"), Long("instructions"), Long("notes"),
    ], DateField: "start_date");

    public static readonly EntryKind Allergy = new("allergy", "allergies", "alg_",
    [
        Text("allergen", required: true), Text("snomed_code", 20), Choice("category", "food", "medication", "environment", "other"),
        Choice("severity", Severities), Choice("status", "active", "inactive", "resolved"), Date("onset_date"),
        new("reactions", FieldType.Objects, Items: [Text("manifestation", required: true), Choice("severity", Severities)]), Long("notes"),
    ], DateField: "onset_date");

    public static readonly EntryKind Immunisation = new("immunisation", "immunisations", "imm_",
    [
        Text("vaccine_name", required: true), Text("vaccine_code", 20), Int("dose_number"), Text("batch_number", 50), Text("site", 50), Text("route", 50),
        Choice("status", "completed", "not_done"), Date("administered_date"), Long("notes"),
    ], DateField: "administered_date");

    public static readonly EntryKind FamilyHistory = new("family_history", "family-history", "fh_",
    [
        Text("relationship", 100, required: true), Text("condition", required: true), Text("snomed_code", 20), Int("age_at_onset"), Long("notes"),
    ]);

    public static readonly EntryKind SocialHistory = new("social_history", "social-history", "sh_",
    [
        Text("category", 50, required: true), Text("value", 500, required: true), Date("recorded_date"), Long("notes"),
    ], DateField: "recorded_date", CategoryField: "category");

    public static readonly EntryKind Invoice = new("invoice", "invoices", "inv_",
    [
        Text("invoice_number", 50), Text("description", 500, required: true), Int("amount", required: true), Text("currency", 3),
        Choice("status", "draft", "issued", "paid", "void"), Date("issued_date"),
    ], DateField: "issued_date");

    /// <summary>A document's own fields; its file's (name, type, size) are set by the upload (Documents/).</summary>
    public static readonly EntryKind Document = new("document", "documents", "doc_",
    [
        Text("document_type", 50), Text("title", required: true), Long("description"), Text("file_name", 255, required: true),
    ], CategoryField: "document_type");

    /// <summary>The sections of a consultation card, in Jump's order (amendments are listed apart).</summary>
    public static readonly IReadOnlyList<EntryKind> ConsultationSections =
        [Problem, Medication, Observation, Procedure, Referral, LabOrder, Prescription, Allergy, Immunisation, Document, FamilyHistory, SocialHistory, Invoice];

    /// <summary><c>?include=core</c>: the problem-oriented summary a clinician reads first.</summary>
    public static readonly IReadOnlyList<EntryKind> CoreSections = [Problem, Medication, Observation, Allergy];

    /// <summary>The patient's longitudinal record: GET /patients/{id}/{path}.</summary>
    public static readonly IReadOnlyList<EntryKind> PatientRecord = [Observation, Medication, Problem, Referral, Allergy, Immunisation];

    /// <summary>What POST /consultations takes inline (documents are uploaded on their own).</summary>
    public static readonly IReadOnlyList<EntryKind> Inline = ConsultationSections.Where(k => k != Document).ToList();
}
