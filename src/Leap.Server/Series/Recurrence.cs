using Leap.Server.Availability;
using Leap.Server.Clinicians;

namespace Leap.Server.Series;

/// <summary>
/// How a series repeats, a small subset of iCalendar's RRULE (RFC 5545): every <see cref="Interval"/> days, weeks or
/// months, for <see cref="Count"/> occurrences or until the local date <see cref="Until"/> (inclusive), weekly on the
/// <see cref="ByWeekday"/> days. Occurrences keep the first one's wall-clock time in the location's time zone.
/// </summary>
public sealed record Recurrence
{
    public const string Daily = "daily";
    public const string Weekly = "weekly";
    public const string Monthly = "monthly";
    public const int MaxOccurrences = 52;
    public const int MaxInterval = 99;

    public static readonly IReadOnlyList<string> Frequencies = [Daily, Weekly, Monthly];

    /// <summary>No occurrence may start from this local date on (bookings end before 2100).</summary>
    private static readonly DateOnly End = new(2100, 1, 1);

    public required string Frequency { get; init; }
    public int Interval { get; init; } = 1;
    public int? Count { get; init; }
    public DateOnly? Until { get; init; }
    public IReadOnlyList<string>? ByWeekday { get; init; }

    /// <summary>
    /// The occurrences' start instants, the first at <paramref name="first"/>. Stops at <see cref="MaxOccurrences"/>
    /// plus one, so the caller can tell a rule that makes too many.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> Starts(DateTimeOffset first, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(first, zone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        return [.. Dates(DateOnly.FromDateTime(local)).Select((date, i) => i == 0 ? first : LocalTimes.ToInstant(date, time, zone))];
    }

    /// <summary>The local dates of the occurrences, starting with <paramref name="first"/>.</summary>
    public IReadOnlyList<DateOnly> Dates(DateOnly first)
    {
        var dates = new List<DateOnly>();
        var limit = Math.Min(Count ?? MaxOccurrences + 1, MaxOccurrences + 1);
        foreach (var date in Candidates(first))
        {
            if (date >= End || (Until is { } until && date > until) || dates.Count == limit)
            {
                break;
            }
            dates.Add(date);
        }
        return dates;
    }

    /// <summary>Every date the rule names from <paramref name="first"/> on, in order, without end.</summary>
    private IEnumerable<DateOnly> Candidates(DateOnly first)
    {
        switch (Frequency)
        {
            case Daily:
                for (var date = first; ; date = date.AddDays(Interval))
                {
                    yield return date;
                }
            case Weekly:
                var days = (ByWeekday ?? [ScheduleValues.WeekdayOf(first.DayOfWeek)]).ToHashSet();
                // Weeks start on Monday (iCalendar's default WKST), so "every 2 weeks on Monday and Friday" pairs them.
                for (var monday = first.AddDays(-(((int)first.DayOfWeek + 6) % 7)); ; monday = monday.AddDays(7 * Interval))
                {
                    foreach (var date in Enumerable.Range(0, 7).Select(monday.AddDays).Where(d => d >= first && days.Contains(ScheduleValues.WeekdayOf(d.DayOfWeek))))
                    {
                        yield return date;
                    }
                }
            default:
                // A month without the first date's day (the 31st, 29 February) is skipped, as iCalendar does.
                for (var month = new DateOnly(first.Year, first.Month, 1); month < End; month = month.AddMonths(Interval))
                {
                    if (first.Day <= DateTime.DaysInMonth(month.Year, month.Month))
                    {
                        yield return new DateOnly(month.Year, month.Month, first.Day);
                    }
                }
                break;
        }
    }
}
