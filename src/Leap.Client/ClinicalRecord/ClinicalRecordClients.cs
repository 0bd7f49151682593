using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// First-generation clinical entries of one kind: <c>/problems</c> (scopes read_problems, write_problems),
/// <c>/prescriptions</c> (read_prescriptions, write_prescriptions) or <c>/documents</c> (read_documents, write_documents).
/// Corrections never overwrite: the earlier version is kept as an amendment.
/// </summary>
public sealed class ClinicalEntriesClient
{
    private readonly LeapTransport transport;
    private readonly string path;
    private readonly RecordEndpoints<ClinicalEntry> endpoints;

    internal ClinicalEntriesClient(LeapTransport transport, string path)
    {
        this.transport = transport;
        this.path = path;
        endpoints = new(transport, path, LeapJsonContext.Default.DataEnvelopeClinicalEntry, LeapJsonContext.Default.ListEnvelopeClinicalEntry);
    }

    /// <summary>A document's file (<c>GET /documents/{id}/download</c>): its bytes, type and name.</summary>
    /// <param name="id">The document's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such document for this key.</exception>
    public Task<LeapFile> DownloadAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return transport.DownloadAsync($"{path}/{Uri.EscapeDataString(id)}/download", ct);
    }

    /// <summary>One page, newest first by the entry's date.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<ClinicalEntry>> ListAsync(ClinicalEntryListQuery? query = null, CancellationToken ct = default) => endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching entry, page after page.</summary>
    /// <param name="query">Filters.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<ClinicalEntry> ListAllAsync(ClinicalEntryListQuery? query = null, CancellationToken ct = default) => endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One entry.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such entry for this key.</exception>
    public Task<ClinicalEntry> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Records an entry (for a document: uploads it, <see cref="ClinicalEntryWrite.Content"/> being the file).</summary>
    /// <param name="entry">The patient, optional consultation, and the kind's fields.</param>
    /// <param name="idempotencyKey">Sent as Idempotency-Key; a new UUID when null. Retries repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid, or (a document) its type is not allowed.</exception>
    public Task<ClinicalEntry> CreateAsync(ClinicalEntryWrite entry, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(entry, LeapJsonContext.Default.ClinicalEntryWrite, idempotencyKey, ct);

    /// <summary>Corrects an entry (PATCH): the fields set replace the current ones; the earlier version is kept as an amendment.</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="changes">The fields to change, and <see cref="ClinicalEntryWrite.AmendmentReason"/>.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<ClinicalEntry> AmendAsync(string id, ClinicalEntryWrite changes, CancellationToken ct = default) =>
        endpoints.SendPatchAsync(id, JsonSerializer.SerializeToUtf8Bytes(changes, LeapJsonContext.Default.ClinicalEntryWrite), ct);

    /// <summary>An entry's earlier versions, oldest first.</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<Amendment>> ListAmendmentsAsync(string id, CancellationToken ct = default) =>
        endpoints.Nested(id, "amendments", LeapJsonContext.Default.DataEnvelopeAmendment, LeapJsonContext.Default.ListEnvelopeAmendment).ListAsync(new NoFilters(), ct);
}

/// <summary>
/// <c>/consultations</c> (scopes read_consultations, write_consultations) and the patient's longitudinal record
/// (<c>/patients/{id}/observations</c>..., scope read_patients).
/// </summary>
public sealed class ConsultationsClient
{
    private readonly LeapTransport transport;
    private readonly RecordEndpoints<Consultation> list;
    private readonly RecordEndpoints<ConsultationCard> cards;

    internal ConsultationsClient(LeapTransport transport)
    {
        this.transport = transport;
        list = new(transport, "consultations", LeapJsonContext.Default.DataEnvelopeConsultation, LeapJsonContext.Default.ListEnvelopeConsultation);
        cards = new(transport, "consultations", LeapJsonContext.Default.DataEnvelopeConsultationCard, LeapJsonContext.Default.ListEnvelopeConsultationCard);
    }

