using System.Globalization;
using Leap.Server.Appointments;
using Leap.Server.Clinicians;

namespace Leap.Server.Availability;

/// <summary>A session as the engine needs it: the clinician's and location's details joined in.</summary>
public sealed record SessionRow
{
    public required string ClinicianId { get; init; }
    public required string ClinicianName { get; init; }
    public required string LocationId { get; init; }
    public required string Timezone { get; init; }
    public string? Weekday { get; init; }
    public DateOnly? Date { get; init; }
    public required string StartTime { get; init; }
    public required string EndTime { get; init; }
    public DateOnly? ValidFrom { get; init; }
    public DateOnly? ValidUntil { get; init; }
}

/// <summary>Time a clinician is not free: an appointment or hold (buffers included), or a block.</summary>
public sealed record BusyRow
{
    public const string BlockKind = "block";

    public required string ClinicianId { get; init; }
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
    public static IReadOnlyList<Stretch> Stretches(IEnumerable<SessionRow> sessions, DateOnly from, DateOnly to)
    {
        var occurrences = new List<Stretch>();
        foreach (var session in sessions)
        {
            var zone = LocalTimes.Zone(session.Timezone);
            var start = TimeOnly.ParseExact(session.StartTime, "HH:mm", CultureInfo.InvariantCulture);
            var end = TimeOnly.ParseExact(session.EndTime, "HH:mm", CultureInfo.InvariantCulture);
            foreach (var date in Dates(session, from, to))
            {
                occurrences.Add(new Stretch(session.ClinicianId, session.ClinicianName, session.LocationId,
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

    private static IEnumerable<DateOnly> Dates(SessionRow session, DateOnly from, DateOnly to)
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
    public List<Slot> FreeSlots(IReadOnlyList<Stretch> stretches, IEnumerable<BusyRow> busy)
    {
        var obstacles = busy.GroupBy(b => b.ClinicianId).ToDictionary(g => g.Key, g => Obstacles.From(g));
        var slots = new List<Slot>();
        foreach (var stretch in stretches)
        {
            var taken = obstacles.GetValueOrDefault(stretch.ClinicianId) ?? Obstacles.None;
            for (var start = FirstCandidate(stretch); start + rules.Duration + rules.BufferAfter <= stretch.End; start += rules.Step)
            {
                if (start > latest)
                {
                    break;
                }
                if (!taken.Overlap(start - rules.BufferBefore, start + rules.Duration + rules.BufferAfter))
                {
                    slots.Add(SlotAt(stretch, start));
                }
            }
        }
        slots.Sort(static (a, b) =>
        {
            var order = a.StartTime.CompareTo(b.StartTime);
            order = order != 0 ? order : string.CompareOrdinal(a.ClinicianName, b.ClinicianName);
            order = order != 0 ? order : string.CompareOrdinal(a.ClinicianProfileId, b.ClinicianProfileId);
            return order != 0 ? order : string.CompareOrdinal(a.LocationId, b.LocationId);
        });
        return slots;
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

    /// <summary>One clinician's busy time, merged and sorted, so an overlap test is a binary search.</summary>
    private sealed class Obstacles
    {
        public static readonly Obstacles None = new([], []);

        private readonly DateTimeOffset[] starts;
        private readonly DateTimeOffset[] ends;

        private Obstacles(DateTimeOffset[] starts, DateTimeOffset[] ends)
        {
            this.starts = starts;
            this.ends = ends;
        }

        public static Obstacles From(IEnumerable<BusyRow> rows)
        {
            var starts = new List<DateTimeOffset>();
            var ends = new List<DateTimeOffset>();
            foreach (var row in rows.OrderBy(r => r.StartTime))
            {
                if (ends.Count > 0 && row.StartTime <= ends[^1])
                {
                    ends[^1] = row.EndTime > ends[^1] ? row.EndTime : ends[^1];
                }
                else
                {
                    starts.Add(row.StartTime);
                    ends.Add(row.EndTime);
                }
            }
            return new Obstacles([.. starts], [.. ends]);
        }

        /// <summary>Whether any busy interval overlaps [from, to) (touching is not overlapping).</summary>
        public bool Overlap(DateTimeOffset from, DateTimeOffset to)
        {
            // Merged intervals have increasing ends: find the first that ends after from.
            var index = Array.BinarySearch(ends, from);
            index = index >= 0 ? index + 1 : ~index;
            return index < ends.Length && starts[index] < to;
        }
    }
}
