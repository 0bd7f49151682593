using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/appointments</c>: book, read, reschedule, cancel, complete and mark no-shows. Scopes:
/// <c>read_appointments</c> to read, <c>write_appointments</c> for everything else.
/// </summary>
public sealed class AppointmentsClient
{
    private readonly RecordEndpoints<Appointment> endpoints;

    internal AppointmentsClient(LeapTransport transport) =>
        endpoints = new(transport, "appointments", LeapJsonContext.Default.DataEnvelopeAppointment, LeapJsonContext.Default.ListEnvelopeAppointment);

    /// <summary>One page of appointments, ordered by start time (<c>GET /appointments</c>).</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<LeapPage<Appointment>> ListAsync(AppointmentListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAsync(query ?? new(), ct);

    /// <summary>Every matching appointment, page after page, fetched as you enumerate.</summary>
    /// <param name="query">Filters; <see cref="ListQuery.Limit"/> sets the page size.</param>
    /// <param name="ct">Cancels the enumeration.</param>
    public IAsyncEnumerable<Appointment> ListAllAsync(AppointmentListQuery? query = null, CancellationToken ct = default) =>
        endpoints.ListAllAsync(query ?? new(), ct);

    /// <summary>
    /// Every message planned for the appointment, sent or not, oldest due first (<c>GET /appointments/{id}/notifications</c>).
    /// </summary>
    /// <param name="id">The appointment's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such appointment for this key.</exception>
    public async Task<IReadOnlyList<AppointmentNotification>> ListNotificationsAsync(string id, CancellationToken ct = default) =>
        (await endpoints.Nested(id, "notifications", LeapJsonContext.Default.DataEnvelopeAppointmentNotification,
            LeapJsonContext.Default.ListEnvelopeAppointmentNotification).ListAsync(new NoFilters(), ct)).Data;

    /// <summary>
    /// Everyone who joined a group appointment, in the order they joined, those who left included
    /// (<c>GET /appointments/{id}/participants</c>).
    /// </summary>
    /// <param name="id">The group appointment's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such appointment for this key.</exception>
    /// <exception cref="LeapConflictException">A one-to-one appointment, which has no participants.</exception>
    public async Task<IReadOnlyList<AppointmentParticipant>> ListParticipantsAsync(string id, CancellationToken ct = default) =>
        (await Participants(id).ListAsync(new NoFilters(), ct)).Data;

    /// <summary>
    /// Gives a patient a seat in a group appointment (<c>POST /appointments/{id}/participants</c>), with an
    /// Idempotency-Key every retry repeats.
    /// </summary>
    /// <param name="id">The group appointment's id.</param>
    /// <param name="patientId">The patient joining.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">
    /// <see cref="LeapErrorCodes.SessionFull"/>: no seat is free; <see cref="LeapErrorCodes.InvalidState"/>: the appointment
    /// is no longer active; <see cref="LeapErrorCodes.Conflict"/>: the patient already takes part, or it is one-to-one.
    /// </exception>
    /// <exception cref="LeapValidationException">No such patient, or the patient is archived.</exception>
    public Task<AppointmentParticipant> AddParticipantAsync(string id, string patientId, string? idempotencyKey = null, CancellationToken ct = default) =>
        Participants(id).CreateAsync(new ParticipantJoin(patientId), LeapJsonContext.Default.ParticipantJoin, idempotencyKey, ct);

    /// <summary>
    /// A patient leaves a group appointment, which goes on without them (<c>DELETE /appointments/{id}/participants/{patient_id}</c>).
    /// </summary>
    /// <param name="id">The group appointment's id.</param>
    /// <param name="patientId">The patient leaving.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such appointment, or the patient never joined it.</exception>
    /// <exception cref="LeapConflictException"><see cref="LeapErrorCodes.InvalidState"/>: the patient already left, or the appointment is no longer active.</exception>
    public Task<AppointmentParticipant> RemoveParticipantAsync(string id, string patientId, CancellationToken ct = default) =>
        Participants(id).DeleteAsync(patientId, ct, Guid.NewGuid().ToString());

    private RecordEndpoints<AppointmentParticipant> Participants(string id) =>
        endpoints.Nested(id, "participants", LeapJsonContext.Default.DataEnvelopeAppointmentParticipant, LeapJsonContext.Default.ListEnvelopeAppointmentParticipant);

