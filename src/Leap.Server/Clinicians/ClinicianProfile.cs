namespace Leap.Server.Clinicians;

/// <summary>A practitioner who can be booked, with the locations they work at.</summary>
public sealed record ClinicianProfile
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? DisplayName { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Title { get; init; }
    public string? Role { get; init; }
    public string? Email { get; init; }
    public string? Bio { get; init; }
    public string? PhotoUrl { get; init; }
    public string? Qualifications { get; init; }
    public string? RegistrationNumber { get; init; }
    public string? ProfessionalRegistrationBody { get; init; }
    public bool IsActive { get; init; }
    public bool IsBookableOnline { get; init; }
    public IReadOnlyList<string> LocationIds { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
