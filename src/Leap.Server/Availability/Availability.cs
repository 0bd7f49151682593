using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Availability;

/// <summary>
/// A bookable slot (the Jump slot object). Listed slots are free, so <see cref="IsAvailable"/> is true. Slots of a group
/// template (docs/groups-and-resources.md) also say how many seats are free, and those of a session already booked
/// name its appointment, which patients join; one-to-one slots carry neither, as Jump's.
/// </summary>
public sealed record Slot(
    DateTimeOffset StartTime, DateTimeOffset EndTime, string ClinicianProfileId, string ClinicianName, string LocationId,
    string AppointmentTemplateId, bool IsAvailable,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AppointmentId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SeatsRemaining = null);

/// <summary>A group appointment already booked with seats free: offered as a slot to join.</summary>
public sealed record OpenSession
{
    public required string AppointmentId { get; init; }
    public required string ClinicianId { get; init; }
    public required string ClinicianName { get; init; }
    public required string LocationId { get; init; }
    public required string Timezone { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    public int SeatsRemaining { get; init; }
}

/// <summary>The <c>data</c> of <c>GET /availability</c>: an object, not a list (Jump).</summary>
public sealed record AvailabilityData(IReadOnlyList<Slot> Slots, DateRange DateRange);

public sealed record DateRange(DateOnly From, DateOnly To);

/// <summary>
/// The answer of <c>POST /availability/verify</c>: whether the slot can be booked now and, when not, why
/// (<see cref="SlotReasons"/>) in a code and a sentence. <see cref="SessionLocationId"/> is the location of the
/// session the slot lies in, when it lies in one (taken or not).
/// </summary>
public sealed record SlotCheck(bool Available, string? Reason, string? Message, Slot? Slot,
    [property: JsonIgnore] string? SessionLocationId = null);

/// <summary>Why a slot cannot be booked, most fundamental first (a past slot is reported as past, not as booked).</summary>
public static class SlotReasons
{
    public const string InThePast = "in_the_past";
    public const string TooSoon = "too_soon";
    public const string TooFarAhead = "too_far_ahead";
    public const string OutsideSessions = "outside_sessions";
    public const string Closed = "closed";
    public const string Blocked = "blocked";
    public const string Booked = "booked";
    public const string Held = "held";
    /// <summary>The clinician is free, but no resource of a type the template requires is free at the location.</summary>
    public const string NoResource = "no_resource";
}

/// <summary>The template's booking rules, as the slot engine applies them.</summary>
public sealed record BookingRules(
    string TemplateId, string TemplateName, TimeSpan Duration, TimeSpan BufferBefore, TimeSpan BufferAfter, TimeSpan MinNotice, TimeSpan MaxAdvance,
    int MaxParticipants = 1)
{
    /// <summary>A group template: its slots say how many seats are free, and its sessions with free seats are slots too.</summary>
    public bool IsGroup => MaxParticipants > 1;
    /// <summary>The resource types a slot needs one free resource of at its location (docs/groups-and-resources.md); usually none.</summary>
    public IReadOnlyList<string> RequiredResourceTypes { get; init; } = [];

    /// <summary>Listed slots start every 15 minutes from the session's start, or every duration when shorter.</summary>
    public TimeSpan Step => Duration < DefaultStep ? Duration : DefaultStep;

    public static readonly TimeSpan DefaultStep = TimeSpan.FromMinutes(15);

    /// <summary>Clinicians not bookable online count too (<c>include_offline=true</c>, docs/availability.md).</summary>
    public bool IncludeOffline { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<AvailabilityData>))]
[JsonSerializable(typeof(DataEnvelope<Slot>))]
[JsonSerializable(typeof(DataEnvelope<SlotCheck>))]
internal sealed partial class AvailabilityJson : JsonSerializerContext;
