using System.Text.RegularExpressions;
using Leap.Server.Http;

namespace Leap.Server.Episodes;

public static partial class EpisodeValidation
{
    /// <summary>Changed only by the actions, so each change leaves its audit event.</summary>
    private static readonly (string Field, string Action)[] ActionFields =
    [
        ("status", "/close or /reopen"), ("priority", "/change-priority"), ("assigned_to", "/assign"), ("assignment_locked", "/assign"),
    ];

    public static Episode Blank(string id, DateTimeOffset now) => new()
    {
        Id = id,
        PatientId = "",
        Title = "",
        Status = EpisodeValues.Open,
        Responsibility = EpisodeValues.Practice,
        Priority = EpisodeValues.Medium,
        JourneyType = EpisodeValues.General,
        SourceType = "manual",
        InboxVisibility = EpisodeValues.Surface,
        LastActivityAt = now,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>
    /// A create sets everything; a PATCH changes descriptive fields only (status, priority and assignment have
    /// their actions). Responsibility may be switched between practice and patient while an episode is open.
    /// </summary>
    public static Episode Apply(BodyReader r, Episode current, bool creating, DateTimeOffset now)
    {
        string? Optional(string field, int max, string? existing, bool multiline = false) =>
            r.Has(field) ? r.String(field, max, multiline: multiline) : existing;
        string Choice(string field, IReadOnlyList<string> allowed, string existing) =>
            r.Has(field) ? r.Enum(field, allowed, required: true) ?? existing : existing;

        if (!creating)
        {
            foreach (var (field, action) in ActionFields.Where(f => r.Has(f.Field)))
            {
                r.Fail(field, $"cannot be changed by PATCH: use POST /episodes/{{id}}{action}, which records the change in the episode's events");
            }
            if (r.Has("patient_id"))
            {
                r.Fail("patient_id", "cannot be changed: an episode belongs to one patient");
            }
        }

        var e = current with
        {
            PatientId = creating ? r.Id("patient_id", Ids.Patient, required: true) ?? "" : current.PatientId,
            Title = creating || r.Has("title") ? r.String("title", 200, required: true) ?? current.Title : current.Title,
            Description = Optional("description", 10_000, current.Description, multiline: true),
            JourneyType = Choice("journey_type", EpisodeValues.JourneyTypes, current.JourneyType),
            SourceType = r.Has("source_type") ? SourceType(r) ?? current.SourceType : current.SourceType,
            SourceId = Optional("source_id", 100, current.SourceId),
            ProblemIds = r.StringList("problem_ids", current.ProblemIds),
            Tags = r.StringList("tags", current.Tags),
            DueDate = r.Has("due_date") ? r.Timestamp("due_date") : current.DueDate,
            ProgrammeId = Optional("programme_id", 100, current.ProgrammeId),
            InboxVisibility = Choice("inbox_visibility", EpisodeValues.InboxVisibilities, current.InboxVisibility),
            UpdatedAt = now,
        };
        if (creating)
        {
            var status = r.Has("status") ? r.Enum("status", EpisodeValues.Statuses, required: true) ?? e.Status : e.Status;
            if (status == EpisodeValues.Closed)
            {
                r.Fail("status", "a new episode cannot be closed; create it, then close it");
                status = e.Status;
            }
            e = e with
            {
                Status = status,
                Responsibility = EpisodeValues.DefaultResponsibility(status),
                Priority = Choice("priority", EpisodeValues.Priorities, e.Priority),
                AssignedTo = Optional("assigned_to", 100, null),
            };
        }
        if (r.Has("responsibility"))
        {
            var responsibility = r.Enum("responsibility", EpisodeValues.Responsibilities, required: true);
            if (responsibility is not null && !EpisodeValues.IsConsistent(e.Status, responsibility))
            {
                r.Fail("responsibility", $"cannot be '{responsibility}' while the episode is {e.Status.Replace('_', ' ')} " +
                    $"(open: practice or patient; pending_patient: patient; awaiting_review: practice; closed: none)");
            }
            else if (responsibility is not null)
            {
                e = e with { Responsibility = responsibility };
            }
        }
        return e;
    }

    /// <summary>
    /// An event a client adds: a note, a message sent, anything but the audit records of actions. An integration may
    /// name the person who wrote it (<c>created_by</c>); a signed-in user is always the author of their own events.
    /// </summary>
    public static EpisodeEvent NewEvent(BodyReader r, string episodeId, EpisodeJournal.Author caller, DateTimeOffset now)
    {
        var eventType = r.String("event_type", 64, required: true);
        if (eventType is not null && EpisodeEventTypes.ServerOnly.Contains(eventType))
        {
            r.Fail("event_type", $"'{eventType}' events are written by the server: use the episode's actions (/close, /reopen, /assign, /change-priority)");
        }
        else if (eventType is not null && !EpisodeEventTypes.ClientCreatable.Contains(eventType))
        {
            r.Fail("event_type", $"must be one of: {string.Join(", ", EpisodeEventTypes.ClientCreatable)}");
        }
        var createdBy = r.String("created_by", 100);
        return EpisodeJournal.NewEvent(episodeId, eventType ?? "", r.String("title", 200, required: true) ?? "",
            r.String("description", 10_000, multiline: true),
            createdBy is null || caller.Type == EventAuthors.User ? caller : new EpisodeJournal.Author(createdBy, EventAuthors.User), now) with
        {
            MentionedUsers = r.StringList("mentioned_users") ?? [],
            RelatedObjectType = r.String("related_object_type", 50),
            RelatedObjectId = r.String("related_object_id", 100),
        };
    }

    /// <summary>A close's body: an optional note.</summary>
    public static string? ReadClose(BodyReader r) => r.String("note", 5000, multiline: true);

    /// <summary>A reopen's body: an optional reason.</summary>
    public static string? ReadReopen(BodyReader r) => r.String("reason", 5000, multiline: true);

    /// <summary>An assignment's body: who (null unassigns, but the field must be sent), whether to lock it, a note.</summary>
    public static (string? Assignee, bool? Locked, string? Note) ReadAssign(BodyReader r)
    {
        if (!r.Has("assigned_to"))
        {
            r.Fail("assigned_to", "is required: the user or team to assign, or null to unassign");
        }
        return (r.String("assigned_to", 100), r.Bool("locked"), r.String("note", 5000, multiline: true));
    }

    /// <summary>A priority change's body: the priority, and an optional reason.</summary>
    public static (string? Priority, string? Reason) ReadChangePriority(BodyReader r) =>
        (r.Enum("priority", EpisodeValues.Priorities, required: true), r.String("reason", 5000, multiline: true));

    private static string? SourceType(BodyReader r)
    {
        var text = r.String("source_type", 50, required: true);
        if (text is not null && !Slug().IsMatch(text))
        {
            r.Fail("source_type", "must be lower-case letters, digits and underscores, e.g. manual or lab_result");
            return null;
        }
        return text;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex Slug();
}
