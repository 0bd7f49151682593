using Leap.Server.Appointments;
using Leap.Server.Clinicians;
using Leap.Server.Http;

namespace Leap.Server.Series;

/// <summary>The rules of a series body beyond an appointment's own (read by <see cref="AppointmentValidation"/>).</summary>
public static class SeriesValidation
{
    public const string All = "all";
    public const string Following = "following";
    public static readonly IReadOnlyList<string> Scopes = [All, Following];

    /// <summary><c>recurrence</c> and <c>skip_conflicts</c>.</summary>
    public static (Recurrence? Rule, bool SkipConflicts) Read(BodyReader r)
    {
        var rule = r.Object("recurrence", required: true);
        Recurrence? recurrence = null;
        if (rule is not null)
        {
            var frequency = rule.Enum("frequency", Recurrence.Frequencies, required: true);
            var interval = rule.Int("interval", 1, Recurrence.MaxInterval) ?? 1;
            var count = rule.Int("count", 1, Recurrence.MaxOccurrences);
            var until = rule.Date("until");
            var days = rule.StringList("by_weekday", maxItems: 7, maxLength: 9);
            if (count is not null && until is not null)
            {
                rule.Fail("until", "send count or until, not both");
            }
            else if (count is null && until is null && !rule.Failed("count") && !rule.Failed("until"))
            {
                rule.Fail("count", $"send count (1 to {Recurrence.MaxOccurrences}) or until (a date)");
            }
            if (days is not null)
            {
                if (frequency != Recurrence.Weekly)
                {
                    rule.Fail("by_weekday", "is only for a weekly series");
                }
                else if (days.Count == 0 || days.FirstOrDefault(d => !ScheduleValues.Weekdays.Contains(d)) is not null)
                {
                    rule.Fail("by_weekday", "must list weekdays: monday, tuesday, wednesday, thursday, friday, saturday, sunday");
                }
            }
            if (frequency is not null)
            {
                recurrence = new Recurrence
                {
                    Frequency = frequency, Interval = interval, Count = count, Until = until,
                    ByWeekday = days is null ? null : [.. ScheduleValues.Weekdays.Where(days.Contains)],
                };
            }
        }
        return (recurrence, r.Bool("skip_conflicts") ?? false);
    }

    /// <summary>
    /// The occurrences' start times, expanded in the location's zone: at most <see cref="Recurrence.MaxOccurrences"/>,
    /// the first on one of the rule's weekdays, none overlapping the next (buffers included).
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> Expand(BodyReader r, Recurrence rule, Appointment first, TimeZoneInfo zone)
    {
        var starts = rule.Starts(first.StartTime, zone);
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(first.StartTime, zone).DateTime);
        if (rule.ByWeekday is { } days && !days.Contains(ScheduleValues.WeekdayOf(firstDay.DayOfWeek)))
        {
            r.Fail("recurrence.by_weekday", $"must include the day of start_time ({ScheduleValues.WeekdayOf(firstDay.DayOfWeek)} in {zone.Id})");
        }
        if (rule.Until < firstDay)
        {
            r.Fail("recurrence.until", $"must not be before the date of start_time ({firstDay:yyyy-MM-dd} in {zone.Id})");
        }
        else if (starts.Count > Recurrence.MaxOccurrences)
        {
            r.Fail("recurrence.until", $"gives more than {Recurrence.MaxOccurrences} occurrences; a series has at most {Recurrence.MaxOccurrences}");
        }
        var busy = first.BusyEnd - first.BusyStart;
        if (starts.Zip(starts.Skip(1)).Any(pair => pair.Second - pair.First < busy))
        {
            r.Fail("recurrence", "its occurrences would overlap each other (buffers included)");
        }
        return starts;
    }

    /// <summary>A move's <c>offset_minutes</c>: up to a week either way, not 0.</summary>
    public static int ReadOffset(BodyReader r)
    {
        var offset = r.Int("offset_minutes", -7 * 24 * 60, 7 * 24 * 60, required: true) ?? 0;
        if (offset == 0 && !r.Failed("offset_minutes"))
        {
            r.Fail("offset_minutes", "must not be 0");
        }
        return offset;
    }

    /// <summary>A series action's <c>scope</c> and <c>from_appointment_id</c> (required for <c>following</c>).</summary>
    public static (string? Scope, string? From) ReadScope(BodyReader r)
    {
        var scope = r.Enum("scope", Scopes, required: true);
        var from = r.Id("from_appointment_id", Ids.Appointment, required: scope == Following);
        if (from is not null && scope == All)
        {
            r.Fail("from_appointment_id", "is only for scope following");
        }
        return (scope, from);
    }
}
