using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Patients;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Episodes;

public static class EpisodesApi
{
    public static void MapEpisodes(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/episodes").WithTags("Episodes");
        group.MapGet("/", List).RequireScope(Scopes.ReadEpisodes);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadEpisodes);
        group.MapPost("/", Create).RequireScope(Scopes.WriteEpisodes).Idempotent()
            .Reads("EpisodeCreate", r => EpisodeValidation.Apply(r, Blank, creating: true, Sample.Now), $$"""
                {"patient_id": "{{ExampleIds.Patient}}", "title": "Knee pain follow-up", "journey_type": "general", "priority": "high",
                 "due_date": "2030-01-21T17:00:00Z", "tags": ["physio"]}
                """);
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WriteEpisodes)
            .Reads("EpisodeUpdate", r => EpisodeValidation.Apply(r, Blank, creating: false, Sample.Now),
                """{"description": "Waiting for the X-ray report", "tags": ["physio", "xray"]}""", partial: true);
        group.MapPost("/{id}/close", Close).RequireScope(Scopes.WriteEpisodes).Idempotent()
            .Reads("EpisodeClose", r => EpisodeValidation.ReadClose(r), """{"note": "Discharged: full recovery"}""");
        group.MapPost("/{id}/reopen", Reopen).RequireScope(Scopes.WriteEpisodes).Idempotent()
            .Reads("EpisodeReopen", r => EpisodeValidation.ReadReopen(r), """{"reason": "Pain returned"}""");
        group.MapPost("/{id}/assign", Assign).RequireScope(Scopes.WriteEpisodes).Idempotent()
            .Reads("EpisodeAssign", r => EpisodeValidation.ReadAssign(r), """{"assigned_to": "team_physio", "locked": true, "note": "Physio team to follow up"}""");
        group.MapPost("/{id}/change-priority", ChangePriority).RequireScope(Scopes.WriteEpisodes).Idempotent()
            .Reads("EpisodePriority", r => EpisodeValidation.ReadChangePriority(r), """{"priority": "urgent", "reason": "Symptoms worse"}""");
        group.MapGet("/{id}/events", ListEvents).RequireScope(Scopes.ReadEpisodes);
        group.MapPost("/{id}/events", CreateEvent).RequireScope(Scopes.WriteEpisodes).Idempotent()
            .Reads("EpisodeEventCreate", r => EpisodeValidation.NewEvent(r, Sample.Id(Ids.Episode), new(Sample.KeyId, EventAuthors.ApiKey), Sample.Now),
                """{"event_type": "note", "title": "Phoned the patient", "description": "Left a message #callback"}""");

        var events = api.MapGroup("/episode-events").WithTags("Episodes");
        events.MapGet("/{id}", GetEvent).RequireScope(Scopes.ReadEpisodes);
        events.MapPatch("/{id}", AppendOnly).ExcludeFromDescription();
        events.MapDelete("/{id}", AppendOnly).ExcludeFromDescription();
    }

    private static async Task<ApiList<Episode>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await EpisodeStore.ListAsync(db, EpisodeStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<Episode>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await EpisodeStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("episode", id));

    private static readonly Episode Blank = EpisodeValidation.Blank(Sample.Id(Ids.Episode), Sample.Now);

    private static async Task<ApiCreated<Episode>> Create(WriteRequest request, EpisodeJournal journal, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var episode = EpisodeValidation.Apply(reader, EpisodeValidation.Blank(Ids.New(Ids.Episode), now), creating: true, now);
        reader.ThrowIfInvalid();
        return await request.CreateAsync(episode, async write =>
        {
            if (await PatientStore.FindAsync(write, episode.PatientId, ct) is null)
            {
                throw ApiException.Validation([new FieldError("patient_id", $"no patient {episode.PatientId} exists")]);
            }
            await journal.CreateAsync(write, episode, ct);
        }, ct);
    }

    private static async Task<ApiData<Episode>> Update(
        string id, HttpContext http, TenantDb db, EpisodeJournal journal, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        return Api.Ok(await db.WriteAsync(async write =>
        {
            var current = await FindForUpdateAsync(write, id, ct);
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var reader = new BodyReader(body.Root);
            var episode = EpisodeValidation.Apply(reader, current, creating: false, now);
            reader.ThrowIfInvalid();
            if (episode with { UpdatedAt = current.UpdatedAt } == current)
            {
                return current;
            }
            episode = episode with { LastActivityAt = now };
            await journal.SaveAsync(write, current, episode, WebhookEventTypes.EpisodeUpdated, ct);
            return episode;
        }, ct));
    }

    /// <summary>Closes with an optional note: status closed, nobody responsible, <c>closed_at</c> set.</summary>
    private static async Task<ApiActed<Episode>> Close(string id, WriteRequest request, Caller caller, EpisodeJournal journal, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var note = EpisodeValidation.ReadClose(reader);
        reader.ThrowIfInvalid();
        return await ActAsync(request, id, clock, ct, async Task<Episode?> (write, before, now) =>
        {
            if (before.Status == EpisodeValues.Closed)
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Episode {id} is already closed (at {before.ClosedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}).");
            }
            var after = EpisodeJournal.Touched(before, now) with { Status = EpisodeValues.Closed, Responsibility = EpisodeValues.Nobody, ClosedAt = now };
            await journal.RecordChangeAsync(write, before, after,
                new EpisodeJournal.Change(WebhookEventTypes.EpisodeClosed, EpisodeEventTypes.StatusChange, "Episode closed", before.Status, after.Status, note), Author(caller), now, ct);
            return after;
        });
    }

    /// <summary>Reopens a closed episode as open, the practice's to act on, with an optional reason.</summary>
    private static async Task<ApiActed<Episode>> Reopen(string id, WriteRequest request, Caller caller, EpisodeJournal journal, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var reason = EpisodeValidation.ReadReopen(reader);
        reader.ThrowIfInvalid();
        return await ActAsync(request, id, clock, ct, async Task<Episode?> (write, before, now) =>
        {
            if (before.Status != EpisodeValues.Closed)
            {
                throw new ApiException(409, ErrorCodes.InvalidState, $"Episode {id} is {before.Status.Replace('_', ' ')}, not closed: only a closed episode can be reopened.");
            }
            var after = EpisodeJournal.Touched(before, now) with { Status = EpisodeValues.Open, Responsibility = EpisodeValues.Practice, ClosedAt = null };
            await journal.RecordChangeAsync(write, before, after,
                new EpisodeJournal.Change(WebhookEventTypes.EpisodeReopened, EpisodeEventTypes.StatusChange, "Episode reopened", before.Status, after.Status, reason), Author(caller), now, ct);
            return after;
        });
    }

    /// <summary>
    /// Assigns to a user or team (<c>assigned_to</c>, any id the practice uses) or unassigns (null). <c>locked</c>
    /// keeps automation from changing the assignment later. The same assignment again changes nothing.
    /// </summary>
    private static async Task<ApiActed<Episode>> Assign(string id, WriteRequest request, Caller caller, EpisodeJournal journal, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var (assignee, locked, note) = EpisodeValidation.ReadAssign(reader);
        reader.ThrowIfInvalid();
        return await ActAsync(request, id, clock, ct, async Task<Episode?> (write, before, now) =>
        {
            RefuseClosed(before, "assigned");
            if (before.AssignedTo == assignee && before.AssignmentLocked == (locked ?? before.AssignmentLocked))
            {
                return null;
            }
            var after = EpisodeJournal.Touched(before, now) with { AssignedTo = assignee, AssignmentLocked = locked ?? before.AssignmentLocked };
            await journal.RecordChangeAsync(write, before, after,
                new EpisodeJournal.Change(WebhookEventTypes.EpisodeAssigned, EpisodeEventTypes.Assignment,
                    assignee is null ? "Episode unassigned" : $"Episode assigned to {assignee}", before.AssignedTo, assignee, note),
                Author(caller), now, ct);
            return after;
        });
    }

    private static async Task<ApiActed<Episode>> ChangePriority(string id, WriteRequest request, Caller caller, EpisodeJournal journal, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var (priority, reason) = EpisodeValidation.ReadChangePriority(reader);
        reader.ThrowIfInvalid();
        return await ActAsync(request, id, clock, ct, async Task<Episode?> (write, before, now) =>
        {
            RefuseClosed(before, "reprioritised");
            if (before.Priority == priority)
            {
                return null;
            }
            var after = EpisodeJournal.Touched(before, now) with { Priority = priority! };
            await journal.RecordChangeAsync(write, before, after,
                new EpisodeJournal.Change(WebhookEventTypes.EpisodePriorityChanged, EpisodeEventTypes.PriorityChange,
                    $"Priority changed from {before.Priority} to {priority}", before.Priority, priority, reason),
                Author(caller), now, ct);
            return after;
        });
    }

    private static async Task<ApiList<EpisodeEvent>> ListEvents(string id, HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var query = EpisodeStore.EventListSpec.Parse(request);
        _ = await EpisodeStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("episode", id);
        return Api.List(await EpisodeStore.ListEventsAsync(db, id, query, ct));
    }

    /// <summary>Adds a note (or another client event) to the timeline; closed episodes take notes too.</summary>
    private static async Task<ApiCreated<EpisodeEvent>> CreateEvent(
        string id, WriteRequest request, Caller caller, EpisodeJournal journal, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var evt = EpisodeValidation.NewEvent(reader, id, Author(caller), now);
        reader.ThrowIfInvalid();
        return await request.CreateAsync(async write =>
        {
            await FindForUpdateAsync(write, id, ct);
            return await journal.AppendAsync(write, evt, ct);
        }, ct);
    }

    private static async Task<ApiData<EpisodeEvent>> GetEvent(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await EpisodeStore.FindEventAsync(db, id, ct) ?? throw ApiException.NotFound("episode event", id));

    private static IResult AppendOnly() => throw new ApiException(405, ErrorCodes.MethodNotAllowed,
        "Episode events are append-only: they cannot be changed or deleted. Correct one by adding a note: POST /episodes/{id}/events with \"event_type\": \"note\".");

    /// <summary>
    /// An action: the episode is read locked, changed by <paramref name="act"/> (null: nothing to change) and
    /// saved with its audit event, in one transaction.
    /// </summary>
    private static Task<ApiActed<Episode>> ActAsync(WriteRequest request, string id, TimeProvider clock, CancellationToken ct,
        Func<TenantDb, Episode, DateTimeOffset, Task<Episode?>> act) =>
        request.ActAsync(async write =>
        {
            var before = await FindForUpdateAsync(write, id, ct);
            return await act(write, before, TypeHandlers.Truncate(clock.GetUtcNow())) ?? before;
        }, ct);

    private static async Task<Episode> FindForUpdateAsync(TenantDb db, string id, CancellationToken ct) =>
        await EpisodeStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("episode", id);

    private static void RefuseClosed(Episode episode, string verb)
    {
        if (episode.Status == EpisodeValues.Closed)
        {
            throw new ApiException(409, ErrorCodes.InvalidState, $"Episode {episode.Id} is closed and cannot be {verb}: reopen it first.");
        }
    }

    /// <summary>The key or the signed-in user (the event author types are the actor types).</summary>
    private static EpisodeJournal.Author Author(Caller caller) => new(caller.Actor.Id, caller.Actor.Type);
}
