using System.Collections.Concurrent;

namespace Leap.Server.Availability;

/// <summary>
/// Wall-clock times at a location turned into instants with the location's IANA time zone (the system tz
/// database). Sessions are written in local time, so "09:00" is 08:00Z in British Summer Time and 09:00Z in winter.
/// </summary>
public static class LocalTimes
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Zones = new(StringComparer.Ordinal);

    /// <summary>The zone for an IANA id such as "Europe/London"; null for an unknown (or non-IANA) id.</summary>
    public static TimeZoneInfo? FindZone(string id) => Zones.GetOrAdd(id, static id =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId ? zone : null);

    public static TimeZoneInfo Zone(string id) =>
        FindZone(id) ?? throw new InvalidOperationException($"Unknown time zone '{id}' (locations must use IANA zone ids).");

    /// <summary>
    /// The instant a local date and time names. A time the clock skips (in the spring-forward gap) is read with
    /// the offset in force before the jump, so it lands just after the gap (01:30 on the UK's March change is
    /// 02:30 BST); a time the clock passes twice (autumn) means its first occurrence.
    /// </summary>
    public static DateTimeOffset ToInstant(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            return new DateTimeOffset(local, zone.GetUtcOffset(local.AddDays(-1))).ToUniversalTime();
        }
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>The local date at the zone at that instant.</summary>
    public static DateOnly DateAt(DateTimeOffset instant, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
}
