using System.Globalization;
using Leap.Server.Appointments;
using Leap.Server.Availability;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Clinicians;

/// <summary>
/// Future appointments a directory edit would strand: leave outside the clinician's working time (a session removed or
/// shortened, leave or a closure over them) or with a clinician or location no longer active. Such an edit is refused
/// with their ids unless the request says <c>"force": true</c>; forced, the appointments stay booked and the answer
/// lists them (docs/directory.md, "Stranded appointments"). Appointments are never dropped.
/// </summary>
public static class Stranding
{
    public const string ForceField = "force";

    /// <summary>Whether the write may strand appointments: the body's <c>force</c>.</summary>
    public static bool ReadForce(BodyReader r) => r.Bool(ForceField) ?? false;

    /// <summary>An active appointment that has not started yet.</summary>
    public sealed record Booked
    {
        public required string Id { get; init; }
        public string? ClinicianProfileId { get; init; }
        public string? LocationId { get; init; }
        public DateTimeOffset StartTime { get; init; }
        public DateTimeOffset EndTime { get; init; }
    }

    /// <summary>
    /// The active appointments not started by <paramref name="now"/> of the clinician or at the location, overlapping
    /// [<paramref name="from"/>, <paramref name="to"/>) when given.
    /// </summary>
    public static Task<IReadOnlyList<Booked>> FutureAsync(TenantDb db, string? clinicianId, string? locationId, DateTimeOffset now,
        CancellationToken ct, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var parameters = new SqlArgs(new { clinicianId, locationId, now, from, to });
        var statuses = parameters.In("status", AppointmentStatuses.Bookable);
        var owner = clinicianId is not null ? "clinician_profile_id = @clinicianId" : "location_id = @locationId";
        var during = from is null ? "" : " AND start_time < @to AND end_time > @from";
        return db.ListAsync<Booked>(
            $"""
            SELECT id, clinician_profile_id, location_id, start_time, end_time FROM appointments
            WHERE {owner} AND {TenantSql.Filter} AND status IN {statuses} AND start_time >= @now{during}
            ORDER BY start_time, id
            """,
            parameters, ct);
    }

    /// <summary>
    /// The future appointments of the clinician (or at the location) that lie within the clinicians' sessions now and
    /// would not once <paramref name="change"/> is applied to those sessions. Appointments already outside them (booked
    /// by the practice off the rota) are not the edit's doing.
    /// </summary>
    public static async Task<IReadOnlyList<Booked>> UncoveredAsync(TenantDb db, string? clinicianId, string? locationId,
        Func<IReadOnlyList<ScheduledSession>, IEnumerable<ScheduledSession>> change, DateTimeOffset now, CancellationToken ct)
    {
        var booked = (await FutureAsync(db, clinicianId, locationId, now, ct)).Where(b => b.ClinicianProfileId is not null).ToList();
        if (booked.Count == 0)
        {
            return [];
        }
        var before = await AvailabilityStore.AllSessionsAsync(db, booked.Select(b => b.ClinicianProfileId!).Distinct().ToList(), ct);
        var after = change(before).ToList();
        return booked.Where(b => Covered(b, before) && !Covered(b, after)).ToList();
    }

    /// <summary>
    /// Refuses the edit (409 CONFLICT listing them) when it strands appointments, unless forced; otherwise the ids for
    /// the answer's <c>stranded_appointment_ids</c> (null when there are none).
    /// </summary>
    public static IReadOnlyList<string>? Check(IReadOnlyList<Booked> stranded, bool force, string change)
    {
        if (stranded.Count == 0)
        {
            return null;
        }
        var ids = stranded.Select(b => b.Id).ToList();
        if (force)
        {
            return ids;
        }
        throw new ApiException(409, ErrorCodes.Conflict,
            $"{(stranded.Count == 1 ? "1 future appointment" : $"{stranded.Count} future appointments")} would be left {change}: " +
            "see error.stranded_appointment_ids. Move or cancel them first, or send \"force\": true to make the change and keep them booked.")
        {
            Details = stranded.Select(b => new FieldError(ForceField, $"{b.Id} ({Format(b.StartTime)} to {Format(b.EndTime)}) would be left {change}")).ToList(),
            StrandedAppointmentIds = ids,
        };
    }

    private static bool Covered(Booked booked, IReadOnlyList<ScheduledSession> sessions)
    {
        var day = DateOnly.FromDateTime(booked.StartTime.UtcDateTime);
        return SlotEngine.Stretches(sessions.Where(s => s.Session.ClinicianProfileId == booked.ClinicianProfileId), day.AddDays(-1), day.AddDays(1))
            .Any(s => s.Start <= booked.StartTime && booked.EndTime <= s.End && (booked.LocationId is null || s.LocationId == booked.LocationId));
    }

    private static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
