using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/calendar-feeds</c>: secret, revocable iCalendar URLs that show a clinician's appointments in a calendar app
/// (scope <c>read_appointments</c>; the organisation's choice of patient names needs <c>manage_users</c>).
/// </summary>
public sealed class CalendarFeedsClient
{
    private readonly LeapTransport transport;
    private readonly RecordEndpoints<CalendarFeed> endpoints;

    internal CalendarFeedsClient(LeapTransport transport)
    {
        this.transport = transport;
        endpoints = new(transport, "calendar-feeds", LeapJsonContext.Default.DataEnvelopeCalendarFeed, LeapJsonContext.Default.ListEnvelopeCalendarFeed);
    }

    /// <summary>One page of the organisation's feeds, revoked ones included (<c>GET /calendar-feeds</c>); never their URLs.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<CalendarFeed>> ListAsync(CalendarFeedListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Makes a feed (<c>POST /calendar-feeds</c>); its <see cref="CalendarFeed.Url"/> is shown this once.</summary>
    /// <param name="feed">The clinician.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call repeat it, so they return the same URL.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">No such clinician (or none given by an API key).</exception>
    /// <exception cref="LeapPermissionException">A clinician user asked for another clinician's appointments.</exception>
    public Task<CalendarFeed> CreateAsync(CalendarFeedCreate feed, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(feed, LeapJsonContext.Default.CalendarFeedCreate, idempotencyKey, ct);

    /// <summary>Revokes a feed (<c>DELETE /calendar-feeds/{id}</c>): its URL answers 404 from now on.</summary>
    /// <param name="id">The feed's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The feed is already revoked.</exception>
    /// <exception cref="LeapNotFoundException">No such feed for this key.</exception>
    public Task<CalendarFeed> RevokeAsync(string id, CancellationToken ct = default) => endpoints.DeleteAsync(id, ct);

    /// <summary>The organisation's feed settings (<c>GET /calendar-feeds/settings</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    public Task<CalendarFeedSettings> GetSettingsAsync(CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Get, "calendar-feeds/settings", LeapJsonContext.Default.DataEnvelopeCalendarFeedSettings, ct);

    /// <summary>Chooses what every feed of the organisation shows of a patient (<c>PATCH /calendar-feeds/settings</c>, scope <c>manage_users</c>).</summary>
    /// <param name="settings"><c>initials</c> or <c>full</c>.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<CalendarFeedSettings> UpdateSettingsAsync(CalendarFeedSettings settings, CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Patch, "calendar-feeds/settings", LeapJsonContext.Default.DataEnvelopeCalendarFeedSettings, ct,
            JsonSerializer.SerializeToUtf8Bytes(settings, LeapJsonContext.Default.CalendarFeedSettings));
}
