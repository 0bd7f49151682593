using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/availability</c>: free slots, computed live from clinicians' sessions, bookings, buffers, holds and
/// blocks, within the template's notice and advance limits. Scope: <c>read_availability</c>. A slot can be
/// taken between the search and the booking, so a booking may still fail with
/// <see cref="LeapSlotUnavailableException"/>: search again and offer another slot (or hold it first).
/// </summary>
public sealed class AvailabilityClient
{
    private readonly LeapTransport transport;

    internal AvailabilityClient(LeapTransport transport) => this.transport = transport;

    /// <summary>Every free slot in a date range (<c>GET /availability</c>).</summary>
    /// <param name="query">The template, the dates and optional clinician and location.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">The range is backwards or longer than 14 days, or an id is unknown.</exception>
    public async Task<AvailabilityResult> GetAsync(AvailabilityQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var envelope = await transport.SendAsync(HttpMethod.Get, "availability" + query.ToQueryString(),
            LeapJsonContext.Default.DataEnvelopeAvailabilityResult, ct);
        return envelope.Data ?? new AvailabilityResult();
    }

    /// <summary>The first free slot within 30 days (<c>GET /availability/next</c>), or null when there is none.</summary>
    /// <param name="filter">The template and optional clinician and location.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<AvailabilitySlot?> NextAsync(SlotFilter filter, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var envelope = await transport.SendAsync(HttpMethod.Get, "availability/next" + filter.ToQueryString(withDates: false),
            LeapJsonContext.Default.DataEnvelopeAvailabilitySlot, ct);
        return envelope.Data;
    }

    /// <summary>
    /// Whether one slot can be booked now and, when not, why (<c>POST /availability/verify</c>). Any start that
    /// satisfies the rules counts, not only the 15-minute grid that <see cref="GetAsync"/> lists.
    /// </summary>
    /// <param name="slot">The template, clinician, start and optional location.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<SlotCheck> VerifyAsync(SlotRequest slot, CancellationToken ct = default) => VerifyAsync(slot, includeOffline: false, ct);

    /// <summary>As <see cref="VerifyAsync(SlotRequest, CancellationToken)"/>, optionally for a service or clinician not bookable online.</summary>
    /// <param name="slot">The template, clinician, start and optional location.</param>
    /// <param name="includeOffline">Accept services and clinicians not bookable online (needs <c>write_appointments</c>).</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<SlotCheck> VerifyAsync(SlotRequest slot, bool includeOffline, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return await transport.DataAsync(HttpMethod.Post, "availability/verify" + (includeOffline ? "?include_offline=true" : ""),
            LeapJsonContext.Default.DataEnvelopeSlotCheck, ct, JsonSerializer.SerializeToUtf8Bytes(slot, LeapJsonContext.Default.SlotRequest));
    }
}
