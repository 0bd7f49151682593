using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Waitlist;

/// <summary>
/// A patient waiting for a freed slot of a template (docs/waitlist.md). While <c>offered</c>, <see cref="HoldId"/> holds
/// the slot offered until <see cref="OfferExpiresAt"/>, and <see cref="ClaimUrl"/> is the patient's link to claim it.
/// </summary>
public sealed record WaitlistEntry
{
    public required string Id { get; init; }
    public required string PatientId { get; init; }
    public required string AppointmentTemplateId { get; init; }
    public string? ClinicianProfileId { get; init; }
    public string? LocationId { get; init; }
    public DateOnly? EarliestDate { get; init; }
    public DateOnly? LatestDate { get; init; }
    /// <summary>Higher first; entries of equal priority in the order they were made.</summary>
    public int Priority { get; init; }
    public string? Notes { get; init; }
    public required string Status { get; init; }
    public string? HoldId { get; init; }
    public DateTimeOffset? OfferStartTime { get; init; }
    public DateTimeOffset? OfferEndTime { get; init; }
    public string? OfferClinicianProfileId { get; init; }
    public DateTimeOffset? OfferExpiresAt { get; init; }
    /// <summary>The patient's link to claim the offer, issued with each answer while the entry is offered. Not stored.</summary>
    public string? ClaimUrl { get; init; }
    public string? AppointmentId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class WaitlistStatuses
{
    public const string Waiting = "waiting";
    public const string Offered = "offered";
    public const string Booked = "booked";
    public const string Removed = "removed";
    public const string Expired = "expired";

    public static readonly IReadOnlyList<string> All = [Waiting, Offered, Booked, Removed, Expired];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<WaitlistEntry>))]
[JsonSerializable(typeof(ListEnvelope<WaitlistEntry>))]
internal sealed partial class WaitlistJson : JsonSerializerContext;
