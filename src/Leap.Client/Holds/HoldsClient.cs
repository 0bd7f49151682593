using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/holds</c>: reserve a free slot for 15 minutes while a patient completes a booking, then confirm it into an
/// appointment or release it. Scope: <c>write_holds</c> (for every call, reads included). There is no list.
/// <code>
/// var hold = await leap.Holds.CreateAsync(new SlotRequest { AppointmentTemplateId = …, ClinicianProfileId = …, StartTime = slot });
/// // … the patient fills in the form (within 15 minutes) …
/// var appointment = await leap.Holds.ConfirmAsync(hold.Id, new HoldConfirm { PatientId = patient.Id });
/// </code>
/// </summary>
public sealed class HoldsClient
{
    private readonly RecordEndpoints<Hold> endpoints;

    internal HoldsClient(LeapTransport transport) =>
        endpoints = new(transport, "holds", LeapJsonContext.Default.DataEnvelopeHold, LeapJsonContext.Default.ListEnvelopeHold);

    /// <summary>
    /// Holds a slot for 15 minutes (<c>POST /holds</c>). The slot must be bookable by the availability rules
    /// (a session, notice, advance, blocks, online flags) and free of appointments and other live holds.
    /// </summary>
    /// <param name="hold">The slot.</param>
    /// <param name="idempotencyKey">
    /// Sent as <c>Idempotency-Key</c>; a new UUID when null, repeated by every retry of this call, so a hold whose
    /// answer was lost is returned rather than refused as taken (by itself).
    /// </param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapSlotUnavailableException">
    /// The slot cannot be held: taken by an appointment or another hold (the message names it), outside the
    /// clinician's sessions, blocked, too soon or too far ahead. Offer another slot.
    /// </exception>
    /// <exception cref="LeapValidationException">A field is invalid or names a missing record.</exception>
    /// <exception cref="LeapConflictException">The key was already used with a different body.</exception>
    public Task<Hold> CreateAsync(SlotRequest hold, string? idempotencyKey = null, CancellationToken ct = default) =>
        endpoints.CreateAsync(hold, LeapJsonContext.Default.SlotRequest, idempotencyKey, ct);

    /// <summary>One hold (<c>GET /holds/{id}</c>); an active hold past its expiry reads <see cref="HoldStatus.Expired"/>.</summary>
    /// <param name="id">The hold's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such hold for this key.</exception>
    public Task<Hold> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>Gives the slot back at once (<c>DELETE /holds/{id}</c>) and returns the released hold.</summary>
    /// <param name="id">The hold's id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapHoldNotActiveException">The hold is already released, confirmed or expired (<see cref="LeapHoldNotActiveException.Hold"/> says which).</exception>
    /// <exception cref="LeapNotFoundException">No such hold for this key.</exception>
    public async Task<Hold> ReleaseAsync(string id, CancellationToken ct = default)
    {
        try
        {
            return await endpoints.DeleteAsync(id, ct);
        }
        catch (LeapConflictException e) when (e.Code == LeapErrorCodes.InvalidState)
        {
            var current = await endpoints.GetAsync(id, ct);
            // Released by an earlier attempt of this call whose answer was lost: that is the outcome asked for.
            if (e.Attempts > 1 && current.Status == HoldStatus.Released)
            {
                return current;
            }
            throw new LeapHoldNotActiveException(e.Error, current, e.Attempts, e.RetryAfter);
        }
    }

    /// <summary>
    /// Books the held slot for a patient (<c>POST /holds/{id}/confirm</c>) and returns the <b>appointment</b>
    /// (<c>booking_source</c> api, the hold's time, template, clinician, location and buffers); the hold becomes
    /// <see cref="HoldStatus.Confirmed"/>. The slot passes straight from the hold to the appointment.
    /// </summary>
    /// <param name="id">The hold's id.</param>
    /// <param name="booking">The patient and the appointment's descriptive fields.</param>
    /// <param name="idempotencyKey">
    /// Sent as <c>Idempotency-Key</c>; a new UUID when null, repeated by every retry of this call, so a confirm
    /// whose answer was lost returns the same appointment.
    /// </param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapHoldNotActiveException">
    /// The hold is no longer active: <see cref="LeapHoldNotActiveException.IsExpired"/> (hold the slot again),
    /// or already confirmed or released. Nothing was booked.
    /// </exception>
    /// <exception cref="LeapValidationException">The body is invalid (no patient, an archived patient…); the hold stays active.</exception>
    /// <exception cref="LeapNotFoundException">No such hold for this key.</exception>
    public async Task<Appointment> ConfirmAsync(string id, HoldConfirm booking, string? idempotencyKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(booking);
        try
        {
            return await endpoints.ActionAsync(id, "confirm", LeapJsonContext.Default.DataEnvelopeAppointment, ct,
                JsonSerializer.SerializeToUtf8Bytes(booking, LeapJsonContext.Default.HoldConfirm), idempotencyKey ?? Guid.NewGuid().ToString());
        }
        catch (LeapConflictException e) when (e.Code == LeapErrorCodes.InvalidState)
        {
            throw new LeapHoldNotActiveException(e.Error, await endpoints.GetAsync(id, ct), e.Attempts, e.RetryAfter);
        }
    }
}
