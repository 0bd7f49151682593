using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/locations</c>: the practice's sites and their closures. Scopes: <c>read_locations</c> to read, <c>write_locations</c>
/// to change them. An edit that would strand future appointments throws <see cref="LeapConflictException"/> with
/// <see cref="LeapApiException.StrandedAppointmentIds"/> unless forced.
/// </summary>
public sealed class LocationsClient
{
    private readonly RecordEndpoints<Location> endpoints;

    internal LocationsClient(LeapTransport transport) =>
        endpoints = new(transport, "locations", LeapJsonContext.Default.DataEnvelopeLocation, LeapJsonContext.Default.ListEnvelopeLocation);

    /// <summary>One page of locations (<c>GET /locations</c>).</summary>
    /// <param name="query">Filters and paging, e.g. <c>new() { IsActive = true }</c>.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapPermissionException">The key lacks <c>read_locations</c>.</exception>
    public Task<LeapPage<Location>> ListAsync(LocationListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching location, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<Location> ListAllAsync(LocationListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One location (<c>GET /locations/{id}</c>).</summary>
    /// <param name="id">The location's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such location for this key.</exception>
    public Task<Location> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Creates a location (<c>POST /locations</c>).</summary>
    /// <param name="location">The new location.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid (e.g. a time zone that is not an IANA id).</exception>
    public Task<Location> CreateAsync(LocationCreate location, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(location, LeapJsonContext.Default.LocationCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /locations/{id}</c>); <c>IsActive = false</c> deactivates.</summary>
    /// <param name="id">The location's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="force">Make the change even if it strands future appointments there (they stay booked).</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The change would strand future appointments.</exception>
    public Task<Location> UpdateAsync(string id, LocationUpdate changes, bool force = false, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct, force, Guid.NewGuid().ToString());

    /// <summary>One page of a location's closures (<c>GET /locations/{id}/closures</c>), ordered by start.</summary>
    /// <param name="id">The location's id.</param>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such location for this key.</exception>
    public Task<LeapPage<LocationClosure>> ListClosuresAsync(string id, LocationClosureListQuery? query = null, CancellationToken ct = default) =>
        Closures(id).ListAsync(query ?? new(), ct);

    /// <summary>Closes a location for a while (<c>POST /locations/{id}/closures</c>); dates are whole days in its time zone.</summary>
    /// <param name="id">The location's id.</param>
    /// <param name="closure">The period and reason.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The closure lies over booked appointments and is not forced.</exception>
    public Task<LocationClosure> AddClosureAsync(string id, LocationClosureCreate closure, string? idempotencyKey = null, CancellationToken ct = default) =>
        Closures(id).CreateAsync(closure, LeapJsonContext.Default.LocationClosureCreate, idempotencyKey, ct);

    /// <summary>Removes a closure (<c>DELETE /locations/{id}/closures/{closure_id}</c>); its time is offered again at once.</summary>
    /// <param name="id">The location's id.</param>
    /// <param name="closureId">The closure's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapDeletion> RemoveClosureAsync(string id, string closureId, CancellationToken ct = default) =>
        Closures(id).DeleteWithReceiptAsync(closureId, ct);

    private RecordEndpoints<LocationClosure> Closures(string id) =>
        endpoints.Nested(id, "closures", LeapJsonContext.Default.DataEnvelopeLocationClosure, LeapJsonContext.Default.ListEnvelopeLocationClosure);
}
