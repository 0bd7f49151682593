using Leap.Client.Http;

namespace Leap.Client;

/// <summary><c>/organisation</c>: the key's organisation and its public settings (scope <c>manage_organisation</c>).</summary>
public sealed class OrganisationClient
{
    private readonly LeapTransport transport;

    internal OrganisationClient(LeapTransport transport) => this.transport = transport;

    /// <summary>The organisation and its public settings (<c>GET /organisation</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    public Task<Organisation> GetAsync(CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Get, "organisation", LeapJsonContext.Default.DataEnvelopeOrganisation, ct);

    /// <summary>Changes the public settings (<c>PATCH /organisation</c>).</summary>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A malformed slug or phone number, or online booking turned on without a slug.</exception>
    /// <exception cref="LeapConflictException">Another organisation already uses the slug.</exception>
    public Task<Organisation> UpdateAsync(OrganisationUpdate changes, CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Patch, "organisation", LeapJsonContext.Default.DataEnvelopeOrganisation, ct, changes.ToJson());
}
