using System.Text.Json;
using System.Text.Json.Nodes;

namespace Leap.Client;

/// <summary>
/// A questionnaire template: a form patients fill in. An organisation creates and edits its own; system templates
/// (<see cref="IsSystem"/>) are shared by every organisation and read-only. A change to the title, description or
/// questions makes a new <see cref="Version"/>; earlier versions stay readable.
/// </summary>
public sealed record QuestionnaireTemplate
{
    /// <summary>The template's id (<c>qt_…</c>): what responses name as <c>questionnaire_id</c>.</summary>
    public string Id { get; init; } = "";
    /// <summary>The questionnaire's id (<c>q_…</c>), shared by its versions.</summary>
    public string QuestionnaireId { get; init; } = "";
    /// <summary>Title.</summary>
    public string Title { get; init; } = "";
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>
    /// The questions: <c>{"fields": [{"key", "label", "type", "required", "min", "max", "options", "max_length", "show_if"}, …]}</c>
    /// (types text, number, scale, boolean, choice, multi_choice, date; see docs/questionnaires.md).
    /// </summary>
    public JsonElement Schema { get; init; }
    /// <summary>Category.</summary>
    public string? Category { get; init; }
    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>True for clinical questionnaires.</summary>
    public bool IsClinical { get; init; }
    /// <summary>
    /// The version: 1 when created, one more each time the title, description or questions change. Responses record the
    /// version they answered (<see cref="QuestionnaireResponse.QuestionnaireVersion"/>).
    /// </summary>
    public int Version { get; init; }
    /// <summary>Only active templates take new responses.</summary>
    public bool IsActive { get; init; }
    /// <summary>A stable key, e.g. <c>phq2</c>.</summary>
    public string? Key { get; init; }
    /// <summary>True for the system templates every organisation sees.</summary>
    public bool IsSystem { get; init; }
    /// <summary>When the template was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the template last changed (for an earlier version read with <see cref="QuestionnaireTemplatesClient.GetVersionAsync"/>: when that version was made).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A new template (version 1). The title and the questions are required.</summary>
public sealed record QuestionnaireTemplateCreate
{
    /// <summary>Title (required).</summary>
    public required string Title { get; init; }
    /// <summary>
    /// The questions (required): <c>{"fields": [{"key", "label", "type", …}, …]}</c>, checked as docs/questionnaires.md
    /// says (unique keys, a known type, options for choice questions, only the properties a type uses).
    /// </summary>
    public required JsonObject Schema { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>Category, e.g. <c>intake</c>.</summary>
    public string? Category { get; init; }
    /// <summary>Tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
    /// <summary>True for clinical questionnaires (server default false).</summary>
    public bool? IsClinical { get; init; }
    /// <summary>Only active templates take new responses (server default true).</summary>
    public bool? IsActive { get; init; }
    /// <summary>A stable key pathway rules can match, e.g. <c>back_pain_check_in</c> (lower case, digits and underscores).</summary>
    public string? Key { get; init; }
}

/// <summary>
/// Changes to a template: only the properties you set are sent. A change to the title, description or questions makes
/// the next version; the other properties change in place.
/// </summary>
public sealed class QuestionnaireTemplateUpdate : PatchBody
{
    /// <summary>Title.</summary>
    public string? Title { get => Get<string>(); init => Set(value); }
    /// <summary>Description (null clears it).</summary>
    public string? Description { get => Get<string>(); init => Set(value); }
    /// <summary>The questions, replaced whole.</summary>
    public JsonObject? Schema { get => Get<JsonObject>(); init => Set(value); }
    /// <summary>Category (null clears it).</summary>
    public string? Category { get => Get<string>(); init => Set(value); }
    /// <summary>Tags, replaced whole.</summary>
    public IReadOnlyList<string>? Tags { get => Get<IReadOnlyList<string>>(); init => Set(value); }
    /// <summary>Clinical or not.</summary>
    public bool? IsClinical { get => Get<bool?>(); init => Set(value); }
    /// <summary>False retires the template: it takes no new responses (templates are not deleted).</summary>
    public bool? IsActive { get => Get<bool?>(); init => Set(value); }
    /// <summary>The key (null clears it).</summary>
    public string? Key { get => Get<string>(); init => Set(value); }
}

/// <summary>Filters for <see cref="QuestionnaireTemplatesClient.ListAsync"/> (oldest first); unset filters are not sent.</summary>
public sealed record QuestionnaireTemplateListQuery : ListQuery
{
    /// <summary>Free text in the title.</summary>
    public string? Search { get; init; }
    /// <summary>Exact category.</summary>
    public string? Category { get; init; }
    /// <summary>Clinical or not.</summary>
    public bool? IsClinical { get; init; }
    /// <summary>Active or not.</summary>
    public bool? IsActive { get; init; }
    /// <summary>Exact key, e.g. <c>phq2</c>.</summary>
    public string? Key { get; init; }
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Created at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("search", Search);
        query.Add("category", Category);
        query.Add("is_clinical", IsClinical);
        query.Add("is_active", IsActive);
        query.Add("key", Key);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
    }
}

/// <summary>A filled-in questionnaire: answers keyed by question.</summary>
public sealed record QuestionnaireResponse
{
    /// <summary>The response's id (<c>qr_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The template answered (<c>qt_…</c>).</summary>
    public string QuestionnaireId { get; init; } = "";
    /// <summary>The template's version answered: <see cref="QuestionnaireTemplatesClient.GetVersionAsync"/> shows its questions.</summary>
    public int QuestionnaireVersion { get; init; }
    /// <summary>The patient the response is about.</summary>
    public string? PatientId { get; init; }
    /// <summary>The appointment it belongs to.</summary>
    public string? AppointmentId { get; init; }
    /// <summary>The episode it landed on (set by the server for a response about a patient).</summary>
    public string? EpisodeId { get; init; }
    /// <summary>The answers: a JSON object keyed by question.</summary>
    public JsonElement Responses { get; init; }
    /// <summary>When it was submitted.</summary>
    public DateTimeOffset SubmittedAt { get; init; }
    /// <summary>True when the patient submitted it (false for API-created responses).</summary>
    public bool SubmittedByPatient { get; init; }
    /// <summary>True when filled in before a booking.</summary>
    public bool IsPreBooking { get; init; }
    /// <summary>When the response was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the response last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A new response. The template and the answers are required.</summary>
public sealed record QuestionnaireResponseCreate
{
    /// <summary>The template answered (required; the organisation's or a system one, and active).</summary>
    public required string QuestionnaireId { get; init; }
    /// <summary>
    /// The answers (required), keyed by question and checked against the template's schema, e.g.
    /// <c>new JsonObject { ["smoker"] = true, ["cigarettes_per_day"] = 5 }</c>.
    /// </summary>
    public required JsonObject Responses { get; init; }
    /// <summary>The patient; taken from the appointment or episode when they are given without it.</summary>
    public string? PatientId { get; init; }
    /// <summary>The appointment (must be the patient's).</summary>
    public string? AppointmentId { get; init; }
    /// <summary>The episode (must be the patient's); without it, the pathway rules choose one.</summary>
    public string? EpisodeId { get; init; }
    /// <summary>Filled in before a booking (server default false).</summary>
    public bool? IsPreBooking { get; init; }
    /// <summary>When it was submitted (server default now; not in the future).</summary>
    public DateTimeOffset? SubmittedAt { get; init; }
}

/// <summary>Changes to a response: only the properties you set are sent; null unlinks an appointment or episode.</summary>
public sealed class QuestionnaireResponseUpdate : PatchBody
{
    /// <summary>The answers, replaced whole (checked against the template again).</summary>
    public JsonObject? Responses { get => Get<JsonObject>(); init => Set(value); }
    /// <summary>The patient, only while the response has none.</summary>
    public string? PatientId { get => Get<string>(); init => Set(value); }
    /// <summary>The appointment.</summary>
    public string? AppointmentId { get => Get<string>(); init => Set(value); }
    /// <summary>The episode.</summary>
    public string? EpisodeId { get => Get<string>(); init => Set(value); }
    /// <summary>Filled in before a booking (cannot be cleared).</summary>
    public bool? IsPreBooking { get => Get<bool?>(); init => Set(value); }
}

/// <summary>Filters for <see cref="QuestionnaireResponsesClient.ListAsync"/> (oldest first); unset filters are not sent.</summary>
public sealed record QuestionnaireResponseListQuery : ListQuery
{
    /// <summary>One patient's responses.</summary>
    public string? PatientId { get; init; }
    /// <summary>Responses to one template (<c>qt_…</c>).</summary>
    public string? QuestionnaireId { get; init; }
    /// <summary>Responses on one episode.</summary>
    public string? EpisodeId { get; init; }
    /// <summary>Responses for one appointment.</summary>
    public string? AppointmentId { get; init; }
    /// <summary>Pre-booking or not.</summary>
    public bool? IsPreBooking { get; init; }
    /// <summary>Submitted at or after.</summary>
    public DateTimeOffset? SubmittedAtGte { get; init; }
    /// <summary>Submitted at or before.</summary>
    public DateTimeOffset? SubmittedAtLte { get; init; }
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Created at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("patient_id", PatientId);
        query.Add("questionnaire_id", QuestionnaireId);
        query.Add("episode_id", EpisodeId);
        query.Add("appointment_id", AppointmentId);
        query.Add("is_pre_booking", IsPreBooking);
        query.Add("submitted_at_gte", SubmittedAtGte);
        query.Add("submitted_at_lte", SubmittedAtLte);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
    }
}
