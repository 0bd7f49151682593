using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/questionnaire-templates</c>: the forms, the organisation's own and the system ones. Scopes:
/// <c>read_questionnaires</c> to read, <c>write_questionnaires</c> to create and change (templates are not deleted:
/// deactivate one instead).
/// </summary>
public sealed class QuestionnaireTemplatesClient
{
    private readonly RecordEndpoints<QuestionnaireTemplate> endpoints;

    internal QuestionnaireTemplatesClient(LeapTransport transport) =>
        endpoints = new(transport, "questionnaire-templates",
            LeapJsonContext.Default.DataEnvelopeQuestionnaireTemplate, LeapJsonContext.Default.ListEnvelopeQuestionnaireTemplate);

    /// <summary>One page of templates, the organisation's and the system ones, oldest first (<c>GET /questionnaire-templates</c>).</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<QuestionnaireTemplate>> ListAsync(QuestionnaireTemplateListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching template, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<QuestionnaireTemplate> ListAllAsync(QuestionnaireTemplateListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One template (<c>GET /questionnaire-templates/{id}</c>).</summary>
    /// <param name="id">The template's id (<c>qt_…</c>).</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such template for this key.</exception>
    public Task<QuestionnaireTemplate> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>
    /// The template as it was at one version (<c>GET /questionnaire-templates/{id}?version=N</c>): that version's title,
    /// description and questions, e.g. to show a response with the questions it answered.
    /// </summary>
    /// <param name="id">The template's id (<c>qt_…</c>).</param>
    /// <param name="version">The version, e.g. a response's <see cref="QuestionnaireResponse.QuestionnaireVersion"/>.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such template for this key, or no such version of it.</exception>
    public Task<QuestionnaireTemplate> GetVersionAsync(string id, int version, CancellationToken ct = default) =>
        endpoints.GetAsync(id, ct, "?version=" + version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Creates one of the organisation's own templates, as version 1 (<c>POST /questionnaire-templates</c>).</summary>
    /// <param name="template">The new template.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field or a question is invalid (<c>schema.fields[i].…</c>); every problem is reported together.</exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body.</exception>
    public Task<QuestionnaireTemplate> CreateAsync(QuestionnaireTemplateCreate template, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(template, LeapJsonContext.Default.QuestionnaireTemplateCreate, idempotencyKey, ct);

    /// <summary>
    /// Changes the fields set in <paramref name="changes"/> (<c>PATCH /questionnaire-templates/{id}</c>); a change to the
    /// title, description or questions makes the next version. Sent with an Idempotency-Key, so a retry after a lost
    /// answer cannot make a second version.
    /// </summary>
    /// <param name="id">The template's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field or a question is invalid.</exception>
    /// <exception cref="LeapPermissionException">A system template (shared by every organisation), or a key without <c>write_questionnaires</c>.</exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body.</exception>
    public Task<QuestionnaireTemplate> UpdateAsync(string id, QuestionnaireTemplateUpdate changes, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct, idempotencyKey: idempotencyKey ?? Guid.NewGuid().ToString());
}

/// <summary>
/// <c>/questionnaire-responses</c>: filled-in questionnaires. A response about a patient lands on an episode as
/// the pathway rules say. Scopes: <c>read_questionnaires</c> to read, <c>write_questionnaires</c> to create and update.
/// </summary>
public sealed class QuestionnaireResponsesClient
{
    private readonly RecordEndpoints<QuestionnaireResponse> endpoints;

    internal QuestionnaireResponsesClient(LeapTransport transport) =>
        endpoints = new(transport, "questionnaire-responses",
            LeapJsonContext.Default.DataEnvelopeQuestionnaireResponse, LeapJsonContext.Default.ListEnvelopeQuestionnaireResponse);

    /// <summary>One page of responses, oldest first (<c>GET /questionnaire-responses</c>).</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<QuestionnaireResponse>> ListAsync(QuestionnaireResponseListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching response, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<QuestionnaireResponse> ListAllAsync(QuestionnaireResponseListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One response (<c>GET /questionnaire-responses/{id}</c>).</summary>
    /// <param name="id">The response's id (<c>qr_…</c>).</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such response for this key.</exception>
    public Task<QuestionnaireResponse> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>
    /// Records a response (<c>POST /questionnaire-responses</c>), as not submitted by the patient. The answers
    /// are checked against the template; every problem is reported together.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">
    /// The template is missing or inactive, an answer does not fit its question (<c>responses.…</c>), a required
    /// question is unanswered, or a linked record is missing or another patient's.
    /// </exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body.</exception>
    public Task<QuestionnaireResponse> CreateAsync(QuestionnaireResponseCreate response, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(response, LeapJsonContext.Default.QuestionnaireResponseCreate, idempotencyKey, ct);

    /// <summary>
    /// Changes the fields set in <paramref name="changes"/> (<c>PATCH /questionnaire-responses/{id}</c>). The
    /// template never changes, nor the patient once set.
    /// </summary>
    /// <param name="id">The response's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">An answer does not fit, or the patient would change.</exception>
    public Task<QuestionnaireResponse> UpdateAsync(string id, QuestionnaireResponseUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct);
}