    /// <summary>One appointment (<c>GET /appointments/{id}</c>).</summary>
    /// <param name="id">The appointment's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such appointment for this key.</exception>
    public Task<Appointment> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>
    /// Books an appointment (<c>POST /appointments</c>). The call sends an Idempotency-Key and repeats it on
    /// every retry, so a booking whose answer was lost is never made twice.
    /// </summary>
    /// <param name="appointment">The booking.</param>
    /// <param name="idempotencyKey">
    /// Sent as <c>Idempotency-Key</c>; a new UUID when null. Keep your own key with the booking attempt (for
    /// example in the form the patient submitted) to make a resubmission return the same appointment.
    /// </param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapSlotUnavailableException">The clinician is already booked then; see <see cref="LeapApiException.ConflictingAppointmentId"/>.</exception>
    /// <exception cref="LeapValidationException">A field is invalid or refers to a missing, archived or inactive record.</exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body.</exception>
    public Task<Appointment> CreateAsync(AppointmentCreate appointment, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(appointment, LeapJsonContext.Default.AppointmentCreate, idempotencyKey, ct);

    /// <summary>Changes the fields set in <paramref name="changes"/> (<c>PATCH /appointments/{id}</c>).</summary>
    /// <param name="id">The appointment's id.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapSlotUnavailableException">The new time clashes with another booking of the clinician.</exception>
    /// <exception cref="LeapConflictException">The appointment is no longer active (<c>INVALID_STATE</c>), or changed meanwhile.</exception>
    public Task<Appointment> UpdateAsync(string id, AppointmentUpdate changes, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, changes, ct);

    /// <summary>Moves an appointment. Without <paramref name="endTime"/> it keeps its length.</summary>
    /// <param name="id">The appointment's id.</param>
    /// <param name="startTime">The new start.</param>
    /// <param name="endTime">The new end, or null to keep the length.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapSlotUnavailableException">The new time clashes with another booking of the clinician.</exception>
    public Task<Appointment> RescheduleAsync(string id, DateTimeOffset startTime, DateTimeOffset? endTime = null, CancellationToken ct = default) =>
        endpoints.UpdateAsync(id, endTime is null ? new AppointmentUpdate { StartTime = startTime } : new AppointmentUpdate { StartTime = startTime, EndTime = endTime }, ct);

    /// <summary>Cancels an active appointment (<c>POST /appointments/{id}/cancel</c>), freeing the clinician's time.</summary>
    /// <param name="id">The appointment's id.</param>
    /// <param name="reason">Recorded as <c>cancellation_reason</c>.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: it is already cancelled, completed or a no-show.</exception>
    public Task<Appointment> CancelAsync(string id, string? reason = null, CancellationToken ct = default) =>
        ActAsync(id, "cancel", AppointmentStatus.Cancelled, ct,
            JsonSerializer.SerializeToUtf8Bytes(new CancelBody(reason), LeapJsonContext.Default.CancelBody));

    /// <summary>Records that an appointment took place (<c>POST /appointments/{id}/complete</c>); only once it has started.</summary>
    /// <param name="id">The appointment's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: not active, or not started yet.</exception>
    public Task<Appointment> CompleteAsync(string id, CancellationToken ct = default) =>
        ActAsync(id, "complete", AppointmentStatus.Completed, ct);

    /// <summary>Records that the patient did not attend (<c>POST /appointments/{id}/no-show</c>); only once it has started.</summary>
    /// <param name="id">The appointment's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><c>INVALID_STATE</c>: not active, or not started yet.</exception>
    public Task<Appointment> MarkNoShowAsync(string id, CancellationToken ct = default) =>
        ActAsync(id, "no-show", AppointmentStatus.NoShow, ct);

    /// <summary>A status action; a retry that finds the appointment already in <paramref name="resultingStatus"/> returns it.</summary>
    private Task<Appointment> ActAsync(string id, string action, string resultingStatus, CancellationToken ct, byte[]? body = null) =>
        endpoints.StateActionAsync(id, action, appointment => appointment.Status == resultingStatus, ct, body);
}
