using System.Text.Json.Serialization;

namespace Leap.Client;

/// <summary>A clinic site.</summary>
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
    /// <summary>Only in the answer of a forced change: the future appointments it stranded (still booked).</summary>
    public IReadOnlyList<string> StrandedAppointmentIds { get; init; } = [];
}

/// <summary>A new location (<see cref="LocationsClient.CreateAsync"/>); unset properties take the server's defaults.</summary>
public sealed record LocationCreate
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }
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
    /// <summary>Country (server default United Kingdom).</summary>
    public string? Country { get; init; }
    /// <summary>Phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>Latitude.</summary>
    public double? Lat { get; init; }
    /// <summary>Longitude.</summary>
    public double? Lng { get; init; }
    /// <summary>IANA time zone (server default Europe/London).</summary>
    public string? Timezone { get; init; }
    /// <summary>Opening hours, for patients.</summary>
    public OpeningHours? OpeningHours { get; init; }
    /// <summary>Whether this is the practice's main location.</summary>
    public bool? IsPrimary { get; init; }
}

/// <summary>Changes to a location: only the properties you set are sent, and null clears a field.</summary>
public sealed class LocationUpdate : PatchBody
{
    /// <summary>Name (may not be cleared).</summary>
    public string? Name { get => Get<string>(); init => Set(value); }
    /// <summary>Address, first line.</summary>
    public string? AddressLine1 { get => Get<string>(); init => Set(value); }
    /// <summary>Address, second line.</summary>
    public string? AddressLine2 { get => Get<string>(); init => Set(value); }
    /// <summary>Address, third line.</summary>
    public string? AddressLine3 { get => Get<string>(); init => Set(value); }
    /// <summary>Town or city.</summary>
    public string? TownCity { get => Get<string>(); init => Set(value); }
    /// <summary>Postcode.</summary>
    public string? Postcode { get => Get<string>(); init => Set(value); }
    /// <summary>Country.</summary>
    public string? Country { get => Get<string>(); init => Set(value); }
    /// <summary>Phone number.</summary>
    public string? Phone { get => Get<string>(); init => Set(value); }
    /// <summary>Email address.</summary>
    public string? Email { get => Get<string>(); init => Set(value); }
    /// <summary>IANA time zone: moves the hours of every session there (refused while that strands appointments, unless forced).</summary>
    public string? Timezone { get => Get<string>(); init => Set(value); }
    /// <summary>Opening hours.</summary>
    public OpeningHours? OpeningHours { get => Get<OpeningHours>(); init => Set(value); }
    /// <summary>Whether this is the practice's main location.</summary>
    public bool? IsPrimary { get => Get<bool?>(); init => Set(value); }
    /// <summary>false deactivates the location (refused while future appointments there remain, unless forced); true reactivates.</summary>
    public bool? IsActive { get => Get<bool?>(); init => Set(value); }
}

/// <summary>Time a location is closed (a bank holiday, the building shut): no session there is worked during it.</summary>
public sealed record LocationClosure
{
    /// <summary>The closure's id (<c>clo_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The location.</summary>
    public string LocationId { get; init; } = "";
    /// <summary>When the closure starts (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>When it ends (UTC).</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>bank_holiday, closed or other; see <see cref="LocationClosureReason"/>.</summary>
    public string Reason { get; init; } = "";
    /// <summary>A note, e.g. Christmas.</summary>
    public string? Note { get; init; }
    /// <summary>When the closure was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Only in the answer of a forced create: the future appointments there it lies over (still booked).</summary>
    public IReadOnlyList<string> StrandedAppointmentIds { get; init; } = [];
}

/// <summary>Values of <see cref="LocationClosure.Reason"/>.</summary>
public static class LocationClosureReason
{
    /// <summary>A bank (public) holiday.</summary>
    public const string BankHoliday = "bank_holiday";
    /// <summary>The building is closed (the server default).</summary>
    public const string Closed = "closed";
    /// <summary>Any other reason.</summary>
    public const string Other = "other";
}

/// <summary>A new closure of a location.</summary>
public sealed record LocationClosureCreate : TimeAwayCreate
{
    /// <summary>bank_holiday, closed (server default) or other; see <see cref="LocationClosureReason"/>.</summary>
    public string? Reason { get; init; }
}

/// <summary>Filters for <see cref="LocationsClient.ListClosuresAsync"/>; unset filters are not sent. Results are ordered by start.</summary>
public sealed record LocationClosureListQuery : ListQuery
{
    /// <summary>Exact reason; see <see cref="LocationClosureReason"/>.</summary>
    public string? Reason { get; init; }
    /// <summary>Ending at or after (e.g. now, for current and future closures).</summary>
    public DateTimeOffset? EndTimeGte { get; init; }
    /// <summary>Starting at or before.</summary>
    public DateTimeOffset? StartTimeLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("reason", Reason);
        query.Add("end_time_gte", EndTimeGte);
        query.Add("start_time_lte", StartTimeLte);
    }
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
