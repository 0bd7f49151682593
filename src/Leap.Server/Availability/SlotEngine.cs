using System.Globalization;
using Leap.Server.Appointments;
using Leap.Server.Clinicians;

namespace Leap.Server.Availability;

/// <summary>A session with what the engine needs from its clinician and location.</summary>
public readonly record struct ScheduledSession(ClinicianSession Session, string ClinicianName, string Timezone);

/// <summary>A location closed from <see cref="Start"/> to <see cref="End"/> (a bank holiday, the building shut).</summary>
public readonly record struct Closure(string LocationId, DateTimeOffset Start, DateTimeOffset End);

/// <summary>The sessions of a range, with the closures of their locations.</summary>
public sealed record Rota(IReadOnlyList<ScheduledSession> Sessions, IReadOnlyList<Closure> Closures);

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

    /// <summary>The stretches without the time their location is closed: a closure cuts a stretch in two, or away.</summary>
    public static IReadOnlyList<Stretch> Open(IReadOnlyList<Stretch> stretches, IReadOnlyList<Closure> closures)
    {
        if (closures.Count == 0)
        {
            return stretches;
        }
        var open = new List<Stretch>(stretches.Count);
        foreach (var stretch in stretches)
        {
            var pieces = new List<Stretch> { stretch };
            foreach (var closure in closures.Where(c => c.LocationId == stretch.LocationId && c.Start < stretch.End && c.End > stretch.Start))
            {
                pieces = pieces.SelectMany(p => new[] { p with { End = Min(p.End, closure.Start) }, p with { Start = Max(p.Start, closure.End) } })
                    .Where(p => p.Start < p.End).ToList();
            }
            open.AddRange(pieces);
        }
        open.Sort((a, b) => a.Start.CompareTo(b.Start));
        return open;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

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

    /// <summary>
    /// Every free slot in the stretches, ordered by start time, clinician name, clinician and location. A slot is a
    /// start and the rank of its clinician and location, in one array for the whole answer: two weeks of a practice
    /// are thousands of slots, and none of them is an object of its own.
    /// </summary>
    public SlotList FreeSlots(IReadOnlyList<Stretch> stretches, BusyIntervals busy, IReadOnlyList<OpenSession>? sessions = null)
    {
        // A group session already booked is offered as it is, within the template's notice and advance limits, whatever the rota says now.
        var open = sessions?.Where(s => s.StartTime >= earliest && s.StartTime <= latest).ToList() ?? [];
        // Slots at one start are listed by clinician name, then id, then location: rank the stretches' owners once.
        var owners = stretches.Select(s => new SlotOwner(s.ClinicianId, s.ClinicianName, s.LocationId))
            .Concat(open.Select(s => new SlotOwner(s.ClinicianId, s.ClinicianName, s.LocationId))).Distinct().ToArray();
        Array.Sort(owners, static (a, b) =>
        {
            var order = string.CompareOrdinal(a.ClinicianName, b.ClinicianName);
            order = order != 0 ? order : string.CompareOrdinal(a.ClinicianId, b.ClinicianId);
            return order != 0 ? order : string.CompareOrdinal(a.LocationId, b.LocationId);
        });
        var ranks = new Dictionary<SlotOwner, int>(owners.Length);
        for (var rank = 0; rank < owners.Length; rank++)
        {
            ranks[owners[rank]] = rank;
        }
        // The loop runs in ticks: it visits every grid point of two weeks of every clinician.
        var (step, duration, before, after, last) = (rules.Step.Ticks, rules.Duration.Ticks, rules.BufferBefore.Ticks, rules.BufferAfter.Ticks, latest.UtcTicks);
        var capacity = 0;
        foreach (var stretch in stretches)
        {
            capacity += (int)Math.Max(0, (stretch.End.UtcTicks - duration - after - FirstCandidate(stretch).UtcTicks) / step + 1);
        }
        var slots = new SlotList(rules, owners, capacity + open.Count, open);
        for (var i = 0; i < open.Count; i++)
        {
            slots.Add(open[i].StartTime.UtcTicks, ranks[new SlotOwner(open[i].ClinicianId, open[i].ClinicianName, open[i].LocationId)], i + 1);
        }
        foreach (var stretch in stretches)
        {
            var rank = ranks[new SlotOwner(stretch.ClinicianId, stretch.ClinicianName, stretch.LocationId)];
            var taken = busy.Of(stretch.ClinicianId);
            var busyStarts = taken.Starts;
            var busyEnds = taken.Ends;
            var next = 0;
            var end = stretch.End.UtcTicks;
            for (var start = FirstCandidate(stretch).UtcTicks; start + duration + after <= end && start <= last; start += step)
            {
                // The buffered slot [start - before, start + duration + after) is free unless the first busy
                // interval that ends after its start begins before its end (touching is not overlapping). Starts
                // only grow along the stretch, so that interval is found by moving forward, never by searching.
                while (next < busyEnds.Length && busyEnds[next] <= start - before)
                {
                    next++;
                }
                if (next == busyEnds.Length || busyStarts[next] >= start + duration + after)
                {
                    slots.Add(start, rank);
                }
            }
        }
        slots.Sort();
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
    public SlotCheck Check(DateTimeOffset start, IReadOnlyList<Stretch> stretches, string? locationId, IReadOnlyList<BusyRow> busy,
        IReadOnlyList<Closure>? closures = null)
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
        if ((closures ?? []).Where(c => c.LocationId == stretch.LocationId && c.Start < busyTo && c.End > busyFrom).Select(c => (Closure?)c).FirstOrDefault() is { } closed)
        {
            return Refuse(SlotReasons.Closed,
                $"Location {stretch.LocationId} is closed from {Format(closed.Start)} to {Format(closed.End)}.", stretch.LocationId);
        }
        var clash = busy.Where(b => b.StartTime < busyTo && b.EndTime > busyFrom).OrderBy(b => b.StartTime).FirstOrDefault();
        return clash switch
        {
            null => new SlotCheck(true, null, null, SlotAt(stretch, start), stretch.LocationId),
            { Kind: BusyRow.BlockKind } => Refuse(SlotReasons.Blocked, $"The clinician is away then (block {clash.Id}).", stretch.LocationId),
            { Kind: ClinicianBusy.HoldKind } => Refuse(SlotReasons.Held, $"The time is held by hold {clash.Id}.", stretch.LocationId),
            _ => Refuse(SlotReasons.Booked, $"The time overlaps appointment {clash.Id} (buffers included).", stretch.LocationId),
        };
    }

    private Slot SlotAt(Stretch stretch, DateTimeOffset start) =>
        new(start, start + rules.Duration, stretch.ClinicianId, stretch.ClinicianName, stretch.LocationId, rules.TemplateId, IsAvailable: true);

    private static SlotCheck Refuse(string reason, string message, string? sessionLocationId = null) => new(false, reason, message, null, sessionLocationId);

    private static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan notice) =>
        notice.TotalMinutes % 1440 == 0 ? $"{notice.TotalDays:0} days'" : notice.TotalMinutes % 60 == 0 ? $"{notice.TotalHours:0} hours'" : $"{notice.TotalMinutes:0} minutes'";
}
