using System.Buffers;

namespace Leap.Server.Availability;

/// <summary>The clinician and location a slot belongs to.</summary>
public readonly record struct SlotOwner(string ClinicianId, string ClinicianName, string LocationId);

/// <summary>One free slot: its start (UTC ticks) and the rank of its owner in <see cref="SlotList.Owners"/>.</summary>
public readonly record struct FreeSlot(long Start, int Owner) : IComparable<FreeSlot>
{
    public int CompareTo(FreeSlot other) => Start != other.Start ? Start.CompareTo(other.Start) : Owner.CompareTo(other.Owner);
}

/// <summary>
/// The free slots of one request, in the order they are listed (start time, then owner). Owners are ranked by
/// clinician name, clinician id and location id, so that order is the order of (start, rank). The slots live in
/// one array rented from the pool for the request: dispose the list once it is written.
/// </summary>
public sealed class SlotList : IDisposable
{
    private FreeSlot[] slots;
    private int count;

    internal SlotList(BookingRules rules, SlotOwner[] owners, int capacity)
    {
        Rules = rules;
        Owners = owners;
        slots = ArrayPool<FreeSlot>.Shared.Rent(capacity);
    }

    public BookingRules Rules { get; }

    /// <summary>Ranked: a slot's <see cref="FreeSlot.Owner"/> is its index here.</summary>
    public IReadOnlyList<SlotOwner> Owners { get; }

    public int Count => count;

    public ReadOnlySpan<FreeSlot> Items => slots.AsSpan(0, count);

    /// <summary>The slot as the API describes it (for the few answers that hold one slot).</summary>
    public Slot this[int index]
    {
        get
        {
            var slot = Items[index];
            var owner = Owners[slot.Owner];
            var start = new DateTimeOffset(slot.Start, TimeSpan.Zero);
            return new Slot(start, start + Rules.Duration, owner.ClinicianId, owner.ClinicianName, owner.LocationId, Rules.TemplateId, IsAvailable: true);
        }
    }

    internal void Add(long start, int owner) => slots[count++] = new FreeSlot(start, owner);

    internal void Sort() => slots.AsSpan(0, count).Sort();

    /// <summary>Keeps the slots <paramref name="keep"/> accepts, in order.</summary>
    internal void Keep(Func<FreeSlot, bool> keep)
    {
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (keep(slots[i]))
            {
                slots[kept++] = slots[i];
            }
        }
        count = kept;
    }

    public void Dispose()
    {
        var rented = slots;
        slots = [];
        count = 0;
        if (rented.Length > 0)
        {
            ArrayPool<FreeSlot>.Shared.Return(rented);
        }
    }
}
