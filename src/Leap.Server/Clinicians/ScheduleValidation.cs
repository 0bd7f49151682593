using System.Globalization;
using Leap.Server.Availability;
using Leap.Server.Http;

namespace Leap.Server.Clinicians;

/// <summary>
/// Reads sessions and time away (blocks, and locations' closures) from a body: the API's and the command line's one
/// path, so both refuse the same things with the same words.
/// </summary>
public static class ScheduleValidation
{
    public const int MaxNoteLength = 500;

    public static ClinicianSession BlankSession(string id, string clinicianId, DateTimeOffset now) => new()
    {
        Id = id, ClinicianProfileId = clinicianId, LocationId = "", StartTime = "", EndTime = "", CreatedAt = now, UpdatedAt = now,
    };

    /// <summary>
    /// A session as created (<c>location_id</c>, <c>weekday</c> or <c>date</c>, <c>start_time</c>, <c>end_time</c>, for a weekly one
    /// <c>valid_from</c> and <c>valid_until</c>) or as a PATCH changes it; a session stays weekly or one-off.
    /// </summary>
    public static ClinicianSession ApplySession(BodyReader r, ClinicianSession current, bool creating, DateTimeOffset now)
    {
        var weekday = r.Has("weekday") ? r.Enum("weekday", ScheduleValues.Weekdays) : current.Weekday;
        var date = r.Has("date") ? r.Date("date") : current.Date;
        var session = current with
        {
            LocationId = creating || r.Has("location_id") ? r.Id("location_id", Ids.Location, required: true) ?? current.LocationId : current.LocationId,
            Weekday = weekday,
            Date = date,
            StartTime = creating || r.Has("start_time") ? LocalTime(r, "start_time") ?? current.StartTime : current.StartTime,
            EndTime = creating || r.Has("end_time") ? LocalTime(r, "end_time") ?? current.EndTime : current.EndTime,
            ValidFrom = r.Has("valid_from") ? r.Date("valid_from") : current.ValidFrom,
            ValidUntil = r.Has("valid_until") ? r.Date("valid_until") : current.ValidUntil,
            UpdatedAt = now,
        };
        if (!creating && (current.Weekday is not null ? date is not null : weekday is not null))
        {
            r.Fail(current.Weekday is null ? "weekday" : "date",
                $"a {current.Type.Replace('_', '-')} session stays one: delete it and add a new session instead");
        }
        else if (weekday is not null && date is not null)
        {
            r.Fail("date", "send weekday (every week) or date (once), not both");
        }
        else if (weekday is null && date is null && !r.Failed("weekday") && !r.Failed("date"))
        {
            r.Fail("weekday", "is required: send weekday (every week) or date (once)");
        }
        if (date is not null && (session.ValidFrom is not null || session.ValidUntil is not null))
        {
            r.Fail(session.ValidFrom is not null ? "valid_from" : "valid_until", "applies to weekly sessions only");
        }
        if (session.StartTime.Length > 0 && session.EndTime.Length > 0 && string.CompareOrdinal(session.EndTime, session.StartTime) <= 0)
        {
            r.Fail("end_time", "must be after start_time (a session lies within one day)");
        }
        if (session.ValidFrom > session.ValidUntil)
        {
            r.Fail("valid_until", "must not be before valid_from");
        }
        return session;
    }

    /// <summary>A block (time away) of a clinician whose dates are read in <paramref name="zone"/>.</summary>
    public static ClinicianBlock ReadBlock(BodyReader r, string id, string clinicianId, TimeZoneInfo zone, DateTimeOffset now)
    {
        var (start, end) = ReadPeriod(r, zone);
        return new ClinicianBlock
        {
            Id = id, ClinicianProfileId = clinicianId, StartTime = start, EndTime = end,
            Reason = r.Has("reason") ? r.Enum("reason", ScheduleValues.BlockReasons, required: true) ?? "leave" : "leave",
            Note = r.String("note", MaxNoteLength, multiline: true), CreatedAt = now,
        };
    }

    /// <summary>
    /// <c>start_time</c> and <c>end_time</c> of time away: each an ISO 8601 date-time with its offset, or a date, which means
    /// whole local days in <paramref name="zone"/> (an end date is included: 2026-08-03 to 2026-08-07 is five days).
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset End) ReadPeriod(BodyReader r, TimeZoneInfo zone)
    {
        var start = Instant(r, "start_time", zone, endOfDay: false);
        var end = Instant(r, "end_time", zone, endOfDay: true);
        if (start is { } from && end is { } to && to <= from)
        {
            r.Fail("end_time", "must be after start_time");
        }
        return (start ?? default, end ?? default);
    }

    private static DateTimeOffset? Instant(BodyReader r, string field, TimeZoneInfo zone, bool endOfDay)
    {
        var text = r.String(field, 40, required: true);
        if (text is null)
        {
            return null;
        }
        DateTimeOffset instant;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            instant = LocalTimes.ToInstant(endOfDay ? date.AddDays(1) : date, TimeOnly.MinValue, zone);
        }
        else if (!BodyReader.TryParseTimestamp(text, out instant))
        {
            r.Fail(field, "must be a date (YYYY-MM-DD, whole local days) or an ISO 8601 date-time with a UTC offset");
            return null;
        }
        if (!AvailabilityValidation.InRange(DateOnly.FromDateTime(instant.UtcDateTime)))
        {
            r.Fail(field, AvailabilityValidation.OutOfRange);
            return null;
        }
        return instant;
    }

    /// <summary>A required local time "HH:MM".</summary>
    public static string? LocalTime(BodyReader r, string field)
    {
        var text = r.String(field, 5, required: true);
        if (text is not null && !TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            r.Fail(field, "must be a local time HH:MM (00:00 to 23:59)");
            return null;
        }
        return text;
    }
}
