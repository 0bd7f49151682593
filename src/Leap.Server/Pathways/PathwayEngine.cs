using Leap.Server.Episodes;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Pathways;

/// <summary>
/// Routes what happens to a patient into their episodes (for appointments and questionnaire responses, in the routing
/// worker's transaction after the change's own, see <see cref="RoutingQueue"/>):
/// the first enabled rule of the trigger (by priority) whose conditions match overrides the base configuration;
/// the event then lands on the record's own episode while it is open, else on the patient's open episode of the
/// journey type, else (creation mode permitting) on a new episode. Automatic changes to an existing episode's
/// status, priority and assignment are recorded like a person's, as events written by automation.
/// </summary>
public sealed class PathwayEngine(EpisodeJournal journal)
{
    /// <summary>What happened, to whom, and how to describe it on the timeline.</summary>
    public sealed record Trigger
    {
        public required string Type { get; init; }
        public required string PatientId { get; init; }
        /// <summary>The record's own episode (an appointment's <c>episode_id</c>), preferred while it is open.</summary>
        public string? EpisodeId { get; init; }
        public TriggerFacts Facts { get; init; } = new();
        public required string EventType { get; init; }
        public required string EventTitle { get; init; }
        public string? EventDescription { get; init; }
        public required string RelatedObjectType { get; init; }
        public required string RelatedObjectId { get; init; }
        /// <summary>The title of an episode this trigger opens.</summary>
        public required string EpisodeTitle { get; init; }
    }

    /// <summary>Returns the episode the trigger's event landed on, or null when the configuration tracks nothing.</summary>
    public async Task<string?> RaiseAsync(TenantDb db, Trigger trigger, DateTimeOffset now, CancellationToken ct)
    {
        var rules = await PathwayRuleStore.EnabledAsync(db, ct);
        var rule = rules.FirstOrDefault(r => r.TriggerType == trigger.Type && r.Conditions.Matches(trigger.Facts));
        var config = PathwayValues.Base[trigger.Type].With(rule);
        if (config.CreationMode == PathwayValues.Skip)
        {
            return null;
        }
        // Two changes for one patient at once must not both open an episode of the journey. The routing queue hands
        // a patient's changes to one worker at a time already; on PostgreSQL they also queue on the patient's row,
        // so the rule holds whatever raises a trigger (the lock does not block other writes referring to the patient,
        // and it goes to the database with the next statement: no round trip of its own).
        if (db.RowLock(noKey: true) is { Length: > 0 } patientLock)
        {
            await db.ExecuteBatchedAsync($"SELECT id FROM patients WHERE id = @PatientId AND {TenantSql.Filter}{patientLock}", new { trigger.PatientId }, ct);
        }

        var author = new EpisodeJournal.Author(rule?.Id, EventAuthors.Automation);
        var details = new Dictionary<string, string?> { ["trigger"] = trigger.Type, ["rule_id"] = rule?.Id };
        var evt = EpisodeJournal.NewEvent("", trigger.EventType, trigger.EventTitle, trigger.EventDescription, author, now) with
        {
            RelatedObjectType = trigger.RelatedObjectType,
            RelatedObjectId = trigger.RelatedObjectId,
            Details = details,
        };
        var episode = await TargetAsync(db, trigger, config, ct);
        if (episode is null)
        {
            if (config.CreationMode == PathwayValues.AttachOnly)
            {
                return null;
            }
            episode = NewEpisode(trigger, config, now);
            await journal.CreateAsync(db, episode, ct);
            await journal.AppendAsync(db, evt with { EpisodeId = episode.Id }, ct);
            if (config.CreationMode == PathwayValues.CreateAndClose)
            {
                await journal.RecordChangeAsync(db, episode, episode with { Status = EpisodeValues.Closed, Responsibility = EpisodeValues.Nobody, ClosedAt = now },
                    new EpisodeJournal.Change(WebhookEventTypes.EpisodeClosed, EpisodeEventTypes.StatusChange, "Episode closed", episode.Status, EpisodeValues.Closed),
                    author, now, ct);
            }
            return episode.Id;
        }
        await journal.AppendAsync(db, evt with { EpisodeId = episode.Id }, ct);
        await FollowUpAsync(db, episode, config, author, now, ct);
        return episode.Id;
    }

