using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/waitlist-entries</c>: patients waiting for a freed slot, offered one automatically as a 15-minute hold
/// (docs/waitlist.md). Scopes: <c>read_appointments</c>, <c>write_appointments</c>.
/// </summary>
public sealed class WaitlistClient
{
    private readonly RecordEndpoints<WaitlistEntry> endpoints;

    internal WaitlistClient(LeapTransport transport) =>
        endpoints = new(transport, "waitlist-entries", LeapJsonContext.Default.DataEnvelopeWaitlistEntry, LeapJsonContext.Default.ListEnvelopeWaitlistEntry);

    /// <summary>One page of entries, oldest first (<c>GET /waitlist-entries</c>).</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<WaitlistEntry>> ListAsync(WaitlistEntryListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>One entry (<c>GET /waitlist-entries/{id}</c>).</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such entry for this key.</exception>
    public Task<WaitlistEntry> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Puts a patient on the waitlist (<c>POST /waitlist-entries</c>).</summary>
    /// <param name="entry">The patient, template and what they accept.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null, repeated by every retry of this call.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid, or names a missing record or one not taking online bookings.</exception>
    /// <exception cref="LeapConflictException">The patient is already waiting for this template.</exception>
    public Task<WaitlistEntry> CreateAsync(WaitlistEntryCreate entry, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(entry, LeapJsonContext.Default.WaitlistEntryCreate, idempotencyKey, ct);

    /// <summary>Takes the patient off the waitlist (<c>DELETE /waitlist-entries/{id}</c>); an offered slot passes to the next entry.</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The entry is already booked, expired or removed.</exception>
    public Task<WaitlistEntry> RemoveAsync(string id, CancellationToken ct = default) => endpoints.DeleteAsync(id, ct);

    /// <summary>
    /// Books the offered slot for the entry's patient (<c>POST /waitlist-entries/{id}/claim</c>); the entry comes back
    /// <see cref="WaitlistStatus.Booked"/> with its <see cref="WaitlistEntry.AppointmentId"/>. Claiming a booked entry again returns it.
    /// </summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The entry has no offer standing (waiting, removed, or the offer expired).</exception>
    public Task<WaitlistEntry> ClaimAsync(string id, CancellationToken ct = default) => endpoints.ActionAsync(id, "claim", ct);
}
