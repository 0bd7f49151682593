using System.Text.Json.Serialization;

namespace Leap.Client;

/// <summary>
/// An episode: an inbox item, one patient's piece of clinical work from what started it to its resolution.
/// Status, priority and assignment change only through the actions of <see cref="EpisodesClient"/>, each
/// recorded as an event on the episode's timeline.
/// </summary>
public sealed record Episode
{
    /// <summary>The episode's id (<c>ep_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The patient the episode is about.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>Title.</summary>
    public string Title { get; init; } = "";
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>open, pending_patient, awaiting_review or closed; see <see cref="EpisodeStatus"/>.</summary>
    public string Status { get; init; } = "";
    /// <summary>Who acts next: practice, patient or none; follows from the status (see <see cref="EpisodeResponsibility"/>).</summary>
    public string Responsibility { get; init; } = "";
    /// <summary>The user or team assigned (free text, e.g. <c>usr_…</c>), or null.</summary>
    public string? AssignedTo { get; init; }
    /// <summary>True when a person's assignment is locked: automation leaves it alone.</summary>
    public bool AssignmentLocked { get; init; }
    /// <summary>low, medium, high or urgent; see <see cref="EpisodePriority"/>.</summary>
    public string Priority { get; init; } = "";
    /// <summary>The kind of journey; see <see cref="EpisodeJourneyType"/>.</summary>
    public string JourneyType { get; init; } = "";
    /// <summary>What started the episode: manual, appointment, questionnaire_response, or another lower-case slug.</summary>
    public string SourceType { get; init; } = "";
    /// <summary>The id of the record that started the episode.</summary>
    public string? SourceId { get; init; }
    /// <summary>Ids of the problems the episode is about.</summary>
    public IReadOnlyList<string> ProblemIds { get; init; } = [];
    /// <summary>Tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>When the work is due.</summary>
    public DateTimeOffset? DueDate { get; init; }
    /// <summary>When the episode was closed; null while not closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }
    /// <summary>The programme the episode belongs to.</summary>
    public string? ProgrammeId { get; init; }
    /// <summary>surface (shown in the inbox) or background; see <see cref="EpisodeInboxVisibility"/>.</summary>
    public string InboxVisibility { get; init; } = "";
    /// <summary>The later of the last change and the last event: the inbox's "most recently active first" order.</summary>
    public DateTimeOffset LastActivityAt { get; init; }
    /// <summary>When the episode was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the episode last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Values of <see cref="Episode.Status"/>.</summary>
public static class EpisodeStatus
{
    /// <summary>Open: the practice or the patient acts next.</summary>
    public const string Open = "open";
    /// <summary>Waiting for the patient.</summary>
    public const string PendingPatient = "pending_patient";
    /// <summary>Waiting for a clinician's review.</summary>
    public const string AwaitingReview = "awaiting_review";
    /// <summary>Closed (only by <see cref="EpisodesClient.CloseAsync"/>).</summary>
    public const string Closed = "closed";
}

/// <summary>Values of <see cref="Episode.Responsibility"/>: open → practice or patient; pending_patient → patient; awaiting_review → practice; closed → none.</summary>
public static class EpisodeResponsibility
{
    /// <summary>The practice acts next.</summary>
    public const string Practice = "practice";
    /// <summary>The patient acts next.</summary>
    public const string Patient = "patient";
    /// <summary>Nobody (closed episodes).</summary>
    public const string None = "none";
}

/// <summary>Values of <see cref="Episode.Priority"/>, lowest first.</summary>
public static class EpisodePriority
{
    /// <summary>Low.</summary>
    public const string Low = "low";
    /// <summary>Medium (the default).</summary>
    public const string Medium = "medium";
    /// <summary>High.</summary>
    public const string High = "high";
    /// <summary>Urgent.</summary>
    public const string Urgent = "urgent";
}

/// <summary>Values of <see cref="Episode.JourneyType"/> (and of pathway rules' <c>journey_type</c>).</summary>
public static class EpisodeJourneyType
{
    /// <summary>General (the default).</summary>
    public const string General = "general";
    /// <summary>Access.</summary>
    public const string Access = "access";
    /// <summary>A questionnaire.</summary>
    public const string Questionnaire = "questionnaire";
    /// <summary>An appointment.</summary>
    public const string Appointment = "appointment";
    /// <summary>A clinical result.</summary>
    public const string ClinicalResult = "clinical_result";
    /// <summary>Messaging.</summary>
    public const string Messaging = "messaging";
    /// <summary>Billing.</summary>
    public const string Billing = "billing";
    /// <summary>A document.</summary>
    public const string Document = "document";
    /// <summary>Identity verification.</summary>
    public const string Identity = "identity";
}

/// <summary>Values of <see cref="Episode.InboxVisibility"/> (and of pathway rules' <c>inbox_visibility</c>).</summary>
public static class EpisodeInboxVisibility
{
    /// <summary>Shown in the inbox (the default).</summary>
    public const string Surface = "surface";
    /// <summary>Tracked, not surfaced.</summary>
    public const string Background = "background";
}

/// <summary>A new episode. Patient and title are required; unset fields are not sent and take the server's defaults.</summary>
public sealed record EpisodeCreate
{
    /// <summary>The patient (required; in the key's organisation and mode).</summary>
    public required string PatientId { get; init; }
    /// <summary>Title (required, up to 200 characters).</summary>
    public required string Title { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>open (default), pending_patient or awaiting_review: a new episode cannot be closed.</summary>
    public string? Status { get; init; }
    /// <summary>Who acts next; follows from the status unless given (and must agree with it).</summary>
    public string? Responsibility { get; init; }
    /// <summary>low, medium (default), high or urgent.</summary>
    public string? Priority { get; init; }
    /// <summary>The journey type (default general).</summary>
    public string? JourneyType { get; init; }
    /// <summary>A lower-case slug (default manual).</summary>
    public string? SourceType { get; init; }
    /// <summary>The id of the record that started the episode.</summary>
    public string? SourceId { get; init; }
    /// <summary>Ids of the problems the episode is about.</summary>
    public IReadOnlyList<string>? ProblemIds { get; init; }
    /// <summary>Tags.</summary>
    public IReadOnlyList<string>? Tags { get; init; }
    /// <summary>When the work is due.</summary>
    public DateTimeOffset? DueDate { get; init; }
    /// <summary>The programme the episode belongs to.</summary>
    public string? ProgrammeId { get; init; }
    /// <summary>surface (default) or background.</summary>
    public string? InboxVisibility { get; init; }
    /// <summary>The user or team to assign.</summary>
    public string? AssignedTo { get; init; }
}

/// <summary>
/// Changes to an episode's descriptive fields: only the properties you set are sent, and null clears a field.
/// Lists are replaced whole. Status, priority and assignment have their own actions on <see cref="EpisodesClient"/>.
/// </summary>
public sealed class EpisodeUpdate : PatchBody
{
    /// <summary>Title (cannot be cleared).</summary>
    public string? Title { get => Get<string>(); init => Set(value); }
    /// <summary>Description.</summary>
    public string? Description { get => Get<string>(); init => Set(value); }
    /// <summary>The journey type.</summary>
    public string? JourneyType { get => Get<string>(); init => Set(value); }
    /// <summary>A lower-case slug.</summary>
    public string? SourceType { get => Get<string>(); init => Set(value); }
    /// <summary>The id of the record that started the episode.</summary>
    public string? SourceId { get => Get<string>(); init => Set(value); }
    /// <summary>Ids of the problems (replaces the list).</summary>
    public IReadOnlyList<string>? ProblemIds { get => Get<IReadOnlyList<string>>(); init => Set(value); }
    /// <summary>Tags (replaces the list).</summary>
    public IReadOnlyList<string>? Tags { get => Get<IReadOnlyList<string>>(); init => Set(value); }
    /// <summary>When the work is due.</summary>
    public DateTimeOffset? DueDate { get => Get<DateTimeOffset?>(); init => Set(value); }
    /// <summary>The programme the episode belongs to.</summary>
    public string? ProgrammeId { get => Get<string>(); init => Set(value); }
    /// <summary>surface or background.</summary>
    public string? InboxVisibility { get => Get<string>(); init => Set(value); }
    /// <summary>practice or patient, while the episode is open.</summary>
    public string? Responsibility { get => Get<string>(); init => Set(value); }
}

/// <summary>Filters for <see cref="EpisodesClient.ListAsync"/> (the inbox, most recently active first); unset filters are not sent.</summary>
public sealed record EpisodeListQuery : ListQuery
{
    /// <summary>Free text in title and description.</summary>
    public string? Search { get; init; }
    /// <summary>Exact status; see <see cref="EpisodeStatus"/>.</summary>
    public string? Status { get; init; }
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyList<string>? StatusIn { get; init; }
    /// <summary>Exact priority; see <see cref="EpisodePriority"/>.</summary>
    public string? Priority { get; init; }
    /// <summary>Any of these priorities.</summary>
    public IReadOnlyList<string>? PriorityIn { get; init; }
    /// <summary>Exact journey type.</summary>
    public string? JourneyType { get; init; }
    /// <summary>Any of these journey types.</summary>
    public IReadOnlyList<string>? JourneyTypeIn { get; init; }
    /// <summary>Exact responsibility.</summary>
    public string? Responsibility { get; init; }
    /// <summary>Any of these responsibilities.</summary>
    public IReadOnlyList<string>? ResponsibilityIn { get; init; }
    /// <summary>Assigned to this user or team.</summary>
    public string? AssignedTo { get; init; }
    /// <summary>One patient's episodes.</summary>
    public string? PatientId { get; init; }
    /// <summary>surface or background.</summary>
    public string? InboxVisibility { get; init; }
    /// <summary>Started by this kind of record.</summary>
    public string? SourceType { get; init; }
    /// <summary>Started by this record.</summary>
    public string? SourceId { get; init; }
    /// <summary>Due at or after.</summary>
    public DateTimeOffset? DueDateGte { get; init; }
    /// <summary>Due at or before.</summary>
    public DateTimeOffset? DueDateLte { get; init; }
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Created at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }
    /// <summary>Last active at or after.</summary>
    public DateTimeOffset? LastActivityAtGte { get; init; }
    /// <summary>Last active at or before.</summary>
    public DateTimeOffset? LastActivityAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("search", Search);
        query.Add("status", Status);
        query.Add("status_in", StatusIn);
        query.Add("priority", Priority);
        query.Add("priority_in", PriorityIn);
        query.Add("journey_type", JourneyType);
        query.Add("journey_type_in", JourneyTypeIn);
        query.Add("responsibility", Responsibility);
        query.Add("responsibility_in", ResponsibilityIn);
        query.Add("assigned_to", AssignedTo);
        query.Add("patient_id", PatientId);
        query.Add("inbox_visibility", InboxVisibility);
        query.Add("source_type", SourceType);
        query.Add("source_id", SourceId);
        query.Add("due_date_gte", DueDateGte);
        query.Add("due_date_lte", DueDateLte);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
        query.Add("last_activity_at_gte", LastActivityAtGte);
        query.Add("last_activity_at_lte", LastActivityAtLte);
    }
}

