using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Episodes;

/// <summary>An inbox item: one patient's piece of clinical work from its trigger to its resolution.</summary>
public sealed record Episode
{
    public required string Id { get; init; }
    public required string PatientId { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public required string Status { get; init; }
    /// <summary>Who acts next: follows from the status (see <see cref="EpisodeValues.IsConsistent"/>).</summary>
    public required string Responsibility { get; init; }
    public string? AssignedTo { get; init; }
    /// <summary>Set by a person assigning: automation then leaves the assignment alone.</summary>
    public bool AssignmentLocked { get; init; }
    public required string Priority { get; init; }
    public required string JourneyType { get; init; }
    public required string SourceType { get; init; }
    public string? SourceId { get; init; }
    public IReadOnlyList<string> ProblemIds { get; init; } = [];
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateTimeOffset? DueDate { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public string? ProgrammeId { get; init; }
    public required string InboxVisibility { get; init; }
    /// <summary>When the episode or its timeline last changed: the inbox's "most recently active first" order.</summary>
    public DateTimeOffset LastActivityAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One entry of an episode's timeline. Append-only: corrections are new <c>note</c> events.</summary>
public sealed record EpisodeEvent
{
    public required string Id { get; init; }
    public required string EpisodeId { get; init; }
    public required string EventType { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public string? CreatedBy { get; init; }
    public required string CreatedByType { get; init; }
    public IReadOnlyList<string> MentionedUsers { get; init; } = [];
    public IReadOnlyList<string> ExtractedTags { get; init; } = [];
    public string? RelatedObjectType { get; init; }
    public string? RelatedObjectId { get; init; }
    /// <summary>What an action changed (<c>from</c>, <c>to</c>, the note or reason), or what raised an automatic event.</summary>
    public IReadOnlyDictionary<string, string?>? Details { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class EpisodeValues
{
    public const string Open = "open";
    public const string PendingPatient = "pending_patient";
    public const string AwaitingReview = "awaiting_review";
    public const string Closed = "closed";

    public const string Practice = "practice";
    public const string Patient = "patient";
    public const string Nobody = "none";

    public const string Medium = "medium";
    public const string Surface = "surface";
    public const string General = "general";

    public static readonly IReadOnlyList<string> Statuses = [Open, PendingPatient, AwaitingReview, Closed];
    public static readonly IReadOnlyList<string> Responsibilities = [Practice, Patient, Nobody];
    /// <summary>In rising order, so automation can tell an escalation from a downgrade.</summary>
    public static readonly IReadOnlyList<string> Priorities = ["low", Medium, "high", "urgent"];
    public static readonly IReadOnlyList<string> JourneyTypes =
        [General, "access", "questionnaire", "appointment", "clinical_result", "messaging", "billing", "document", "identity"];
    public static readonly IReadOnlyList<string> InboxVisibilities = [Surface, "background"];

    /// <summary>Jump's status table: who is responsible in each status.</summary>
    public static bool IsConsistent(string status, string responsibility) => status switch
    {
        Open => responsibility is Practice or Patient,
        PendingPatient => responsibility == Patient,
        AwaitingReview => responsibility == Practice,
        _ => responsibility == Nobody,
    };

    public static string DefaultResponsibility(string status) => status switch
    {
        PendingPatient => Patient,
        Closed => Nobody,
        _ => Practice,
    };
}

public static class EpisodeEventTypes
{
    public const string Note = "note";
    public const string StatusChange = "status_change";
    public const string Assignment = "assignment";
    public const string PriorityChange = "priority_change";
    public const string QuestionnaireResponse = "questionnaire_response";
    public const string Appointment = "appointment";
    public const string Automation = "automation";

    public static readonly IReadOnlyList<string> All =
    [
        Note, StatusChange, Assignment, PriorityChange, "questionnaire", QuestionnaireResponse, "communication", Appointment,
        "lab_result", "invoice", "prescription", "identity_verification", Automation, "notification", "system",
    ];

    /// <summary>Audit records of actions and automation are written by the server only.</summary>
    public static readonly IReadOnlyList<string> ServerOnly = [StatusChange, Assignment, PriorityChange, Automation];

    public static readonly IReadOnlyList<string> ClientCreatable = All.Except(ServerOnly).ToList();
}

/// <summary>Who wrote an event: a person (named by the integration), an API key, or automation.</summary>
public static class EventAuthors
{
    public const string User = "user";
    public const string ApiKey = "api_key";
    public const string Automation = "automation";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<Episode>))]
[JsonSerializable(typeof(ListEnvelope<Episode>))]
[JsonSerializable(typeof(DataEnvelope<EpisodeEvent>))]
[JsonSerializable(typeof(ListEnvelope<EpisodeEvent>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string?>))]
internal sealed partial class EpisodesJson : JsonSerializerContext;
