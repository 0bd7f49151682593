using Leap.Server.Availability;
using Leap.Server.Series;

namespace Leap.Server.Tests.Series;

/// <summary>The expansion of a series' rule into local dates and instants (pure code, no server).</summary>
public sealed class RecurrenceTests
{
    private static readonly TimeZoneInfo London = LocalTimes.Zone("Europe/London");

    private static List<string> Dates(Recurrence rule, string first) =>
        rule.Dates(DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture)).Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void Daily_every_second_day_for_a_count() =>
        Assert.Equal(["2027-01-30", "2027-02-01", "2027-02-03"], Dates(new Recurrence { Frequency = "daily", Interval = 2, Count = 3 }, "2027-01-30"));

    [Fact]
    public void Weekly_on_chosen_days_every_other_week_counts_from_the_first_date() =>
        Assert.Equal(["2027-03-03", "2027-03-04", "2027-03-15", "2027-03-17", "2027-03-18"],
            Dates(new Recurrence { Frequency = "weekly", Interval = 2, Count = 5, ByWeekday = ["monday", "wednesday", "thursday"] }, "2027-03-03"));

    [Fact]
    public void Monthly_skips_months_without_the_day_and_until_is_inclusive() =>
        Assert.Equal(["2027-01-31", "2027-03-31", "2027-05-31"],
            Dates(new Recurrence { Frequency = "monthly", Until = new DateOnly(2027, 5, 31) }, "2027-01-31"));

    [Fact]
    public void A_rule_that_makes_too_many_stops_one_past_the_limit() =>
        Assert.Equal(Recurrence.MaxOccurrences + 1, Dates(new Recurrence { Frequency = "daily", Until = new DateOnly(2028, 1, 1) }, "2027-01-01").Count);

    [Fact]
    public void Weekly_keeps_the_london_wall_clock_across_both_changes()
    {
        var spring = new Recurrence { Frequency = "weekly", Count = 3 }.Starts(new DateTimeOffset(2027, 3, 22, 9, 0, 0, TimeSpan.Zero), London);
        Assert.Equal([new(2027, 3, 22, 9, 0, 0, TimeSpan.Zero), new(2027, 3, 29, 8, 0, 0, TimeSpan.Zero), new(2027, 4, 5, 8, 0, 0, TimeSpan.Zero)], spring);
        var autumn = new Recurrence { Frequency = "weekly", Count = 2 }.Starts(new DateTimeOffset(2027, 10, 25, 8, 30, 0, TimeSpan.Zero), London);
        Assert.Equal([new(2027, 10, 25, 8, 30, 0, TimeSpan.Zero), new(2027, 11, 1, 9, 30, 0, TimeSpan.Zero)], autumn);
    }
}
