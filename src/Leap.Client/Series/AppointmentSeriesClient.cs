using System.Text.Json;
using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// <c>/appointment-series</c>: book a course of appointments in one request, all or nothing (docs/series.md).
/// Scopes: <c>write_appointments</c>, <c>read_appointments</c>. Each occurrence is an ordinary appointment
/// (<see cref="Appointment.SeriesId"/>), moved or cancelled alone through <see cref="AppointmentsClient"/>.
/// </summary>
public sealed class AppointmentSeriesClient
{
    private readonly RecordEndpoints<AppointmentSeries> endpoints;

    internal AppointmentSeriesClient(LeapTransport transport) =>
        endpoints = new(transport, "appointment-series", LeapJsonContext.Default.DataEnvelopeAppointmentSeries, LeapJsonContext.Default.ListEnvelopeAppointmentSeries);

    /// <summary>Books every occurrence (<c>POST /appointment-series</c>), or with <see cref="AppointmentSeriesCreate.SkipConflicts"/> the free ones.</summary>
    /// <param name="series">The first occurrence and the rule.</param>
    /// <param name="idempotencyKey">Sent as <c>Idempotency-Key</c>; a new UUID when null, repeated by every retry of this call.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">
    /// <see cref="LeapErrorCodes.SeriesConflict"/>: occurrences clash and nothing was booked; <see cref="LeapError.SeriesConflicts"/> lists them.
    /// </exception>
    /// <exception cref="LeapValidationException">A field or the rule is invalid (more than 52 occurrences, no location…).</exception>
    public Task<AppointmentSeries> CreateAsync(AppointmentSeriesCreate series, string? idempotencyKey = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        var body = JsonSerializer.SerializeToNode(series.Appointment, LeapJsonContext.Default.AppointmentCreate)!.AsObject();
        body["recurrence"] = JsonSerializer.SerializeToNode(series.Recurrence, LeapJsonContext.Default.SeriesRecurrence);
        body["skip_conflicts"] = series.SkipConflicts;
        return endpoints.CreateAsync(body, LeapJsonContext.Default.JsonObject, idempotencyKey, ct);
    }

    /// <summary>One series with its occurrences (<c>GET /appointment-series/{id}</c>).</summary>
    /// <param name="id">The series' id.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapNotFoundException">No such series for this key.</exception>
    public Task<AppointmentSeries> GetAsync(string id, CancellationToken ct = default) => endpoints.GetAsync(id, ct);

    /// <summary>
    /// Cancels the active occurrences (<c>POST /appointment-series/{id}/cancel</c>): every one (<see cref="SeriesScope.All"/>),
    /// or <paramref name="fromAppointmentId"/> and those after it (<see cref="SeriesScope.Following"/>).
    /// </summary>
    /// <param name="id">The series' id.</param>
    /// <param name="scope"><see cref="SeriesScope.All"/> or <see cref="SeriesScope.Following"/>.</param>
    /// <param name="fromAppointmentId">For <see cref="SeriesScope.Following"/>: the first occurrence to cancel.</param>
    /// <param name="reason">Recorded on each cancelled occurrence.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException"><see cref="LeapErrorCodes.InvalidState"/>: no active occurrence to cancel.</exception>
    /// <exception cref="LeapNotFoundException">No such series for this key.</exception>
    public Task<AppointmentSeries> CancelAsync(string id, string scope, string? fromAppointmentId = null, string? reason = null, CancellationToken ct = default) =>
        endpoints.ActionAsync(id, "cancel", ct,
            JsonSerializer.SerializeToUtf8Bytes(new SeriesCancelBody(scope, fromAppointmentId, reason), LeapJsonContext.Default.SeriesCancelBody));

    /// <summary>
    /// Moves the active occurrences (<c>POST /appointment-series/{id}/move</c>) by <paramref name="offsetMinutes"/> of
    /// wall-clock time at the location, all of them or from <paramref name="fromAppointmentId"/> on; all or none.
    /// </summary>
    /// <param name="id">The series' id.</param>
    /// <param name="scope"><see cref="SeriesScope.All"/> or <see cref="SeriesScope.Following"/>.</param>
    /// <param name="offsetMinutes">Minutes later (negative: earlier), up to a week either way.</param>
    /// <param name="fromAppointmentId">For <see cref="SeriesScope.Following"/>: the first occurrence to move.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapConflictException">
    /// <see cref="LeapErrorCodes.SeriesConflict"/>: moved occurrences would clash and nothing moved (<see cref="LeapError.SeriesConflicts"/>);
    /// <see cref="LeapErrorCodes.InvalidState"/>: no active occurrence to move.
    /// </exception>
    /// <exception cref="LeapNotFoundException">No such series for this key.</exception>
    public Task<AppointmentSeries> MoveAsync(string id, string scope, int offsetMinutes, string? fromAppointmentId = null, CancellationToken ct = default) =>
        endpoints.ActionAsync(id, "move", ct,
            JsonSerializer.SerializeToUtf8Bytes(new SeriesMoveBody(scope, fromAppointmentId, offsetMinutes), LeapJsonContext.Default.SeriesMoveBody));
}
