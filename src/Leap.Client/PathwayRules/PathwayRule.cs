namespace Leap.Client;

/// <summary>
/// A pathway rule: when its trigger fires and its conditions all hold, its non-null overrides replace the
/// base configuration of where the event lands in the patient's episodes. The enabled rules of a trigger are
/// tried by ascending <see cref="Priority"/>; the first match wins.
/// </summary>
public sealed record PathwayRule
{
    /// <summary>The rule's id (<c>rule_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The trigger; see <see cref="PathwayTrigger"/>.</summary>
    public string TriggerType { get; init; } = "";
    /// <summary>The rule's name.</summary>
    public string RuleName { get; init; } = "";
    /// <summary>0 to 1,000,000; lower is tried first, unique per trigger.</summary>
    public int Priority { get; init; }
    /// <summary>What the rule matches on; every condition given must hold (none matches every trigger).</summary>
    public PathwayRuleConditions Conditions { get; init; } = new();
    /// <summary>Override of the creation mode (null inherits); see <see cref="PathwayCreationMode"/>.</summary>
    public string? CreationMode { get; init; }
    /// <summary>Override of a new episode's inbox visibility (null inherits); see <see cref="EpisodeInboxVisibility"/>.</summary>
    public string? InboxVisibility { get; init; }
    /// <summary>Override of the journey type (null inherits); see <see cref="EpisodeJourneyType"/>.</summary>
    public string? JourneyType { get; init; }
    /// <summary>The user or team to assign (null inherits: no assignment by default).</summary>
    public string? SuggestedAssignment { get; init; }
    /// <summary>Override of the priority (null inherits); see <see cref="EpisodePriority"/>.</summary>
    public string? SuggestedPriority { get; init; }
    /// <summary>Override of who acts next (null inherits); see <see cref="PathwayNextActor"/>.</summary>
    public string? ExpectedNextActor { get; init; }
    /// <summary>False: the rule is kept but not tried.</summary>
    public bool Enabled { get; init; }
    /// <summary>When the rule was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the rule last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// A rule's conditions: unset ones are not tested. Appointment triggers take the first four, the questionnaire
/// trigger the last three, others none (anything else is a 422). A list must not be empty.
/// </summary>
public sealed record PathwayRuleConditions
{
    /// <summary>Appointment template ids (<c>tmpl_…</c>).</summary>
    public IReadOnlyList<string>? AppointmentTypeIds { get; init; }
    /// <summary>Clinician profile ids.</summary>
    public IReadOnlyList<string>? ClinicianProfileIds { get; init; }
    /// <summary>Location ids.</summary>
    public IReadOnlyList<string>? LocationIds { get; init; }
    /// <summary>Remote (true) or in-person (false) appointments.</summary>
    public bool? IsRemote { get; init; }
    /// <summary>Questionnaire template ids (<c>qt_…</c>).</summary>
    public IReadOnlyList<string>? QuestionnaireIds { get; init; }
    /// <summary>Questionnaire template keys, e.g. <c>phq2</c>.</summary>
    public IReadOnlyList<string>? QuestionnaireKeys { get; init; }
    /// <summary>Pre-booking (true) or other (false) responses.</summary>
    public bool? IsPreBooking { get; init; }
}

/// <summary>Values of <see cref="PathwayRule.TriggerType"/>. Leap raises the appointment and questionnaire triggers; rules for the others are stored for compatibility.</summary>
public static class PathwayTrigger
{
    /// <summary>An appointment was booked.</summary>
    public const string AppointmentBooked = "appointment.booked";
    /// <summary>An appointment was moved.</summary>
    public const string AppointmentRescheduled = "appointment.rescheduled";
    /// <summary>An appointment was cancelled.</summary>
    public const string AppointmentCancelled = "appointment.cancelled";
    /// <summary>An appointment was completed.</summary>
    public const string AppointmentCompleted = "appointment.completed";
    /// <summary>The patient did not attend.</summary>
    public const string AppointmentNoShow = "appointment.no_show";
    /// <summary>A questionnaire response about a patient was submitted.</summary>
    public const string QuestionnaireSubmitted = "questionnaire.submitted";
    /// <summary>A lab result arrived (not raised by Leap yet).</summary>
    public const string LabResultReceived = "lab_result.received";
    /// <summary>An invoice was created (not raised by Leap yet).</summary>
    public const string InvoiceCreated = "invoice.created";
    /// <summary>An invoice was paid (not raised by Leap yet).</summary>
    public const string InvoicePaid = "invoice.paid";
    /// <summary>An invoice was voided (not raised by Leap yet).</summary>
    public const string InvoiceVoided = "invoice.voided";
    /// <summary>A prescription was signed (not raised by Leap yet).</summary>
    public const string PrescriptionSigned = "prescription.signed";
    /// <summary>A message was received (not raised by Leap yet).</summary>
    public const string MessageReceived = "message.received";
    /// <summary>A message was sent (not raised by Leap yet).</summary>
    public const string MessageSent = "message.sent";
    /// <summary>An identity verification completed (not raised by Leap yet).</summary>
    public const string IdentityVerificationCompleted = "identity_verification.completed";
}

/// <summary>Values of <see cref="PathwayRule.CreationMode"/>.</summary>
public static class PathwayCreationMode
{
    /// <summary>Land on the patient's open episode of the journey type, or a new one.</summary>
    public const string Create = "create";
    /// <summary>Land on an open episode only; without one, nothing is tracked.</summary>
    public const string AttachOnly = "attach_only";
    /// <summary>Track nothing.</summary>
    public const string Skip = "skip";
    /// <summary>A new episode closed at once (only for <see cref="PathwayTrigger.MessageSent"/>).</summary>
    public const string CreateAndClose = "create_and_close";
}

/// <summary>Values of <see cref="PathwayRule.ExpectedNextActor"/>: they set the episode's status and responsibility.</summary>
public static class PathwayNextActor
{
    /// <summary>open / practice.</summary>
    public const string Practice = "practice";
    /// <summary>pending_patient / patient.</summary>
    public const string Patient = "patient";
    /// <summary>awaiting_review / practice.</summary>
    public const string Clinician = "clinician";
}

/// <summary>A new rule. Trigger, name and priority are required; unset overrides inherit the base configuration.</summary>
public sealed record PathwayRuleCreate
{
    /// <summary>The trigger (required); see <see cref="PathwayTrigger"/>.</summary>
    public required string TriggerType { get; init; }
    /// <summary>The rule's name (required).</summary>
    public required string RuleName { get; init; }
    /// <summary>0 to 1,000,000, unique per trigger (required; lower is tried first).</summary>
    public required int Priority { get; init; }
    /// <summary>What the rule matches on; null matches every trigger.</summary>
    public PathwayRuleConditions? Conditions { get; init; }
    /// <summary>Override of the creation mode.</summary>
    public string? CreationMode { get; init; }
    /// <summary>Override of a new episode's inbox visibility.</summary>
    public string? InboxVisibility { get; init; }
    /// <summary>Override of the journey type.</summary>
    public string? JourneyType { get; init; }
    /// <summary>The user or team to assign.</summary>
    public string? SuggestedAssignment { get; init; }
    /// <summary>Override of the priority.</summary>
    public string? SuggestedPriority { get; init; }
    /// <summary>Override of who acts next.</summary>
    public string? ExpectedNextActor { get; init; }
    /// <summary>Whether the rule is tried (server default true).</summary>
    public bool? Enabled { get; init; }
}

/// <summary>Changes to a rule: only the properties you set are sent; null sends an override back to inheriting.</summary>
public sealed class PathwayRuleUpdate : PatchBody
{
    /// <summary>The trigger.</summary>
    public string? TriggerType { get => Get<string>(); init => Set(value); }
    /// <summary>The rule's name (cannot be cleared).</summary>
    public string? RuleName { get => Get<string>(); init => Set(value); }
    /// <summary>The priority (cannot be cleared).</summary>
    public int? Priority { get => Get<int?>(); init => Set(value); }
    /// <summary>The conditions, replaced whole (null or an empty object matches every trigger).</summary>
    public PathwayRuleConditions? Conditions { get => Get<PathwayRuleConditions>(); init => Set(value); }
    /// <summary>Override of the creation mode.</summary>
    public string? CreationMode { get => Get<string>(); init => Set(value); }
    /// <summary>Override of a new episode's inbox visibility.</summary>
    public string? InboxVisibility { get => Get<string>(); init => Set(value); }
    /// <summary>Override of the journey type.</summary>
    public string? JourneyType { get => Get<string>(); init => Set(value); }
    /// <summary>The user or team to assign.</summary>
    public string? SuggestedAssignment { get => Get<string>(); init => Set(value); }
    /// <summary>Override of the priority.</summary>
    public string? SuggestedPriority { get => Get<string>(); init => Set(value); }
    /// <summary>Override of who acts next.</summary>
    public string? ExpectedNextActor { get => Get<string>(); init => Set(value); }
    /// <summary>Whether the rule is tried (cannot be cleared).</summary>
    public bool? Enabled { get => Get<bool?>(); init => Set(value); }
}

/// <summary>Filters for <see cref="PathwayRulesClient.ListAsync"/> (by trigger, then priority); unset filters are not sent.</summary>
public sealed record PathwayRuleListQuery : ListQuery
{
    /// <summary>Exact trigger.</summary>
    public string? TriggerType { get; init; }
    /// <summary>Any of these triggers.</summary>
    public IReadOnlyList<string>? TriggerTypeIn { get; init; }
    /// <summary>Enabled or disabled rules.</summary>
    public bool? Enabled { get; init; }
    /// <summary>Exact creation mode override.</summary>
    public string? CreationMode { get; init; }
    /// <summary>Exact priority override.</summary>
    public string? SuggestedPriority { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("trigger_type", TriggerType);
        query.Add("trigger_type_in", TriggerTypeIn);
        query.Add("enabled", Enabled);
        query.Add("creation_mode", CreationMode);
        query.Add("suggested_priority", SuggestedPriority);
    }
}
