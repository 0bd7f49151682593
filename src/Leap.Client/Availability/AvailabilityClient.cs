using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/availability</c>: free slots, computed live from clinicians' sessions, bookings, buffers and holds.
/// Scope: <c>read_availability</c>. A slot can be taken between the search and the booking, so a booking
/// may still fail with <see cref="LeapSlotUnavailableException"/>: search again and offer another slot.
/// </summary>
/// <remarks>
/// Written from the API contract ahead of Leap's server endpoint; it is not yet tested against a running
/// server (Jump's hosted API has these endpoints).
/// </remarks>
public sealed class AvailabilityClient
{
    private readonly LeapTransport transport;

    internal AvailabilityClient(LeapTransport transport) => this.transport = transport;

    /// <summary>Slots in a date range (<c>GET /availability</c>).</summary>
    /// <param name="query">The template, the dates (both required here) and optional clinician and location.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="ArgumentException"><see cref="AvailabilityQuery.DateFrom"/> or <see cref="AvailabilityQuery.DateTo"/> is not set.</exception>
    public async Task<AvailabilityResult> GetAsync(AvailabilityQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.DateFrom is null || query.DateTo is null)
        {
            throw new ArgumentException("GET /availability needs both DateFrom and DateTo.", nameof(query));
        }
        var envelope = await transport.SendAsync(HttpMethod.Get, "availability" + query.ToQueryString(),
            LeapJsonContext.Default.DataEnvelopeAvailabilityResult, ct);
        return envelope.Data ?? new AvailabilityResult();
    }

    /// <summary>The first free slot (<c>GET /availability/next</c>), or null when there is none in the searched period.</summary>
    /// <param name="query">The template and optional clinician, location and dates.</param>
    /// <param name="ct">Cancels the call.</param>
    public async Task<AvailabilitySlot?> NextAsync(AvailabilityQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var envelope = await transport.SendAsync(HttpMethod.Get, "availability/next" + query.ToQueryString(),
            LeapJsonContext.Default.DataEnvelopeAvailabilitySlot, ct);
        return envelope.Data;
    }
}