/// <summary>One entry of an episode's timeline. Append-only: correct an event by adding a note.</summary>
public sealed record EpisodeEvent
{
    /// <summary>The event's id (<c>evt_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The episode it belongs to.</summary>
    public string EpisodeId { get; init; } = "";
    /// <summary>The kind of event; see <see cref="EpisodeEventType"/>.</summary>
    public string EventType { get; init; } = "";
    /// <summary>Title.</summary>
    public string Title { get; init; } = "";
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>The author: a person's id (user), the API key's id (api_key), or a rule's id or null (automation).</summary>
    public string? CreatedBy { get; init; }
    /// <summary>user, api_key or automation; see <see cref="EpisodeEventAuthor"/>.</summary>
    public string CreatedByType { get; init; } = "";
    /// <summary>Users mentioned.</summary>
    public IReadOnlyList<string> MentionedUsers { get; init; } = [];
    /// <summary>The <c>#hashtags</c> of the title and description, lower-cased.</summary>
    public IReadOnlyList<string> ExtractedTags { get; init; } = [];
    /// <summary>The kind of record the event is about, e.g. appointment.</summary>
    public string? RelatedObjectType { get; init; }
    /// <summary>The id of the record the event is about.</summary>
    public string? RelatedObjectId { get; init; }
    /// <summary>What an action changed (<c>from</c>, <c>to</c>, <c>note</c>), or what raised an automatic event (<c>trigger</c>, <c>rule_id</c>).</summary>
    public IReadOnlyDictionary<string, string?>? Details { get; init; }
    /// <summary>When the event was added.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Same as <see cref="CreatedAt"/> (events never change).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Values of <see cref="EpisodeEvent.EventType"/>. Clients may add any except status_change, assignment, priority_change and automation.</summary>
public static class EpisodeEventType
{
    /// <summary>A note.</summary>
    public const string Note = "note";
    /// <summary>Written by close and reopen (server only).</summary>
    public const string StatusChange = "status_change";
    /// <summary>Written by assign (server only).</summary>
    public const string Assignment = "assignment";
    /// <summary>Written by change-priority (server only).</summary>
    public const string PriorityChange = "priority_change";
    /// <summary>A questionnaire.</summary>
    public const string Questionnaire = "questionnaire";
    /// <summary>A questionnaire response.</summary>
    public const string QuestionnaireResponse = "questionnaire_response";
    /// <summary>A communication.</summary>
    public const string Communication = "communication";
    /// <summary>An appointment.</summary>
    public const string Appointment = "appointment";
    /// <summary>A lab result.</summary>
    public const string LabResult = "lab_result";
    /// <summary>An invoice.</summary>
    public const string Invoice = "invoice";
    /// <summary>A prescription.</summary>
    public const string Prescription = "prescription";
    /// <summary>An identity verification.</summary>
    public const string IdentityVerification = "identity_verification";
    /// <summary>Written by automation (server only).</summary>
    public const string Automation = "automation";
    /// <summary>A notification.</summary>
    public const string Notification = "notification";
    /// <summary>A system event.</summary>
    public const string System = "system";
}

/// <summary>Values of <see cref="EpisodeEvent.CreatedByType"/>.</summary>
public static class EpisodeEventAuthor
{
    /// <summary>A person, named by <see cref="EpisodeEventCreate.CreatedBy"/>.</summary>
    public const string User = "user";
    /// <summary>The API key that added the event.</summary>
    public const string ApiKey = "api_key";
    /// <summary>Leap's automation (pathway rules).</summary>
    public const string Automation = "automation";
}

/// <summary>A new timeline event. Event type and title are required.</summary>
public sealed record EpisodeEventCreate
{
    /// <summary>The kind of event (required); see <see cref="EpisodeEventType"/>.</summary>
    public required string EventType { get; init; }
    /// <summary>Title (required).</summary>
    public required string Title { get; init; }
    /// <summary>Description; its <c>#hashtags</c> become <see cref="EpisodeEvent.ExtractedTags"/>.</summary>
    public string? Description { get; init; }
    /// <summary>The person who wrote it (e.g. <c>usr_…</c>): the event is then by a user; without it, by the API key.</summary>
    public string? CreatedBy { get; init; }
    /// <summary>Users mentioned.</summary>
    public IReadOnlyList<string>? MentionedUsers { get; init; }
    /// <summary>The kind of record the event is about.</summary>
    public string? RelatedObjectType { get; init; }
    /// <summary>The id of the record the event is about.</summary>
    public string? RelatedObjectId { get; init; }
}

/// <summary>Filters for <see cref="EpisodesClient.ListEventsAsync"/> (oldest first); unset filters are not sent.</summary>
public sealed record EpisodeEventListQuery : ListQuery
{
    /// <summary>Exact event type.</summary>
    public string? EventType { get; init; }
    /// <summary>Any of these event types.</summary>
    public IReadOnlyList<string>? EventTypeIn { get; init; }
    /// <summary>Free text in title and description.</summary>
    public string? Search { get; init; }
    /// <summary>Added at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Added at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("event_type", EventType);
        query.Add("event_type_in", EventTypeIn);
        query.Add("search", Search);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
    }
}

internal sealed record EpisodeCloseBody(string? Note);

internal sealed record EpisodeReopenBody(string? Reason);

/// <summary><c>assigned_to</c> is always sent: null unassigns.</summary>
internal sealed record EpisodeAssignBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? AssignedTo, bool? Locked, string? Note);

internal sealed record EpisodeChangePriorityBody(string Priority, string? Reason);
