using System.Text.Json.Serialization;

namespace Leap.Server.Locations;

/// <summary>A clinic site. <see cref="Timezone"/> (IANA) is the zone its sessions and opening hours are written in.</summary>
public sealed record Location
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    [JsonPropertyName("address_line_1")] public string? AddressLine1 { get; init; }
    [JsonPropertyName("address_line_2")] public string? AddressLine2 { get; init; }
    [JsonPropertyName("address_line_3")] public string? AddressLine3 { get; init; }
    public string? TownCity { get; init; }
    public string? Postcode { get; init; }
    public string? Country { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public double? Lat { get; init; }
    public double? Lng { get; init; }
    public required string Timezone { get; init; }
    public OpeningHours? OpeningHours { get; init; }
    public bool IsPrimary { get; init; }
    public bool IsActive { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <inheritdoc cref="Clinicians.ClinicianProfile.StrandedAppointmentIds"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? StrandedAppointmentIds { get; init; }
}

/// <summary>Time a location is closed (a bank holiday, the building shut), as instants: no session there is worked during it.</summary>
public sealed record LocationClosure
{
    public required string Id { get; init; }
    public required string LocationId { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    public required string Reason { get; init; }
    public string? Note { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <inheritdoc cref="Clinicians.ClinicianProfile.StrandedAppointmentIds"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? StrandedAppointmentIds { get; init; }
}

/// <summary>Local opening and closing times ("08:00", "18:30") per weekday; null on a closed day.</summary>
public sealed record OpeningHours(
    DayHours? Monday, DayHours? Tuesday, DayHours? Wednesday, DayHours? Thursday, DayHours? Friday, DayHours? Saturday, DayHours? Sunday);

public sealed record DayHours(string Open, string Close);
