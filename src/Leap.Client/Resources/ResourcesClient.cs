using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/resources</c>: the rooms and equipment of each location, which templates may require
/// (<see cref="AppointmentTemplate.RequiredResourceTypes"/>) and bookings take. Scopes: <c>read_locations</c> to read,
/// <c>write_locations</c> to change them.
/// </summary>
public sealed class ResourcesClient
{
    private readonly RecordEndpoints<Resource> endpoints;

    internal ResourcesClient(LeapTransport transport) =>
        endpoints = new(transport, "resources", LeapJsonContext.Default.DataEnvelopeResource, LeapJsonContext.Default.ListEnvelopeResource);

    /// <summary>One page of resources (<c>GET /resources</c>).</summary>
    /// <param name="query">Filters and paging, e.g. <c>new() { Type = ResourceType.Room, LocationId = "loc_…" }</c>.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapPermissionException">The key lacks <c>read_locations</c>.</exception>
    public Task<LeapPage<Resource>> ListAsync(ResourceListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching resource, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<Resource> ListAllAsync(ResourceListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One resource (<c>GET /resources/{id}</c>).</summary>
    /// <param name="id">The resource's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such resource for this key.</exception>
    public Task<Resource> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Creates a resource (<c>POST /resources</c>).</summary>
    /// <param name="resource">The new resource.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid (e.g. an unknown type or location).</exception>
    public Task<Resource> CreateAsync(ResourceCreate resource, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(resource, LeapJsonContext.Default.ResourceCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /resources/{id}</c>); <c>IsActive = false</c> deactivates.</summary>
    /// <param name="id">The resource's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">A new type or location while future appointments take the resource.</exception>
    public Task<Resource> UpdateAsync(string id, ResourceUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct, force: false, Guid.NewGuid().ToString());
}
