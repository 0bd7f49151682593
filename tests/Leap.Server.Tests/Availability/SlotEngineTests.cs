using Leap.Server.Availability;

namespace Leap.Server.Tests.Availability;

/// <summary>The slot engine's rules on plain values (no database): grid, buffers, busy time, limits and order.</summary>
public sealed class SlotEngineTests
{
    private static readonly DateTimeOffset Day = new(2026, 6, 8, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = Day.AddDays(-7);

    private static BookingRules Rules(int duration = 30, int before = 0, int after = 0, int minNoticeMinutes = 0, int maxAdvanceDays = 90) =>
        new("tmpl_1", "Consultation", TimeSpan.FromMinutes(duration), TimeSpan.FromMinutes(before), TimeSpan.FromMinutes(after),
            TimeSpan.FromMinutes(minNoticeMinutes), TimeSpan.FromDays(maxAdvanceDays));

    private static SlotEngine.Stretch Stretch(string clinician, string from, string to, string name = "Dr A", string location = "loc_1") =>
        new(clinician, name, location, At(from), At(to));

    private static DateTimeOffset At(string time) => Day + TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture).ToTimeSpan();

    private static BusyIntervals Busy(params (string Clinician, string From, string To)[] intervals)
    {
        var clinicians = intervals.Select(i => i.Clinician).Distinct().ToList();
        using var builder = new BusyIntervals.Builder(clinicians);
        foreach (var (clinician, from, to) in intervals)
        {
            builder.Add(clinicians.IndexOf(clinician), At(from).UtcTicks, At(to).UtcTicks);
        }
        return builder.Build();
    }

    private static List<string> Starts(SlotList slots) =>
        Enumerable.Range(0, slots.Count).Select(i => slots[i].StartTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void A_closure_cuts_the_stretches_at_its_location_in_two_or_away_and_leaves_other_locations_alone()
    {
        var stretches = new[] { Stretch("cli_a", "09:00", "17:00"), Stretch("cli_b", "09:00", "12:00"), Stretch("cli_a", "09:00", "17:00", location: "loc_2") };
        var open = SlotEngine.Open(stretches, [new Closure("loc_1", At("12:00"), At("13:00")), new Closure("loc_1", At("08:00"), At("12:30"))]);

        Assert.Equal(
            [("cli_a", "loc_1", "13:00", "17:00"), ("cli_a", "loc_2", "09:00", "17:00")],
            open.Select(s => (s.ClinicianId, s.LocationId, s.Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                s.End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture))).OrderBy(s => s.LocationId, StringComparer.Ordinal));
        Assert.Same(stretches, SlotEngine.Open(stretches, []));
    }

    [Fact]
    public void A_slot_in_a_closure_is_refused_as_closed_and_the_message_gives_its_times()
    {
        var check = new SlotEngine(Rules(), Now).Check(At("10:00"), [Stretch("cli_a", "09:00", "17:00")], null, [],
            [new Closure("loc_1", At("10:15"), At("11:00"))]);

        Assert.Equal((false, SlotReasons.Closed), (check.Available, check.Reason));
        Assert.Contains("2026-06-08T10:15Z", check.Message);
    }

    [Fact]
    public void Starts_every_15_minutes_and_a_slot_ends_inside_the_stretch()
    {
        using var slots = new SlotEngine(Rules(), Now).FreeSlots([Stretch("cli_a", "09:00", "10:15")], BusyIntervals.None);

        Assert.Equal(["09:00", "09:15", "09:30", "09:45"], Starts(slots));
        Assert.Equal(At("09:30"), slots[0].EndTime);
        Assert.Equal(new Slot(At("09:45"), At("10:15"), "cli_a", "Dr A", "loc_1", "tmpl_1", true), slots[3]);
    }

    [Fact]
    public void A_short_template_steps_by_its_duration()
    {
        using var slots = new SlotEngine(Rules(duration: 10), Now).FreeSlots([Stretch("cli_a", "09:00", "09:40")], BusyIntervals.None);

        Assert.Equal(["09:00", "09:10", "09:20", "09:30"], Starts(slots));
    }

