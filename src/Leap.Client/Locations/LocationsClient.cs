using Leap.Client.Http;

namespace Leap.Client;

/// <summary><c>/locations</c>: the practice's sites. Read-only (the practice manages them). Scope: <c>read_locations</c>.</summary>
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
}
