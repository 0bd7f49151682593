using System.Globalization;
using Leap.Server.Appointments;
using Leap.Server.Clinicians;

namespace Leap.Server.Availability;

/// <summary>A session with what the engine needs from its clinician and location.</summary>
public readonly record struct ScheduledSession(ClinicianSession Session, string ClinicianName, string Timezone);

/// <summary>Time a clinician is not free: an appointment or hold (buffers included), or a block.</summary>
public readonly record struct BusyTime(string ClinicianId, DateTimeOffset Start, DateTimeOffset End);

/// <summary>One clinician's busy interval, saying what it is: an appointment, a hold or a block.</summary>
public sealed record BusyRow
{
    public const string BlockKind = "block";

    public required string Id { get; init; }
    public required string Kind { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
}

/// <summary>
/// Computes free slots in memory from sessions and busy time loaded for the range (the rules are in
/// docs/availability.md). A slot at <c>t</c> is free when its buffered interval
/// <c>[t - buffer_before, t + duration + buffer_after)</c> lies inside one of the clinician's sessions at the
/// location and overlaps no busy time, and <c>t</c> is within the template's notice and advance limits.
/// </summary>
public sealed class SlotEngine
{
    private readonly BookingRules rules;
    private readonly DateTimeOffset now;
    private readonly DateTimeOffset earliest;
    private readonly DateTimeOffset latest;

    public SlotEngine(BookingRules rules, DateTimeOffset now)
    {
        this.rules = rules;
        this.now = now;
        earliest = now + rules.MinNotice;
        latest = now + rules.MaxAdvance;
    }

    /// <summary>One working stretch of one clinician at one location, as instants.</summary>
    public readonly record struct Stretch(string ClinicianId, string ClinicianName, string LocationId, DateTimeOffset Start, DateTimeOffset End);

    /// <summary>
    /// The sessions' occurrences on the local dates <paramref name="from"/>..<paramref name="to"/>, merged where they
    /// overlap or touch (a morning and an afternoon session make one stretch), ordered by start.
    /// </summary>
    public static IReadOnlyList<Stretch> Stretches(IEnumerable<ScheduledSession> sessions, DateOnly from, DateOnly to)
    {
        var occurrences = new List<Stretch>();
        foreach (var (session, clinicianName, timezone) in sessions)
        {
            var zone = LocalTimes.Zone(timezone);
            var start = TimeOnly.ParseExact(session.StartTime, "HH:mm", CultureInfo.InvariantCulture);
            var end = TimeOnly.ParseExact(session.EndTime, "HH:mm", CultureInfo.InvariantCulture);
            foreach (var date in Dates(session, from, to))
            {
                occurrences.Add(new Stretch(session.ClinicianProfileId, clinicianName, session.LocationId,
                    LocalTimes.ToInstant(date, start, zone), LocalTimes.ToInstant(date, end, zone)));
            }
        }
        var merged = new List<Stretch>(occurrences.Count);
        foreach (var group in occurrences.GroupBy(o => (o.ClinicianId, o.LocationId)))
        {
            Stretch? current = null;
            foreach (var next in group.OrderBy(o => o.Start))
            {
                if (current is { } c && next.Start <= c.End)
                {
                    current = c with { End = next.End > c.End ? next.End : c.End };
                    continue;
                }
                if (current is { } done)
                {
                    merged.Add(done);
                }
                current = next;
            }
            if (current is { } last)
            {
                merged.Add(last);
            }
        }
        merged.Sort((a, b) => a.Start.CompareTo(b.Start));
        return merged;
    }

    private static IEnumerable<DateOnly> Dates(ClinicianSession session, DateOnly from, DateOnly to)
    {
        if (session.Date is { } once)
        {
            if (once >= from && once <= to)
            {
                yield return once;
            }
            yield break;
        }
        var first = session.ValidFrom is { } validFrom && validFrom > from ? validFrom : from;
        var last = session.ValidUntil is { } validUntil && validUntil < to ? validUntil : to;
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            if (ScheduleValues.WeekdayOf(date.DayOfWeek) == session.Weekday)
            {
                yield return date;
            }
        }
    }

