using Leap.Server.Resources;
using Leap.Server.Storage;

namespace Leap.Server.Availability;

/// <summary>
/// The taken time of the resources a template requires, at the locations of one request (UTC ticks, per resource in
/// time order): a slot needs, for each required type, one resource of that type at its location free over its time with
/// the buffers. Loaded only for templates that require resources.
/// </summary>
public sealed class ResourceTimes
{
    private readonly BookingRules rules;
    private readonly Dictionary<(string Location, string Type), List<(long[] Starts, long[] Ends)>> resources;

    private ResourceTimes(BookingRules rules, Dictionary<(string, string), List<(long[], long[])>> resources)
    {
        this.rules = rules;
        this.resources = resources;
    }

    /// <summary>The resources' time around slots starting from <paramref name="firstStart"/> to <paramref name="lastStart"/>.</summary>
    public static async Task<ResourceTimes> LoadAsync(TenantDb db, BookingRules rules, IReadOnlyList<string> locationIds, DateTimeOffset firstStart,
        DateTimeOffset lastStart, CancellationToken ct)
    {
        var rows = await ResourceBusy.TakenAsync(db, locationIds, rules.RequiredResourceTypes, firstStart - rules.BufferBefore,
            lastStart + rules.Duration + rules.BufferAfter, ct);
        var resources = new Dictionary<(string, string), List<(long[], long[])>>();
        // Rows come ordered by resource, then start; one resource's intervals never overlap (the database sees to it).
        foreach (var resource in rows.GroupBy(r => r.Id))
        {
            var first = resource.First();
            var taken = resource.Where(r => r.BusyStart is not null).ToList();
            var key = (first.LocationId, first.Type);
            if (!resources.TryGetValue(key, out var list))
            {
                resources[key] = list = [];
            }
            list.Add(([.. taken.Select(r => r.BusyStart!.Value.UtcTicks)], [.. taken.Select(r => r.BusyEnd!.Value.UtcTicks)]));
        }
        return new ResourceTimes(rules, resources);
    }

    /// <summary>Whether a slot starting at <paramref name="start"/> (UTC ticks) at the location has a free resource of every required type.</summary>
    public bool Free(string locationId, long start)
    {
        var from = start - rules.BufferBefore.Ticks;
        var to = start + rules.Duration.Ticks + rules.BufferAfter.Ticks;
        foreach (var type in rules.RequiredResourceTypes)
        {
            if (!resources.TryGetValue((locationId, type), out var candidates) || !candidates.Exists(r => IsFree(r.Starts, r.Ends, from, to)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Free over [from, to) unless the first interval ending after <paramref name="from"/> starts before <paramref name="to"/>.</summary>
    private static bool IsFree(long[] starts, long[] ends, long from, long to)
    {
        var index = Array.BinarySearch(ends, from + 1);
        index = index < 0 ? ~index : index;
        return index == ends.Length || starts[index] >= to;
    }
}
