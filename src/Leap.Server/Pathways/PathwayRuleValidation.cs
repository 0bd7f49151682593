using System.Text.Json;
using Leap.Server.Episodes;
using Leap.Server.Http;

namespace Leap.Server.Pathways;

public static class PathwayRuleValidation
{
    private static readonly IReadOnlyList<string> AppointmentConditions = ["appointment_type_ids", "clinician_profile_ids", "location_ids", "is_remote"];
    private static readonly IReadOnlyList<string> QuestionnaireConditions = ["questionnaire_ids", "questionnaire_keys", "is_pre_booking"];

    public static PathwayRule Blank(string id, DateTimeOffset now) => new()
    {
        Id = id,
        TriggerType = "",
        RuleName = "",
        Enabled = true,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>Create and PATCH share one path. An override sent as null goes back to inheriting the base configuration.</summary>
    public static PathwayRule Apply(BodyReader r, PathwayRule current, bool creating, DateTimeOffset now)
    {
        string? Override(string field, IReadOnlyList<string> allowed, string? existing) => r.Has(field) ? r.Enum(field, allowed) : existing;

        var rule = current with
        {
            TriggerType = creating || r.Has("trigger_type") ? r.Enum("trigger_type", PathwayValues.Base.Keys.ToList(), required: true) ?? current.TriggerType : current.TriggerType,
            RuleName = creating || r.Has("rule_name") ? r.String("rule_name", 200, required: true) ?? current.RuleName : current.RuleName,
            Priority = creating || r.Has("priority") ? r.Int("priority", 0, 1_000_000, required: true) ?? current.Priority : current.Priority,
            Conditions = r.Has("conditions") ? Conditions(r) : current.Conditions,
            CreationMode = Override("creation_mode", PathwayValues.CreationModes, current.CreationMode),
            InboxVisibility = Override("inbox_visibility", EpisodeValues.InboxVisibilities, current.InboxVisibility),
            JourneyType = Override("journey_type", EpisodeValues.JourneyTypes, current.JourneyType),
            SuggestedAssignment = r.Has("suggested_assignment") ? r.String("suggested_assignment", 100) : current.SuggestedAssignment,
            SuggestedPriority = Override("suggested_priority", EpisodeValues.Priorities, current.SuggestedPriority),
            ExpectedNextActor = Override("expected_next_actor", PathwayValues.NextActors, current.ExpectedNextActor),
            Enabled = r.Has("enabled") ? r.Bool("enabled", required: true) ?? current.Enabled : current.Enabled,
            UpdatedAt = now,
        };

        if (rule.CreationMode == PathwayValues.CreateAndClose && rule.TriggerType != PathwayValues.MessageSent && !r.Failed("creation_mode"))
        {
            r.Fail("creation_mode", $"create_and_close is only for the outbound-message trigger ({PathwayValues.MessageSent}): clinical triggers need an open episode");
        }
        if (!r.Failed("trigger_type") && !r.Failed("conditions"))
        {
            CheckApplicable(r, rule);
        }
        return rule;
    }

    private static RuleConditions Conditions(BodyReader r)
    {
        var c = r.Object("conditions");
        if (c is null)
        {
            return new RuleConditions();
        }
        foreach (var unknown in c.Fields.Where(f => !AppointmentConditions.Contains(f) && !QuestionnaireConditions.Contains(f)))
        {
            c.Fail(unknown, $"is not a condition; conditions are: {string.Join(", ", AppointmentConditions.Concat(QuestionnaireConditions))}");
        }
        return new RuleConditions
        {
            AppointmentTypeIds = IdList(c, "appointment_type_ids", Ids.AppointmentTemplate),
            ClinicianProfileIds = IdList(c, "clinician_profile_ids", Ids.Clinician),
            LocationIds = IdList(c, "location_ids", Ids.Location),
            IsRemote = c.Bool("is_remote"),
            QuestionnaireIds = IdList(c, "questionnaire_ids", Ids.QuestionnaireTemplate),
            QuestionnaireKeys = IdList(c, "questionnaire_keys", null),
            IsPreBooking = c.Bool("is_pre_booking"),
        };
    }

    /// <summary>A non-empty list (an empty one would match nothing: omit the condition to match anything).</summary>
    private static IReadOnlyList<string>? IdList(BodyReader c, string field, string? prefix)
    {
        var items = c.StringList(field, maxItems: 100, maxLength: 80);
        if (items is null)
        {
            return null;
        }
        if (items.Count == 0)
        {
            c.Fail(field, "must not be empty: leave the condition out to match any value");
            return null;
        }
        if (prefix is not null && items.FirstOrDefault(i => !Ids.IsWellFormed(i, prefix)) is { } bad)
        {
            c.Fail(field, $"'{bad}' is not an id starting with '{prefix}'");
            return null;
        }
        return items;
    }

    /// <summary>Appointment triggers test appointment facts, the questionnaire trigger questionnaire facts; others none.</summary>
    private static void CheckApplicable(BodyReader r, PathwayRule rule)
    {
        var applicable = PathwayValues.IsAppointmentTrigger(rule.TriggerType) ? AppointmentConditions
            : rule.TriggerType == PathwayValues.QuestionnaireSubmitted ? QuestionnaireConditions
            : [];
        var used = JsonSerializer.SerializeToNode(rule.Conditions, PathwaysJson.Default.RuleConditions)!.AsObject().Select(p => p.Key);
        foreach (var condition in used.Where(u => !applicable.Contains(u)))
        {
            r.Fail($"conditions.{condition}", $"does not apply to {rule.TriggerType}" +
                (applicable.Count == 0 ? ", which takes no conditions" : $"; its conditions are: {string.Join(", ", applicable)}"));
        }
    }
}
