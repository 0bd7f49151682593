using System.Text.RegularExpressions;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.Episodes;

/// <summary>
/// Every write to episodes and their timelines, from the API and from automation alike, so each change
/// carries its audit event and its webhook event in the same transaction.
/// </summary>
public sealed partial class EpisodeJournal(WebhookOutbox outbox)
{
    /// <summary>Who an automatic or action event is recorded as.</summary>
    public sealed record Author(string? Id, string Type);

    public async Task CreateAsync(TenantDb db, Episode episode, CancellationToken ct)
    {
        await EpisodeStore.InsertAsync(db, episode, ct);
        await outbox.RecordAsync(db, WebhookEventTypes.EpisodeCreated, episode, null, ct);
    }

    public async Task SaveAsync(TenantDb db, Episode before, Episode after, string webhookType, CancellationToken ct)
    {
        await EpisodeStore.UpdateAsync(db, after, ct);
        await outbox.RecordAsync(db, webhookType, after, before, ct);
    }

    public async Task<EpisodeEvent> AppendAsync(TenantDb db, EpisodeEvent evt, CancellationToken ct)
    {
        evt = evt with { ExtractedTags = Hashtags(evt.Title, evt.Description) };
        await EpisodeStore.InsertEventAsync(db, evt, ct);
        await outbox.RecordAsync(db, WebhookEventTypes.EpisodeEventCreated, evt, null, ct);
        return evt;
    }

    /// <summary>A status, assignment or priority change: its webhook, its audit event, and what moved.</summary>
    public sealed record Change(string WebhookType, string EventType, string Title, string? From, string? To, string? Note = null);

    /// <summary>
    /// Saves a change and appends the audit event that explains it (<c>from</c>, <c>to</c> and the note or
    /// reason in <see cref="EpisodeEvent.Details"/>).
    /// </summary>
    public async Task RecordChangeAsync(TenantDb db, Episode before, Episode after, Change change,
        Author author, DateTimeOffset now, CancellationToken ct)
    {
        await SaveAsync(db, before, after, change.WebhookType, ct);
        var details = new Dictionary<string, string?> { ["from"] = change.From, ["to"] = change.To };
        if (change.Note is not null)
        {
            details["note"] = change.Note;
        }
        await AppendAsync(db, NewEvent(after.Id, change.EventType, change.Title, change.Note, author, now) with { Details = details }, ct);
    }

    /// <summary>The episode as changed now: its own fields and its activity time move together.</summary>
    public static Episode Touched(Episode episode, DateTimeOffset now) => episode with { UpdatedAt = now, LastActivityAt = now };

    public static EpisodeEvent NewEvent(string episodeId, string eventType, string title, string? description, Author author, DateTimeOffset now) => new()
    {
        Id = Ids.New(Ids.Event),
        EpisodeId = episodeId,
        EventType = eventType,
        Title = title,
        Description = description,
        CreatedBy = author.Id,
        CreatedByType = author.Type,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>#hashtags of the title and description, lower-cased, each once.</summary>
    private static IReadOnlyList<string> Hashtags(string title, string? description) =>
        Hashtag().Matches(title + " " + description).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().Take(50).ToList();

    [GeneratedRegex(@"(?<![\w#])#([A-Za-z][A-Za-z0-9_-]{0,49})")]
    private static partial Regex Hashtag();
}
