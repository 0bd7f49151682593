using System.Globalization;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Availability;

/// <summary>One slot as a request names it (verify, holds): the template's rules, the clinician, the start and maybe the location.</summary>
public sealed record SlotRequest(BookingRules Rules, string ClinicianId, string? LocationId, DateTimeOffset Start);

public static class AvailabilityValidation
{
    /// <summary>Dates outside this century are refused (as appointment times are): nothing real lies there.</summary>
    public static readonly DateOnly FirstDate = new(2000, 1, 1);
    public static readonly DateOnly LastDate = new(2099, 12, 31);

    public static string OutOfRange => $"must be between {FirstDate:yyyy-MM-dd} and {LastDate:yyyy-MM-dd}";

    public static bool InRange(DateOnly date) => date >= FirstDate && date <= LastDate;

    /// <summary>
    /// Reads a slot from a body and checks what it names (422 listing every problem). The current field names
    /// are <c>appointment_template_id</c>, <c>clinician_profile_id</c>, <c>location_id</c> and an ISO 8601
    /// <c>start_time</c>; Jump's first-generation hold body also works: <c>appointment_type_id</c>,
    /// <c>clinician_id</c>, and <c>date</c> with a local <c>start_time</c> ("HH:MM" at the location).
    /// </summary>
    public static async Task<SlotRequest> ReadSlotAsync(BodyReader r, TenantDb db, AvailabilityService availability, CancellationToken ct,
        bool includeOffline = false)
    {
        var names = ReadNames(r);
        var (rules, found) = await availability.ResolveAsync(db, names.TemplateId, names.ClinicianId, names.LocationId, r.Fail, ct,
            names.TemplateField, names.ClinicianField, includeOffline);
        var start = r.Has("date") ? ReadLocalStart(r, names.LocationId is null ? found.ClinicianTimezone : found.LocationTimezone) : ReadStart(r);
        r.ThrowIfInvalid();
        return new SlotRequest(rules!, names.ClinicianId!, names.LocationId, start!.Value);
    }

    /// <summary>A slot body as documented: the current generation's names and an ISO 8601 start (the first generation's are in docs/holds.md).</summary>
    public static void DescribeSlot(BodyReader r)
    {
        ReadNames(r);
        ReadStart(r);
    }

    private sealed record Names(string TemplateField, string ClinicianField, string? TemplateId, string? ClinicianId, string? LocationId);

    private static Names ReadNames(BodyReader r)
    {
        var templateField = r.Has("appointment_template_id") || !r.Has("appointment_type_id") ? "appointment_template_id" : "appointment_type_id";
        var clinicianField = r.Has("clinician_profile_id") || !r.Has("clinician_id") ? "clinician_profile_id" : "clinician_id";
        return new Names(templateField, clinicianField, r.Id(templateField, Ids.AppointmentTemplate, required: true),
            r.Id(clinicianField, Ids.Clinician, required: true), r.Id("location_id", Ids.Location));
    }

    private static DateTimeOffset? ReadStart(BodyReader r)
    {
        var start = r.Timestamp("start_time", required: true);
        if (start is { } instant && !InRange(DateOnly.FromDateTime(instant.UtcDateTime)))
        {
            r.Fail("start_time", OutOfRange);
            return null;
        }
        return start;
    }

    private static DateTimeOffset? ReadLocalStart(BodyReader r, string? timezone)
    {
        var date = r.Date("date", required: true);
        if (date is { } day && !InRange(day))
        {
            r.Fail("date", OutOfRange);
            date = null;
        }
        var text = r.String("start_time", 5, required: true);
        TimeOnly time = default;
        if (text is not null && !TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
        {
            r.Fail("start_time", "must be a local time \"HH:MM\" when date is given (or leave out date and send an ISO 8601 start_time)");
            return null;
        }
        if (date is null || text is null || r.Errors.Any(e => e.Field is "location_id" or "clinician_id" or "clinician_profile_id"))
        {
            return null;
        }
        if (timezone is null)
        {
            r.Fail("location_id", "is required with a local date and start_time: it says which time zone they are in");
            return null;
        }
        return LocalTimes.ToInstant(date.Value, time, LocalTimes.Zone(timezone));
    }
}