    /// <summary>Every free slot in the stretches, ordered by start time, clinician name, clinician and location.</summary>
    public List<Slot> FreeSlots(IReadOnlyList<Stretch> stretches, IEnumerable<BusyTime> busy)
    {
        var obstacles = busy.GroupBy(b => b.ClinicianId).ToDictionary(g => g.Key, Obstacles.From);
        // Slots at one start are listed by clinician name, then id, then location: rank the stretches' owners once.
        var ranks = stretches.Select(s => (s.ClinicianName, s.ClinicianId, s.LocationId)).Distinct()
            .Order(Comparer<(string, string, string)>.Create(static (a, b) =>
            {
                var order = string.CompareOrdinal(a.Item1, b.Item1);
                order = order != 0 ? order : string.CompareOrdinal(a.Item2, b.Item2);
                return order != 0 ? order : string.CompareOrdinal(a.Item3, b.Item3);
            }))
            .Select((owner, rank) => (owner, rank)).ToDictionary(x => x.owner, x => x.rank);
        // The loop runs in ticks: it visits every grid point of two weeks of every clinician.
        var (step, duration, before, after, last) = (rules.Step.Ticks, rules.Duration.Ticks, rules.BufferBefore.Ticks, rules.BufferAfter.Ticks, latest.UtcTicks);
        var found = new List<(long Start, int Rank, int Stretch)>();
        for (var i = 0; i < stretches.Count; i++)
        {
            var stretch = stretches[i];
            var rank = ranks[(stretch.ClinicianName, stretch.ClinicianId, stretch.LocationId)];
            var taken = obstacles.GetValueOrDefault(stretch.ClinicianId) ?? Obstacles.None;
            var end = stretch.End.UtcTicks;
            for (var start = FirstCandidate(stretch).UtcTicks; start + duration + after <= end && start <= last; start += step)
            {
                if (!taken.Overlap(start - before, start + duration + after))
                {
                    found.Add((start, rank, i));
                }
            }
        }
        found.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Rank.CompareTo(b.Rank));
        return found.ConvertAll(f => SlotAt(stretches[f.Stretch], new DateTimeOffset(f.Start, TimeSpan.Zero)));
    }

    /// <summary>
    /// The first start on the stretch's grid (every <see cref="BookingRules.Step"/> from its start) whose
    /// before-buffer fits in the stretch and which respects the minimum notice.
    /// </summary>
    private DateTimeOffset FirstCandidate(Stretch stretch)
    {
        var lowest = stretch.Start + rules.BufferBefore;
        if (earliest > lowest)
        {
            lowest = earliest;
        }
        var steps = (long)Math.Ceiling((lowest - stretch.Start) / rules.Step);
        return stretch.Start + rules.Step * steps;
    }

    /// <summary>Whether one start time can be booked, and if not, why (the first reason in <see cref="SlotReasons"/> order).</summary>
    public SlotCheck Check(DateTimeOffset start, IReadOnlyList<Stretch> stretches, string? locationId, IReadOnlyList<BusyRow> busy)
    {
        var end = start + rules.Duration;
        var (busyFrom, busyTo) = (start - rules.BufferBefore, end + rules.BufferAfter);
        if (start < now)
        {
            return Refuse(SlotReasons.InThePast, $"{Format(start)} has already passed.");
        }
        if (start < earliest)
        {
            return Refuse(SlotReasons.TooSoon, $"Online bookings of {rules.TemplateName} need {Describe(rules.MinNotice)} notice: the earliest start is {Format(earliest)}.");
        }
        if (start > latest)
        {
            return Refuse(SlotReasons.TooFarAhead, $"{rules.TemplateName} can be booked online at most {rules.MaxAdvance.TotalDays:0} days ahead: the latest start is {Format(latest)}.");
        }
        var stretch = stretches.FirstOrDefault(s => s.Start <= busyFrom && busyTo <= s.End && (locationId is null || s.LocationId == locationId));
        if (stretch.ClinicianId is null)
        {
            return Refuse(SlotReasons.OutsideSessions,
                $"The clinician does not work {(locationId is null ? "" : $"at location {locationId} ")}from {Format(busyFrom)} to {Format(busyTo)} (buffers included).");
        }
        var clash = busy.Where(b => b.StartTime < busyTo && b.EndTime > busyFrom).OrderBy(b => b.StartTime).FirstOrDefault();
        return clash switch
        {
            null => new SlotCheck(true, null, null, SlotAt(stretch, start)),
            { Kind: BusyRow.BlockKind } => Refuse(SlotReasons.Blocked, $"The clinician is away then (block {clash.Id})."),
            { Kind: ClinicianBusy.HoldKind } => Refuse(SlotReasons.Held, $"The time is held by hold {clash.Id}."),
            _ => Refuse(SlotReasons.Booked, $"The time overlaps appointment {clash.Id} (buffers included)."),
        };
    }

    private Slot SlotAt(Stretch stretch, DateTimeOffset start) =>
        new(start, start + rules.Duration, stretch.ClinicianId, stretch.ClinicianName, stretch.LocationId, rules.TemplateId, IsAvailable: true);

    private static SlotCheck Refuse(string reason, string message) => new(false, reason, message, null);

    private static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan notice) =>
        notice.TotalMinutes % 1440 == 0 ? $"{notice.TotalDays:0} days'" : notice.TotalMinutes % 60 == 0 ? $"{notice.TotalHours:0} hours'" : $"{notice.TotalMinutes:0} minutes'";

    /// <summary>One clinician's busy time (in ticks), merged and sorted, so an overlap test is a binary search.</summary>
    private sealed class Obstacles
    {
        public static readonly Obstacles None = new([], []);

        private readonly long[] starts;
        private readonly long[] ends;

        private Obstacles(long[] starts, long[] ends)
        {
            this.starts = starts;
            this.ends = ends;
        }

        public static Obstacles From(IEnumerable<BusyTime> times)
        {
            var starts = new List<long>();
            var ends = new List<long>();
            foreach (var time in times.OrderBy(t => t.Start))
            {
                if (ends.Count > 0 && time.Start.UtcTicks <= ends[^1])
                {
                    ends[^1] = Math.Max(ends[^1], time.End.UtcTicks);
                }
                else
                {
                    starts.Add(time.Start.UtcTicks);
                    ends.Add(time.End.UtcTicks);
                }
            }
            return new Obstacles([.. starts], [.. ends]);
        }

        /// <summary>Whether any busy interval overlaps [from, to) (touching is not overlapping).</summary>
        public bool Overlap(long from, long to)
        {
            // Merged intervals have increasing ends: find the first that ends after from.
            var index = Array.BinarySearch(ends, from);
            index = index >= 0 ? index + 1 : ~index;
            return index < ends.Length && starts[index] < to;
        }
    }
}
