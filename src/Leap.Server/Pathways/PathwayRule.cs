using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Pathways;

/// <summary>
/// A conditional override of the base pathway configuration: when its trigger fires and its conditions match,
/// its non-null fields replace the base ones. Rules of a trigger are tried by ascending priority; the first
/// match wins.
/// </summary>
public sealed record PathwayRule
{
    public required string Id { get; init; }
    public required string TriggerType { get; init; }
    public required string RuleName { get; init; }
    public int Priority { get; init; }
    public RuleConditions Conditions { get; init; } = new();
    public string? CreationMode { get; init; }
    public string? InboxVisibility { get; init; }
    public string? JourneyType { get; init; }
    public string? SuggestedAssignment { get; init; }
    public string? SuggestedPriority { get; init; }
    public string? ExpectedNextActor { get; init; }
    public bool Enabled { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What a rule matches on; every condition given must hold (an empty set matches every trigger).</summary>
public sealed record RuleConditions
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? AppointmentTypeIds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? ClinicianProfileIds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? LocationIds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? IsRemote { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? QuestionnaireIds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? QuestionnaireKeys { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? IsPreBooking { get; init; }

    public bool Matches(TriggerFacts facts) =>
        In(AppointmentTypeIds, facts.AppointmentTypeId) && In(ClinicianProfileIds, facts.ClinicianProfileId) && In(LocationIds, facts.LocationId)
        && Is(IsRemote, facts.IsRemote) && In(QuestionnaireIds, facts.QuestionnaireId) && In(QuestionnaireKeys, facts.QuestionnaireKey)
        && Is(IsPreBooking, facts.IsPreBooking);

    private static bool In(IReadOnlyList<string>? allowed, string? value) => allowed is null || (value is not null && allowed.Contains(value));

    private static bool Is(bool? wanted, bool? value) => wanted is null || wanted == value;
}

/// <summary>What a trigger is about, for rule conditions to test.</summary>
public sealed record TriggerFacts
{
    public string? AppointmentTypeId { get; init; }
    public string? ClinicianProfileId { get; init; }
    public string? LocationId { get; init; }
    public bool? IsRemote { get; init; }
    public string? QuestionnaireId { get; init; }
    public string? QuestionnaireKey { get; init; }
    public bool? IsPreBooking { get; init; }
}

/// <summary>The effective behaviour for a trigger: the base configuration with a matching rule's overrides.</summary>
public sealed record PathwayConfig(
    string CreationMode, string JourneyType, string Priority, string InboxVisibility, string ExpectedNextActor, string? Assignment)
{
    public PathwayConfig With(PathwayRule? rule) => rule is null ? this : new(
        rule.CreationMode ?? CreationMode, rule.JourneyType ?? JourneyType, rule.SuggestedPriority ?? Priority,
        rule.InboxVisibility ?? InboxVisibility, rule.ExpectedNextActor ?? ExpectedNextActor, rule.SuggestedAssignment ?? Assignment);
}

public static class PathwayValues
{
    public const string AppointmentBooked = "appointment.booked";
    public const string AppointmentRescheduled = "appointment.rescheduled";
    public const string AppointmentCancelled = "appointment.cancelled";
    public const string AppointmentCompleted = "appointment.completed";
    public const string AppointmentNoShow = "appointment.no_show";
    public const string QuestionnaireSubmitted = "questionnaire.submitted";
    public const string MessageSent = "message.sent";

    /// <summary>Attach to the patient's open episode of the journey type, or create one.</summary>
    public const string Create = "create";
    /// <summary>Attach to an open episode only; without one, nothing is tracked.</summary>
    public const string AttachOnly = "attach_only";
    /// <summary>Track nothing.</summary>
    public const string Skip = "skip";
    /// <summary>Record the event in an episode that is closed at once (outbound messages only).</summary>
    public const string CreateAndClose = "create_and_close";

    public static readonly IReadOnlyList<string> CreationModes = [Create, AttachOnly, Skip, CreateAndClose];

    /// <summary>Who acts next: the practice (open), the patient (pending_patient) or a clinician reviewing (awaiting_review).</summary>
    public static readonly IReadOnlyList<string> NextActors = ["practice", "patient", "clinician"];

    private static PathwayConfig Config(string journey, string actor, string mode = Create, string priority = "medium", string visibility = "surface") =>
        new(mode, journey, priority, visibility, actor, null);

    /// <summary>
    /// The system defaults per trigger (docs/pathway-rules.md). Leap raises the appointment and questionnaire
    /// triggers; the others are accepted on rules for compatibility with Jump, for the day something raises them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, PathwayConfig> Base = new Dictionary<string, PathwayConfig>
    {
        [AppointmentBooked] = Config("appointment", "patient"),
        [AppointmentRescheduled] = Config("appointment", "patient"),
        [AppointmentCancelled] = Config("appointment", "practice"),
        [AppointmentCompleted] = Config("appointment", "clinician"),
        [AppointmentNoShow] = Config("appointment", "practice"),
        [QuestionnaireSubmitted] = Config("questionnaire", "clinician"),
        ["lab_result.received"] = Config("clinical_result", "clinician"),
        ["invoice.created"] = Config("billing", "patient", priority: "low"),
        ["invoice.paid"] = Config("billing", "practice", mode: AttachOnly, priority: "low"),
        ["invoice.voided"] = Config("billing", "practice", mode: AttachOnly, priority: "low"),
        ["prescription.signed"] = Config("clinical_result", "practice"),
        ["message.received"] = Config("messaging", "practice"),
        [MessageSent] = Config("messaging", "patient", mode: CreateAndClose, priority: "low", visibility: "background"),
        ["identity_verification.completed"] = Config("identity", "practice", priority: "low"),
    };

    public static bool IsAppointmentTrigger(string trigger) => trigger.StartsWith("appointment.", StringComparison.Ordinal);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<PathwayRule>))]
[JsonSerializable(typeof(ListEnvelope<PathwayRule>))]
[JsonSerializable(typeof(RuleConditions))]
internal sealed partial class PathwaysJson : JsonSerializerContext;
