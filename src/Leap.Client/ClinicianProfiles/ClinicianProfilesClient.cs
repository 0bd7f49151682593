using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/clinician-profiles</c>: the practitioners who can be booked, with their working sessions and time away,
/// so an integration can see why a slot is or is not offered. Read-only (the practice manages clinicians).
/// Scope: <c>read_clinicians</c>.
/// </summary>
public sealed class ClinicianProfilesClient
{
    private readonly RecordEndpoints<ClinicianProfile> endpoints;

    internal ClinicianProfilesClient(LeapTransport transport) =>
        endpoints = new(transport, "clinician-profiles",
            LeapJsonContext.Default.DataEnvelopeClinicianProfile, LeapJsonContext.Default.ListEnvelopeClinicianProfile);

    /// <summary>One page of clinicians (<c>GET /clinician-profiles</c>), in creation order.</summary>
    /// <param name="query">Filters and paging, e.g. <c>new() { IsActive = true, LocationId = "loc_…" }</c>.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapPermissionException">The key lacks <c>read_clinicians</c>.</exception>
    public Task<LeapPage<ClinicianProfile>> ListAsync(ClinicianProfileListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching clinician, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<ClinicianProfile> ListAllAsync(ClinicianProfileListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One clinician (<c>GET /clinician-profiles/{id}</c>).</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such clinician for this key.</exception>
    public Task<ClinicianProfile> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>One page of a clinician's working sessions (<c>GET /clinician-profiles/{id}/sessions</c>).</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such clinician for this key.</exception>
    public Task<LeapPage<ClinicianSession>> ListSessionsAsync(string id, ClinicianSessionListQuery? query = null, CancellationToken ct = default) =>
        Sessions(id).ListAsync(query ?? new(), ct);

    /// <summary>Every matching session of a clinician, page after page, fetched as you enumerate.</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<ClinicianSession> ListAllSessionsAsync(string id, ClinicianSessionListQuery? query = null, CancellationToken ct = default) =>
        Sessions(id).ListAllAsync(query ?? new(), ct);

    /// <summary>One page of a clinician's time away (<c>GET /clinician-profiles/{id}/blocks</c>), ordered by start.</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="query">Filters and paging, e.g. <c>new() { EndTimeGte = DateTimeOffset.UtcNow }</c> for current and future blocks.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such clinician for this key.</exception>
    public Task<LeapPage<ClinicianBlock>> ListBlocksAsync(string id, ClinicianBlockListQuery? query = null, CancellationToken ct = default) =>
        Blocks(id).ListAsync(query ?? new(), ct);

    /// <summary>Every matching block of a clinician, page after page, fetched as you enumerate.</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<ClinicianBlock> ListAllBlocksAsync(string id, ClinicianBlockListQuery? query = null, CancellationToken ct = default) =>
        Blocks(id).ListAllAsync(query ?? new(), ct);

    private RecordEndpoints<ClinicianSession> Sessions(string id) =>
        endpoints.Nested(id, "sessions", LeapJsonContext.Default.DataEnvelopeClinicianSession, LeapJsonContext.Default.ListEnvelopeClinicianSession);

    private RecordEndpoints<ClinicianBlock> Blocks(string id) =>
        endpoints.Nested(id, "blocks", LeapJsonContext.Default.DataEnvelopeClinicianBlock, LeapJsonContext.Default.ListEnvelopeClinicianBlock);
}
