using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/pathway-rules</c>: the per-organisation overrides of how appointment and questionnaire events become
/// episodes. Scopes: <c>read_pathway_rules</c> to read, <c>write_pathway_rules</c> to create, change and delete.
/// </summary>
public sealed class PathwayRulesClient
{
    private readonly RecordEndpoints<PathwayRule> endpoints;

    internal PathwayRulesClient(LeapTransport transport) =>
        endpoints = new(transport, "pathway-rules", LeapJsonContext.Default.DataEnvelopePathwayRule, LeapJsonContext.Default.ListEnvelopePathwayRule);

    /// <summary>One page of rules, by trigger then priority (<c>GET /pathway-rules</c>).</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<PathwayRule>> ListAsync(PathwayRuleListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching rule, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<PathwayRule> ListAllAsync(PathwayRuleListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One rule (<c>GET /pathway-rules/{id}</c>).</summary>
    /// <param name="id">The rule's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such rule for this key.</exception>
    public Task<PathwayRule> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Creates a rule (<c>POST /pathway-rules</c>).</summary>
    /// <param name="rule">The new rule.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid, or a condition does not apply to the trigger (<c>conditions.…</c>).</exception>
    /// <exception cref="LeapConflictException">Another rule of the trigger has this priority (<c>CONFLICT</c>), or the key was used with another body.</exception>
    public Task<PathwayRule> CreateAsync(PathwayRuleCreate rule, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(rule, LeapJsonContext.Default.PathwayRuleCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /pathway-rules/{id}</c>).</summary>
    /// <param name="id">The rule's id.</param>
    /// <param name="changes">The fields to change; null sends an override back to inheriting.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">Another rule of the trigger has the new priority.</exception>
    public Task<PathwayRule> UpdateAsync(string id, PathwayRuleUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct);

    /// <summary>Deletes a rule (<c>DELETE /pathway-rules/{id}</c>).</summary>
    /// <param name="id">The rule's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such rule for this key (or it was already deleted).</exception>
    public Task<LeapDeletion> DeleteAsync(string id, CancellationToken ct = default) =>
        endpoints.DeleteWithReceiptAsync(id, ct);
}
