using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/episodes</c> and <c>/episode-events</c>: the inbox, its actions (close, reopen, assign, change
/// priority) and each episode's append-only timeline. Scopes: <c>read_episodes</c> to read,
/// <c>write_episodes</c> to create, change, act and add events.
/// </summary>
public sealed class EpisodesClient
{
    private readonly RecordEndpoints<Episode> endpoints;
    private readonly RecordEndpoints<EpisodeEvent> events;

    internal EpisodesClient(LeapTransport transport)
    {
        endpoints = new(transport, "episodes", LeapJsonContext.Default.DataEnvelopeEpisode, LeapJsonContext.Default.ListEnvelopeEpisode);
        events = new(transport, "episode-events", LeapJsonContext.Default.DataEnvelopeEpisodeEvent, LeapJsonContext.Default.ListEnvelopeEpisodeEvent);
    }

    /// <summary>One page of the inbox, most recently active first (<c>GET /episodes</c>).</summary>
    /// <param name="query">Filters and paging; null for the first page of every episode.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<Episode>> ListAsync(EpisodeListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching episode, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<Episode> ListAllAsync(EpisodeListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One episode (<c>GET /episodes/{id}</c>).</summary>
    /// <param name="id">The episode's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such episode for this key.</exception>
    public Task<Episode> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Creates an episode (<c>POST /episodes</c>).</summary>
    /// <param name="episode">The new episode.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid, or the patient does not exist.</exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body.</exception>
    public Task<Episode> CreateAsync(EpisodeCreate episode, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(episode, LeapJsonContext.Default.EpisodeCreate, idempotencyKey, ct);

    /// <summary>Changes the descriptive fields set in <paramref name="changes"/> (<c>PATCH /episodes/{id}</c>).</summary>
    /// <param name="id">The episode's id.</param>
    /// <param name="changes">The fields to change; null values clear optional fields.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid (a responsibility that does not fit the status, say).</exception>
    public Task<Episode> UpdateAsync(string id, EpisodeUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct);

    /// <summary>
    /// Closes an episode (<c>POST /episodes/{id}/close</c>): status closed, nobody responsible, <c>closed_at</c>
    /// set, and a <c>status_change</c> event recorded.
    /// </summary>
    /// <param name="id">The episode's id.</param>
    /// <param name="note">Recorded in the event's details.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: it is already closed.</exception>
    public Task<Episode> CloseAsync(string id, string? note = null, CancellationToken ct = default) =>
        endpoints.StateActionAsync(id, "close", e => e.Status == EpisodeStatus.Closed, ct,
            JsonSerializer.SerializeToUtf8Bytes(new EpisodeCloseBody(note), LeapJsonContext.Default.EpisodeCloseBody));

    /// <summary>Reopens a closed episode as open, the practice's to act on (<c>POST /episodes/{id}/reopen</c>).</summary>
    /// <param name="id">The episode's id.</param>
    /// <param name="reason">Recorded in the event's details.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: it is not closed.</exception>
    public Task<Episode> ReopenAsync(string id, string? reason = null, CancellationToken ct = default) =>
        endpoints.StateActionAsync(id, "reopen", e => e.Status != EpisodeStatus.Closed, ct,
            JsonSerializer.SerializeToUtf8Bytes(new EpisodeReopenBody(reason), LeapJsonContext.Default.EpisodeReopenBody));

    /// <summary>
    /// Assigns an episode to a user or team, or unassigns it (<c>POST /episodes/{id}/assign</c>). The same
    /// assignment again changes nothing.
    /// </summary>
    /// <param name="id">The episode's id.</param>
    /// <param name="assignedTo">The user or team (free text up to 100 characters, e.g. <c>usr_…</c>), or null to unassign.</param>
    /// <param name="locked">True keeps automation from changing the assignment; false lets it; null leaves it as it is.</param>
    /// <param name="note">Recorded in the event's details.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: the episode is closed.</exception>
    public Task<Episode> AssignAsync(string id, string? assignedTo, bool? locked = null, string? note = null, CancellationToken ct = default) =>
        endpoints.ActionAsync(id, "assign", ct,
            JsonSerializer.SerializeToUtf8Bytes(new EpisodeAssignBody(assignedTo, locked, note), LeapJsonContext.Default.EpisodeAssignBody));

    /// <summary>Sets the priority (<c>POST /episodes/{id}/change-priority</c>). The current priority again changes nothing.</summary>
    /// <param name="id">The episode's id.</param>
    /// <param name="priority">low, medium, high or urgent; see <see cref="EpisodePriority"/>.</param>
    /// <param name="reason">Recorded in the event's details.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: the episode is closed.</exception>
    public Task<Episode> ChangePriorityAsync(string id, string priority, string? reason = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(priority);
        return endpoints.ActionAsync(id, "change-priority", ct,
            JsonSerializer.SerializeToUtf8Bytes(new EpisodeChangePriorityBody(priority, reason), LeapJsonContext.Default.EpisodeChangePriorityBody));
    }

    /// <summary>One page of an episode's timeline, oldest first (<c>GET /episodes/{id}/events</c>).</summary>
    /// <param name="episodeId">The episode's id.</param>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such episode for this key.</exception>
    public Task<LeapPage<EpisodeEvent>> ListEventsAsync(string episodeId, EpisodeEventListQuery? query = null, CancellationToken ct = default) =>
        Timeline(episodeId).ListAsync(query ?? new(), ct);

    /// <summary>An episode's whole timeline, page after page, fetched as you enumerate.</summary>
    /// <param name="episodeId">The episode's id.</param>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<EpisodeEvent> ListAllEventsAsync(string episodeId, EpisodeEventListQuery? query = null, CancellationToken ct = default) =>
        Timeline(episodeId).ListAllAsync(query ?? new(), ct);

    /// <summary>
    /// Adds an event to an episode's timeline (<c>POST /episodes/{id}/events</c>); closed episodes take events
    /// too. Events cannot be changed or deleted: correct one by adding a note.
    /// </summary>
    /// <param name="episodeId">The episode's id.</param>
    /// <param name="episodeEvent">The event.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid, or the type is one only the server writes.</exception>
    /// <exception cref="LeapNotFoundException">No such episode for this key.</exception>
    public Task<EpisodeEvent> AddEventAsync(string episodeId, EpisodeEventCreate episodeEvent, string? idempotencyKey = null, CancellationToken ct = default) =>
        Timeline(episodeId).CreateAsync(episodeEvent, LeapJsonContext.Default.EpisodeEventCreate, idempotencyKey, ct);

    /// <summary>One event (<c>GET /episode-events/{id}</c>).</summary>
    /// <param name="eventId">The event's id (<c>evt_…</c>).</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such event for this key.</exception>
    public Task<EpisodeEvent> GetEventAsync(string eventId, CancellationToken ct = default) => events.GetAsync(eventId, ct);

    private RecordEndpoints<EpisodeEvent> Timeline(string episodeId) =>
        endpoints.Nested(episodeId, "events", LeapJsonContext.Default.DataEnvelopeEpisodeEvent, LeapJsonContext.Default.ListEnvelopeEpisodeEvent);
}