    /// <summary>One page of consultations, most recent first.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<Consultation>> ListAsync(ConsultationListQuery? query = null, CancellationToken ct = default) => list.ListAsync(query ?? new(), ct);

    /// <summary>A consultation's card: every section, or only the core ones (problems, medications, observations, allergies).</summary>
    /// <param name="id">Its id or con_ id.</param>
    /// <param name="coreOnly">True for <c>?include=core</c>.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<ConsultationCard> GetAsync(string id, bool coreOnly = false, CancellationToken ct = default) =>
        cards.GetAsync(id, ct, coreOnly ? "?include=core" : "");

    /// <summary>Records a consultation and the entries in it; returns its card.</summary>
    /// <param name="consultation">The consultation and its entries by section.</param>
    /// <param name="idempotencyKey">Sent as Idempotency-Key; a new UUID when null. Retries repeat it.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<ConsultationCard> CreateAsync(ConsultationCreate consultation, string? idempotencyKey = null, CancellationToken ct = default) =>
        cards.CreateAsync(consultation, LeapJsonContext.Default.ConsultationCreate, idempotencyKey, ct);

    /// <summary>One section of a consultation (<c>problems</c>, <c>lab-orders</c>, <c>family-history</c>...).</summary>
    /// <param name="id">The consultation's id.</param>
    /// <param name="section">The section's path segment.</param>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<ClinicalEntry>> ListSectionAsync(string id, string section, ClinicalEntryListQuery? query = null, CancellationToken ct = default) =>
        Entries("consultations", id, section).ListAsync(query ?? new(), ct);

    /// <summary>The amendments of a consultation's entries, oldest first.</summary>
    /// <param name="id">The consultation's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<Amendment>> ListAmendmentsAsync(string id, CancellationToken ct = default) =>
        list.Nested(id, "amendments", LeapJsonContext.Default.DataEnvelopeAmendment, LeapJsonContext.Default.ListEnvelopeAmendment).ListAsync(new NoFilters(), ct);

    /// <summary>A patient's longitudinal record of one kind: observations, medications, problems, referrals, allergies or immunisations.</summary>
    /// <param name="patientId">The patient.</param>
    /// <param name="kind">The path segment, e.g. <c>allergies</c>.</param>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<ClinicalEntry>> ListPatientRecordAsync(string patientId, string kind, ClinicalEntryListQuery? query = null, CancellationToken ct = default) =>
        Entries("patients", patientId, kind).ListAsync(query ?? new(), ct);

    private RecordEndpoints<ClinicalEntry> Entries(string parent, string id, string section)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        return new RecordEndpoints<ClinicalEntry>(transport, parent, LeapJsonContext.Default.DataEnvelopeClinicalEntry, LeapJsonContext.Default.ListEnvelopeClinicalEntry)
            .Nested(id, Uri.EscapeDataString(section), LeapJsonContext.Default.DataEnvelopeClinicalEntry, LeapJsonContext.Default.ListEnvelopeClinicalEntry);
    }
}

/// <summary><c>/audit-events</c>: the access log (scope read_audit). Read-only: the server writes it.</summary>
public sealed class AuditEventsClient
{
    private readonly RecordEndpoints<AuditEvent> endpoints;

    internal AuditEventsClient(LeapTransport transport) =>
        endpoints = new(transport, "audit-events", LeapJsonContext.Default.DataEnvelopeAuditEvent, LeapJsonContext.Default.ListEnvelopeAuditEvent);

    /// <summary>One page, newest first.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<AuditEvent>> ListAsync(AuditEventListQuery? query = null, CancellationToken ct = default) => endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching entry, page after page.</summary>
    /// <param name="query">Filters.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<AuditEvent> ListAllAsync(AuditEventListQuery? query = null, CancellationToken ct = default) => endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One entry.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<AuditEvent> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);
}
