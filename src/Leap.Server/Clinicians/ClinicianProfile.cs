using System.Text.Json.Serialization;

namespace Leap.Server.Clinicians;

/// <summary>
/// A practitioner who can be booked, with the locations they work at and the appointment templates they provide
/// (none listed: every template).
/// </summary>
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
    public IReadOnlyList<string> AppointmentTemplateIds { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Only in the answer of a forced write: the future appointments it left outside working time (docs/directory.md).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? StrandedAppointmentIds { get; init; }
}