    private static Task<Episode?> TargetAsync(TenantDb db, Trigger trigger, PathwayConfig config, CancellationToken ct) =>
        EpisodeStore.FindOpenAsync(db, trigger.PatientId, config.JourneyType, trigger.EpisodeId, ct);

    private static Episode NewEpisode(Trigger trigger, PathwayConfig config, DateTimeOffset now)
    {
        var (status, responsibility) = StateFor(config.ExpectedNextActor);
        return EpisodeValidation.Blank(Ids.New(Ids.Episode), now) with
        {
            PatientId = trigger.PatientId,
            Title = trigger.EpisodeTitle,
            Status = status,
            Responsibility = responsibility,
            Priority = config.Priority,
            JourneyType = config.JourneyType,
            SourceType = trigger.RelatedObjectType,
            SourceId = trigger.RelatedObjectId,
            InboxVisibility = config.InboxVisibility,
            AssignedTo = config.Assignment,
        };
    }

    /// <summary>
    /// On an existing episode: moves status and responsibility to whoever acts next, raises (never lowers) the
    /// priority, and fills an empty, unlocked assignment; each change with its event.
    /// </summary>
    private async Task FollowUpAsync(TenantDb db, Episode episode, PathwayConfig config,
        EpisodeJournal.Author author, DateTimeOffset now, CancellationToken ct)
    {
        var current = episode;
        var (status, responsibility) = StateFor(config.ExpectedNextActor);
        if (current.Status != status || current.Responsibility != responsibility)
        {
            var after = EpisodeJournal.Touched(current, now) with { Status = status, Responsibility = responsibility };
            var title = current.Status != status ? $"Status changed to {status.Replace('_', ' ')}" : $"Next action now with the {responsibility}";
            await journal.RecordChangeAsync(db, current, after,
                new EpisodeJournal.Change(WebhookEventTypes.EpisodeUpdated, EpisodeEventTypes.StatusChange, title, current.Status, status), author, now, ct);
            current = after;
        }
        if (Rank(config.Priority) > Rank(current.Priority))
        {
            var after = EpisodeJournal.Touched(current, now) with { Priority = config.Priority };
            await journal.RecordChangeAsync(db, current, after,
                new EpisodeJournal.Change(WebhookEventTypes.EpisodePriorityChanged, EpisodeEventTypes.PriorityChange,
                    $"Priority raised from {current.Priority} to {config.Priority}", current.Priority, config.Priority),
                author, now, ct);
            current = after;
        }
        if (current.AssignedTo is null && !current.AssignmentLocked && config.Assignment is { } assignee)
        {
            var after = EpisodeJournal.Touched(current, now) with { AssignedTo = assignee };
            await journal.RecordChangeAsync(db, current, after,
                new EpisodeJournal.Change(WebhookEventTypes.EpisodeAssigned, EpisodeEventTypes.Assignment, $"Episode assigned to {assignee}", null, assignee), author, now, ct);
        }
    }

    /// <summary>Who acts next, as status and responsibility: the practice (open), the patient, or a clinician's review.</summary>
    public static (string Status, string Responsibility) StateFor(string nextActor) => nextActor switch
    {
        "patient" => (EpisodeValues.PendingPatient, EpisodeValues.Patient),
        "clinician" => (EpisodeValues.AwaitingReview, EpisodeValues.Practice),
        _ => (EpisodeValues.Open, EpisodeValues.Practice),
    };

    private static int Rank(string priority) => EpisodeValues.Priorities.ToList().IndexOf(priority);
}
