using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Organisations;

/// <summary>
/// The organisation as its API key sees it: its name, and the public settings of this dataset (organisation and
/// mode) that patients meet on the booking page and manage links (docs/online-booking.md).
/// </summary>
public sealed record OrganisationSettings
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Mode { get; init; }
    /// <summary>The booking page's address: <c>/book/{slug}</c>. Lower-case letters, digits and single hyphens; unique on the server.</summary>
    public string? Slug { get; init; }
    /// <summary>The name patients see (the organisation's own name when not set).</summary>
    public string? PublicName { get; init; }
    /// <summary>The number patients are told to ring, e.g. when it is too late to change a booking online.</summary>
    public string? Phone { get; init; }
    public bool OnlineBookingEnabled { get; init; }
    /// <summary>
    /// A new patient who looks like one already there (same name and birth date, or NHS number): <c>warn</c> creates them
    /// and names the look-alikes in <c>meta.possible_duplicates</c> (Jump's behaviour); <c>refuse</c> answers 409
    /// DUPLICATE_PATIENT (docs/patient-sync.md).
    /// </summary>
    public string DuplicatePatients { get; init; } = DuplicatePatientPolicy.Warn;
    /// <summary>The public booking page, when it is on.</summary>
    public string? BookingUrl { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The name shown to patients.</summary>
    [JsonIgnore] public string DisplayName => PublicName ?? Name;
}

public static class DuplicatePatientPolicy
{
    public const string Warn = "warn";
    public const string Refuse = "refuse";

    public static readonly IReadOnlyList<string> All = [Warn, Refuse];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<OrganisationSettings>))]
internal sealed partial class OrganisationsJson : JsonSerializerContext;
