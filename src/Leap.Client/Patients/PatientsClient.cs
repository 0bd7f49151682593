using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/patients</c>: search, read, create and update patient records. Scopes: <c>read_patients</c> to read,
/// <c>write_patients</c> to create and update.
/// </summary>
public sealed class PatientsClient
{
    private readonly RecordEndpoints<Patient> endpoints;

    internal PatientsClient(LeapTransport transport) =>
        endpoints = new(transport, "patients", LeapJsonContext.Default.DataEnvelopePatient, LeapJsonContext.Default.ListEnvelopePatient);

    /// <summary>One page of patients (<c>GET /patients</c>).</summary>
    /// <param name="query">Filters and paging; null for the first page of everyone.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<Patient>> ListAsync(PatientListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching patient, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<Patient> ListAllAsync(PatientListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>One patient (<c>GET /patients/{id}</c>).</summary>
    /// <param name="id">The patient's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such patient for this key.</exception>
    public Task<Patient> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>
    /// Creates a patient (<c>POST /patients</c>). Search first (<see cref="PatientListQuery.Search"/>) to avoid duplicates.
    /// </summary>
    /// <param name="patient">The new patient.</param>
    /// <param name="idempotencyKey">
    /// Sent as <c>Idempotency-Key</c>; a new UUID when null. Retries of this call always repeat it. Pass your own
    /// (stored with your pending work) to make a create safe across restarts of your program too.
    /// </param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">A field is invalid; see <see cref="LeapApiException.Details"/>.</exception>
    /// <exception cref="LeapDuplicatePatientException">
    /// The organisation refuses likely duplicates (<see cref="Organisation.DuplicatePatients"/> is <c>refuse</c>) and the
    /// patient looks like one already there (same name and date of birth, or NHS number):
    /// <see cref="LeapApiException.CandidateIds"/> lists them. Use one, or create with <see cref="PatientCreate.Force"/>.
    /// By default such a patient is created (the server names the look-alikes in <c>meta.possible_duplicates</c>).
    /// </exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body, or another patient has the external id (<see cref="LeapApiException.CandidateIds"/>).</exception>
    public Task<Patient> CreateAsync(PatientCreate patient, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(patient, LeapJsonContext.Default.PatientCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /patients/{id}</c>).</summary>
    /// <param name="id">The patient's id.</param>
    /// <param name="changes">The fields to change; null values clear optional fields.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<Patient> UpdateAsync(string id, PatientUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct);

    /// <summary>
    /// Archives a patient (patients are never deleted): status becomes archived, and the record keeps when,
    /// by which key and why. Archived patients cannot be booked.
    /// </summary>
    /// <param name="id">The patient's id.</param>
    /// <param name="reason">Why (required).</param>
    /// <param name="notes">Optional notes.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<Patient> ArchiveAsync(string id, string reason, string? notes = null, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return endpoints.UpdateAsync(id, new PatientUpdate { Archived = true, ArchiveReason = reason, ArchiveNotes = notes }, ct);
    }

    /// <summary>
    /// Patient sync (<c>PUT /patients/external/{externalId}</c>): creates the patient another system knows as
    /// <paramref name="externalId"/>, or updates them with the fields set in <paramref name="fields"/>, exactly as
    /// <see cref="UpdateAsync"/> would (unset fields stay, null clears). Safe to repeat and to race; PUT needs no
    /// Idempotency-Key.
    /// </summary>
    /// <param name="externalId">Your system's id for the patient (1 to 128 letters, digits or <c>. _ - : @ ~ + = |</c>).</param>
    /// <param name="fields">The patient's fields; a create needs first name, last name and date of birth.</param>
    /// <param name="force">On a create, skip the duplicate check (the patient really is another person).</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>
    /// The patient, and <see cref="PatientUpsertResult.Created"/>: true on 201 (created), false on 200 (updated).
    /// If a retry followed a lost answer, a patient created by the earlier attempt is reported as updated.
    /// </returns>
    /// <exception cref="LeapDuplicatePatientException">A create that looks like a patient already there, when the organisation refuses likely duplicates; see <see cref="LeapApiException.CandidateIds"/>.</exception>
    /// <exception cref="LeapValidationException">A field is invalid, a create lacks a required field, or the external id is malformed.</exception>
    public async Task<PatientUpsertResult> UpsertByExternalIdAsync(string externalId, PatientUpdate fields, bool force = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var body = fields.ToJson(force ? [new KeyValuePair<string, object?>("force", true)] : null);
        var (patient, status) = await endpoints.PutAsync(["external", externalId], body, ct);
        return new PatientUpsertResult { Patient = patient, Created = status == 201 };
    }

    /// <summary>Restores an archived patient as active.</summary>
    /// <param name="id">The patient's id.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<Patient> RestoreAsync(string id, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, new PatientUpdate { Archived = false }, ct);
}
