using Leap.Server.Availability;
using Leap.Server.Clinicians;
using Leap.Server.Http;

namespace Leap.Server.Locations;

/// <summary>
/// Turns a create or update body into a location, and a closure body into a closure (the API's and the command line's
/// one path). A create requires the name; a PATCH changes only the fields present (null clears an optional one).
/// </summary>
public static class LocationValidation
{
    public const string DefaultTimezone = "Europe/London";

    public static Location Blank(string id, DateTimeOffset now) => new()
    {
        Id = id, Name = "", Timezone = DefaultTimezone, Country = "United Kingdom", IsActive = true, CreatedAt = now, UpdatedAt = now,
    };

    public static Location Apply(BodyReader r, Location current, bool creating, DateTimeOffset now)
    {
        string? Optional(string field, int max, string? existing) => r.Has(field) ? r.String(field, max) : existing;
        bool Flag(string field, bool existing) => r.Has(field) ? r.Bool(field, required: true) ?? existing : existing;

        var location = current with
        {
            Name = creating || r.Has("name") ? r.String("name", 200, required: true) ?? current.Name : current.Name,
            AddressLine1 = Optional("address_line_1", 200, current.AddressLine1),
            AddressLine2 = Optional("address_line_2", 200, current.AddressLine2),
            AddressLine3 = Optional("address_line_3", 200, current.AddressLine3),
            TownCity = Optional("town_city", 100, current.TownCity),
            Postcode = Optional("postcode", 16, current.Postcode)?.ToUpperInvariant(),
            Country = Optional("country", 100, current.Country),
            Phone = r.Has("phone") ? r.Phone("phone") : current.Phone,
            Email = r.Has("email") ? r.Email("email") : current.Email,
            Lat = r.Has("lat") ? r.Number("lat", -90, 90) : current.Lat,
            Lng = r.Has("lng") ? r.Number("lng", -180, 180) : current.Lng,
            Timezone = r.Has("timezone") ? Timezone(r) ?? current.Timezone : current.Timezone,
            OpeningHours = r.Has("opening_hours") ? OpeningHours(r) : current.OpeningHours,
            IsPrimary = Flag("is_primary", current.IsPrimary),
            IsActive = Flag("is_active", current.IsActive),
            UpdatedAt = now,
        };
        if (creating && !location.IsActive)
        {
            r.Fail("is_active", "a new location is active: create it, then deactivate it");
        }
        return location;
    }

    /// <summary>A closure of the location, whose dates are whole days in its time zone.</summary>
    public static LocationClosure ReadClosure(BodyReader r, string id, Location location, DateTimeOffset now)
    {
        var (start, end) = ScheduleValidation.ReadPeriod(r, LocalTimes.Zone(location.Timezone));
        return new LocationClosure
        {
            Id = id, LocationId = location.Id, StartTime = start, EndTime = end,
            Reason = r.Has("reason") ? r.Enum("reason", ScheduleValues.ClosureReasons, required: true) ?? "closed" : "closed",
            Note = r.String("note", ScheduleValidation.MaxNoteLength, multiline: true), CreatedAt = now,
        };
    }

    private static string? Timezone(BodyReader r)
    {
        var id = r.String("timezone", 64, required: true);
        if (id is not null && LocalTimes.FindZone(id) is null)
        {
            r.Fail("timezone", $"'{id}' is not an IANA time zone id such as {DefaultTimezone}");
            return null;
        }
        return id;
    }

    /// <summary>Each weekday <c>{"open": "HH:MM", "close": "HH:MM"}</c>, or null (or left out) when closed.</summary>
    private static OpeningHours? OpeningHours(BodyReader r)
    {
        var hours = r.Object("opening_hours");
        if (hours is null)
        {
            return null;
        }
        var days = ScheduleValues.Weekdays.Select(day =>
        {
            var times = hours.Object(day);
            if (times is null)
            {
                return null;
            }
            var open = ScheduleValidation.LocalTime(times, "open");
            var close = ScheduleValidation.LocalTime(times, "close");
            if (open is not null && close is not null && string.CompareOrdinal(close, open) <= 0)
            {
                times.Fail("close", "must be after open");
            }
            return open is null || close is null ? null : new DayHours(open, close);
        }).ToArray();
        return new OpeningHours(days[0], days[1], days[2], days[3], days[4], days[5], days[6]);
    }
}
