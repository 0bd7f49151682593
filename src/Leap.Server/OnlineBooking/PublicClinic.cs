namespace Leap.Server.OnlineBooking;

/// <summary>What the public booking page shows before any choice: the clinic, its services, clinicians and places bookable online.</summary>
public sealed record PublicClinic(string Name, string? Phone, IReadOnlyList<PublicService> Services, IReadOnlyList<PublicClinician> Clinicians,
    IReadOnlyList<PublicLocation> Locations);

public sealed record PublicService
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public int Duration { get; init; }
    public int Price { get; init; }
}

public sealed record PublicClinician
{
    public required string Id { get; init; }
    public required string Name { get; init; }
}

public sealed record PublicLocation
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Timezone { get; init; }
}

/// <summary>The answer to a booking request: where to send the emailed code, and until when it works.</summary>
public sealed record BookingRequestAnswer(string Id, DateTimeOffset ExpiresAt);
