using System.Buffers;

namespace Leap.Server.Availability;

/// <summary>The clinician and location a slot belongs to.</summary>
public readonly record struct SlotOwner(string ClinicianId, string ClinicianName, string LocationId);

/// <summary>
/// One free slot: its start (UTC ticks), the rank of its owner in <see cref="SlotList.Owners"/>, and for a group
/// session already booked its number in <see cref="SlotList.Sessions"/> counting from 1 (0: a new appointment).
/// </summary>
public readonly record struct FreeSlot(long Start, int Owner, int Session = 0) : IComparable<FreeSlot>
{
    public int CompareTo(FreeSlot other) =>
        Start != other.Start ? Start.CompareTo(other.Start) : Owner != other.Owner ? Owner.CompareTo(other.Owner) : Session.CompareTo(other.Session);
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

    internal SlotList(BookingRules rules, SlotOwner[] owners, int capacity, IReadOnlyList<OpenSession>? sessions = null)
    {
        Rules = rules;
        Owners = owners;
        Sessions = sessions ?? [];
        slots = ArrayPool<FreeSlot>.Shared.Rent(capacity);
    }

    public BookingRules Rules { get; }

    /// <summary>The group sessions with free seats that slots refer to (<see cref="FreeSlot.Session"/>).</summary>
    public IReadOnlyList<OpenSession> Sessions { get; }

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
            var session = slot.Session == 0 ? null : Sessions[slot.Session - 1];
            return new Slot(start, session?.EndTime ?? start + Rules.Duration, owner.ClinicianId, owner.ClinicianName, owner.LocationId, Rules.TemplateId,
                IsAvailable: true, session?.AppointmentId, Rules.IsGroup ? session?.SeatsRemaining ?? Rules.MaxParticipants : null);
        }
    }

    internal void Add(long start, int owner, int session = 0) => slots[count++] = new FreeSlot(start, owner, session);

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
