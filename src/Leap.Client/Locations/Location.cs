using System.Text.Json.Serialization;

namespace Leap.Client;

/// <summary>A clinic site. Read-only: the practice manages its locations.</summary>
public sealed record Location
{
    /// <summary>The location's id (<c>loc_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>Name, e.g. Riverside Surgery.</summary>
    public string Name { get; init; } = "";
    /// <summary>Address, first line.</summary>
    [JsonPropertyName("address_line_1")] public string? AddressLine1 { get; init; }
    /// <summary>Address, second line.</summary>
    [JsonPropertyName("address_line_2")] public string? AddressLine2 { get; init; }
    /// <summary>Address, third line.</summary>
    [JsonPropertyName("address_line_3")] public string? AddressLine3 { get; init; }
    /// <summary>Town or city.</summary>
    public string? TownCity { get; init; }
    /// <summary>Postcode.</summary>
    public string? Postcode { get; init; }
    /// <summary>Country.</summary>
    public string? Country { get; init; }
    /// <summary>Phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>Latitude.</summary>
    public double? Lat { get; init; }
    /// <summary>Longitude.</summary>
    public double? Lng { get; init; }
    /// <summary>IANA time zone (e.g. Europe/London): the zone the location's sessions and opening hours are written in.</summary>
    public string Timezone { get; init; } = "";
    /// <summary>Opening hours per weekday, for patients (what can be booked follows the clinicians' sessions).</summary>
    public OpeningHours? OpeningHours { get; init; }
    /// <summary>Whether this is the practice's main location.</summary>
    public bool IsPrimary { get; init; }
    /// <summary>Whether the location is in use (inactive locations cannot be booked).</summary>
    public bool IsActive { get; init; }
    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A location's opening hours: one entry per weekday, null on a day it is closed.</summary>
public sealed record OpeningHours
{
    /// <summary>Monday.</summary>
    public DayHours? Monday { get; init; }
    /// <summary>Tuesday.</summary>
    public DayHours? Tuesday { get; init; }
    /// <summary>Wednesday.</summary>
    public DayHours? Wednesday { get; init; }
    /// <summary>Thursday.</summary>
    public DayHours? Thursday { get; init; }
    /// <summary>Friday.</summary>
    public DayHours? Friday { get; init; }
    /// <summary>Saturday.</summary>
    public DayHours? Saturday { get; init; }
    /// <summary>Sunday.</summary>
    public DayHours? Sunday { get; init; }
}

/// <summary>Opening and closing time on one day, local to the location (<c>HH:MM</c>).</summary>
public sealed record DayHours
{
    /// <summary>Opening time, e.g. 08:00.</summary>
    public string Open { get; init; } = "";
    /// <summary>Closing time, e.g. 18:30.</summary>
    public string Close { get; init; } = "";
}

/// <summary>Filters for <see cref="LocationsClient.ListAsync"/>; unset filters are not sent.</summary>
public sealed record LocationListQuery : ListQuery
{
    /// <summary>Only active (true) or inactive (false) locations.</summary>
    public bool? IsActive { get; init; }
    /// <summary>Free text matched against name, town and postcode (postcodes with or without their space).</summary>
    public string? Search { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("is_active", IsActive);
        query.Add("search", Search);
    }
}
