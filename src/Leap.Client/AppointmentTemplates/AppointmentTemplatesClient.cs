using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/appointment-templates</c>: the services that can be booked. Scopes: <c>read_appointment_templates</c>
/// to read, <c>write_appointment_templates</c> to create and update.
/// </summary>
public sealed class AppointmentTemplatesClient
{
    private readonly RecordEndpoints<AppointmentTemplate> endpoints;

    internal AppointmentTemplatesClient(LeapTransport transport) =>
        endpoints = new(transport, "appointment-templates",
            LeapJsonContext.Default.DataEnvelopeAppointmentTemplate, LeapJsonContext.Default.ListEnvelopeAppointmentTemplate);

    /// <summary>One page of templates (<c>GET /appointment-templates</c>).</summary>
    /// <param name="query">Filters and paging, e.g. <c>new() { IsActive = true }</c> for the bookable ones.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<AppointmentTemplate>> ListAsync(AppointmentTemplateListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching template, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<AppointmentTemplate> ListAllAsync(AppointmentTemplateListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One template (<c>GET /appointment-templates/{id}</c>).</summary>
    /// <param name="id">The template's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such template for this key.</exception>
    public Task<AppointmentTemplate> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Creates a template (<c>POST /appointment-templates</c>); it starts as version 1.</summary>
    /// <param name="template">The new template.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null, repeated by every retry of this call.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid; see <see cref="LeapApiException.Details"/>.</exception>
    public Task<AppointmentTemplate> CreateAsync(AppointmentTemplateCreate template, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(template, LeapJsonContext.Default.AppointmentTemplateCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /appointment-templates/{id}</c>).</summary>
    /// <param name="id">The template's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">The template has bookings, so only is_active and status may change.</exception>
    public Task<AppointmentTemplate> UpdateAsync(string id, AppointmentTemplateUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct);
}
