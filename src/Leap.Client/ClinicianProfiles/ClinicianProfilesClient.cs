using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/clinician-profiles</c>: the practitioners who can be booked, with their working sessions and time away.
/// Scopes: <c>read_clinicians</c> to read, <c>write_clinicians</c> to change profiles and the rota. An edit that would
/// strand future appointments (leave them outside working time) throws <see cref="LeapConflictException"/> with
/// <see cref="LeapApiException.StrandedAppointmentIds"/> unless it is forced; forced, they stay booked and the answer lists them.
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

    /// <summary>Creates a clinician profile (<c>POST /clinician-profiles</c>).</summary>
    /// <param name="profile">The new profile.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid, or a template id is not one of the practice's.</exception>
    public Task<ClinicianProfile> CreateAsync(ClinicianProfileCreate profile, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(profile, LeapJsonContext.Default.ClinicianProfileCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /clinician-profiles/{id}</c>); <c>IsActive = false</c> deactivates.</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="force">Deactivate even with future appointments (they stay booked; see <see cref="ClinicianProfile.StrandedAppointmentIds"/>).</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">Deactivating would strand future appointments (<see cref="LeapApiException.StrandedAppointmentIds"/>).</exception>
    public Task<ClinicianProfile> UpdateAsync(string id, ClinicianProfileUpdate changes, bool force = false, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct, force, Guid.NewGuid().ToString());

    /// <summary>Adds working time (<c>POST /clinician-profiles/{id}/sessions</c>); availability offers it at once.</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="session">The session: weekly or one-off.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<ClinicianSession> AddSessionAsync(string id, ClinicianSessionCreate session, string? idempotencyKey = null, CancellationToken ct = default) =>
        Sessions(id).CreateAsync(session, LeapJsonContext.Default.ClinicianSessionCreate, idempotencyKey, ct);

    /// <summary>Changes a session (<c>PATCH /clinician-profiles/{id}/sessions/{session_id}</c>).</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="force">Make the change even if booked appointments fall outside the clinician's sessions.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The change would strand future appointments.</exception>
    public Task<ClinicianSession> UpdateSessionAsync(string id, string sessionId, ClinicianSessionUpdate changes, bool force = false, CancellationToken ct = default) =>
        Sessions(id).UpdateAsync(sessionId, changes, ct, force, Guid.NewGuid().ToString());

    /// <summary>Removes a session (<c>DELETE /clinician-profiles/{id}/sessions/{session_id}</c>).</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="sessionId">The session's id.</param>
    /// <param name="force">Remove it even if booked appointments fall outside the clinician's sessions.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The removal would strand future appointments.</exception>
    public Task<LeapDeletion> RemoveSessionAsync(string id, string sessionId, bool force = false, CancellationToken ct = default) =>
        Sessions(id).DeleteWithReceiptAsync(sessionId, ct, force);

    /// <summary>Adds time away (<c>POST /clinician-profiles/{id}/blocks</c>); dates are whole days in the clinician's time zone.</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="block">The period and reason.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The block lies over booked appointments and is not forced.</exception>
    public Task<ClinicianBlock> AddBlockAsync(string id, ClinicianBlockCreate block, string? idempotencyKey = null, CancellationToken ct = default) =>
        Blocks(id).CreateAsync(block, LeapJsonContext.Default.ClinicianBlockCreate, idempotencyKey, ct);

    /// <summary>Removes time away (<c>DELETE /clinician-profiles/{id}/blocks/{block_id}</c>); the time is offered again at once.</summary>
    /// <param name="id">The clinician's id.</param>
    /// <param name="blockId">The block's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapDeletion> RemoveBlockAsync(string id, string blockId, CancellationToken ct = default) =>
        Blocks(id).DeleteWithReceiptAsync(blockId, ct);

    private RecordEndpoints<ClinicianSession> Sessions(string id) =>
        endpoints.Nested(id, "sessions", LeapJsonContext.Default.DataEnvelopeClinicianSession, LeapJsonContext.Default.ListEnvelopeClinicianSession);

    private RecordEndpoints<ClinicianBlock> Blocks(string id) =>
        endpoints.Nested(id, "blocks", LeapJsonContext.Default.DataEnvelopeClinicianBlock, LeapJsonContext.Default.ListEnvelopeClinicianBlock);
}