    [Fact]
    public void Buffered_slots_avoid_busy_time_and_may_touch_it()
    {
        // Busy 09:30-10:00. With a 5-minute before- and 10-minute after-buffer a start t needs [t - 5, t + 40) clear.
        var busy = Busy(("cli_a", "09:30", "10:00"));
        using var slots = new SlotEngine(Rules(before: 5, after: 10), Now).FreeSlots([Stretch("cli_a", "08:45", "11:00")], busy);

        // The grid from 08:45 first offers 09:00 (08:45 would need 08:40); 09:00 to 10:00 touch the busy time (10:00 needs
        // 09:55); 10:15 needs 10:10-10:55, free; 10:30 would need until 11:10, past the stretch.
        Assert.Equal(["10:15"], Starts(slots));
    }

    [Fact]
    public void Overlapping_and_touching_busy_intervals_are_merged_and_other_clinicians_time_is_ignored()
    {
        var busy = Busy(("cli_a", "09:15", "09:45"), ("cli_a", "09:00", "09:30"), ("cli_a", "09:45", "10:00"), ("cli_b", "10:00", "12:00"),
            ("cli_a", "10:30", "10:45"));
        using var slots = new SlotEngine(Rules(duration: 15), Now).FreeSlots([Stretch("cli_a", "09:00", "11:00")], busy);

        Assert.Equal(["10:00", "10:15", "10:45"], Starts(slots));
    }

    [Fact]
    public void Slots_at_one_start_are_ordered_by_clinician_name_then_id_then_location()
    {
        SlotEngine.Stretch[] stretches =
        [
            Stretch("cli_b", "09:00", "09:30", name: "Dr Same", location: "loc_2"),
            Stretch("cli_c", "09:00", "09:30", name: "Dr Able"),
            Stretch("cli_b", "09:00", "09:30", name: "Dr Same", location: "loc_1"),
            Stretch("cli_a", "09:00", "09:30", name: "Dr Same", location: "loc_9"),
            Stretch("cli_d", "08:30", "09:00", name: "Dr Zed"),
        ];
        using var slots = new SlotEngine(Rules(), Now).FreeSlots(stretches, BusyIntervals.None);

        Assert.Equal(
            [("08:30", "cli_d", "loc_1"), ("09:00", "cli_c", "loc_1"), ("09:00", "cli_a", "loc_9"), ("09:00", "cli_b", "loc_1"), ("09:00", "cli_b", "loc_2")],
            Enumerable.Range(0, slots.Count).Select(i => (slots[i].StartTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                slots[i].ClinicianProfileId, slots[i].LocationId)));
        Assert.Equal(["Dr Able", "Dr Same", "Dr Same", "Dr Same", "Dr Zed"], slots.Owners.Select(o => o.ClinicianName));
    }

    [Fact]
    public void Notice_and_advance_limits_cut_the_grid()
    {
        var now = At("08:50");
        using var slots = new SlotEngine(Rules(minNoticeMinutes: 30, maxAdvanceDays: 1), now)
            .FreeSlots([Stretch("cli_a", "09:00", "10:00"), new SlotEngine.Stretch("cli_a", "Dr A", "loc_1", At("08:30").AddDays(1), At("10:00").AddDays(1))],
                BusyIntervals.None);

        // Not before 09:20 (so 09:30 on the grid), not after 08:50 tomorrow.
        Assert.Equal(["09:30", "08:30", "08:45"], Starts(slots));
    }

    [Fact]
    public void Nothing_to_offer_is_an_empty_list()
    {
        using var none = new SlotEngine(Rules(), Now).FreeSlots([], BusyIntervals.None);
        using var tooShort = new SlotEngine(Rules(duration: 60), Now).FreeSlots([Stretch("cli_a", "09:00", "09:45")], BusyIntervals.None);

        Assert.Equal(0, none.Count);
        Assert.Equal(0, tooShort.Count);
    }
}
