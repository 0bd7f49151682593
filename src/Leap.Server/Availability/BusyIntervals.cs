using System.Buffers;

namespace Leap.Server.Availability;

/// <summary>
/// The busy time of one request's clinicians (appointments and holds with their buffers, blocks) as UTC ticks,
/// merged per clinician into disjoint intervals in time order: one pass along a stretch's grid tells which starts
/// are free.
/// </summary>
public sealed class BusyIntervals
{
    public static readonly BusyIntervals None = new([], [], new Dictionary<string, (int, int)>());

    private readonly long[] starts;
    private readonly long[] ends;
    private readonly Dictionary<string, (int From, int To)> clinicians;

    private BusyIntervals(long[] starts, long[] ends, Dictionary<string, (int From, int To)> clinicians)
    {
        this.starts = starts;
        this.ends = ends;
        this.clinicians = clinicians;
    }

    /// <summary>One clinician's intervals: starts and ends both increase.</summary>
    public Intervals Of(string clinicianId) =>
        clinicians.TryGetValue(clinicianId, out var range)
            ? new Intervals(starts.AsSpan(range.From..range.To), ends.AsSpan(range.From..range.To))
            : default;

    public readonly ref struct Intervals(ReadOnlySpan<long> starts, ReadOnlySpan<long> ends)
    {
        public ReadOnlySpan<long> Starts { get; } = starts;
        public ReadOnlySpan<long> Ends { get; } = ends;
    }

    /// <summary>Collects intervals as they are read (in any order), each naming its clinician by position in the request's list.</summary>
    public sealed class Builder(IReadOnlyList<string> clinicianIds) : IDisposable
    {
        private Interval[] read = ArrayPool<Interval>.Shared.Rent(256);
        private int count;

        public void Add(int clinician, long start, long end)
        {
            if (count == read.Length)
            {
                var larger = ArrayPool<Interval>.Shared.Rent(count * 2);
                read.AsSpan(0, count).CopyTo(larger);
                ArrayPool<Interval>.Shared.Return(read);
                read = larger;
            }
            read[count++] = new Interval(clinician, start, end);
        }

        /// <summary>Sorts by clinician and start, and merges intervals that overlap or touch.</summary>
        public BusyIntervals Build()
        {
            var intervals = read.AsSpan(0, count);
            intervals.Sort();
            var starts = new long[count];
            var ends = new long[count];
            var ranges = new Dictionary<string, (int, int)>(clinicianIds.Count);
            var merged = 0;
            for (var i = 0; i < intervals.Length;)
            {
                var clinician = intervals[i].Clinician;
                var first = merged;
                for (; i < intervals.Length && intervals[i].Clinician == clinician; i++)
                {
                    if (merged > first && intervals[i].Start <= ends[merged - 1])
                    {
                        ends[merged - 1] = Math.Max(ends[merged - 1], intervals[i].End);
                    }
                    else
                    {
                        (starts[merged], ends[merged]) = (intervals[i].Start, intervals[i].End);
                        merged++;
                    }
                }
                ranges[clinicianIds[clinician]] = (first, merged);
            }
            return new BusyIntervals(starts, ends, ranges);
        }

        public void Dispose()
        {
            ArrayPool<Interval>.Shared.Return(read);
            read = [];
        }

        private readonly record struct Interval(int Clinician, long Start, long End) : IComparable<Interval>
        {
            public int CompareTo(Interval other) => Clinician != other.Clinician ? Clinician.CompareTo(other.Clinician) : Start.CompareTo(other.Start);
        }
    }
}
