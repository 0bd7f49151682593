using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Holds;

/// <summary>
/// A short reservation of one slot while a patient completes a booking (Jump's hold object). It occupies the
/// clinician like an appointment until it is confirmed (becoming appointment <see cref="AppointmentId"/>),
/// released, or it expires.
/// </summary>
public sealed record Hold
{
    public required string Id { get; init; }
    public required string AppointmentTemplateId { get; init; }
    public required string ClinicianProfileId { get; init; }
    public string? LocationId { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public required string Status { get; init; }
    public string? AppointmentId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Jump's first-generation name for <see cref="AppointmentTemplateId"/>.</summary>
    public string AppointmentTypeId => AppointmentTemplateId;

    /// <summary>Jump's first-generation name for <see cref="ClinicianProfileId"/>.</summary>
    public string ClinicianId => ClinicianProfileId;

    [JsonIgnore] public int BufferBeforeMinutes { get; init; }
    [JsonIgnore] public int BufferAfterMinutes { get; init; }

    /// <summary>The clinician's time the hold takes, buffers included, exactly as its appointment would.</summary>
    [JsonIgnore] public DateTimeOffset BusyStart => StartTime.AddMinutes(-BufferBeforeMinutes);
    [JsonIgnore] public DateTimeOffset BusyEnd => EndTime.AddMinutes(BufferAfterMinutes);

    /// <summary>The hold as of <paramref name="now"/>: an active hold past its expiry is expired, whatever is stored.</summary>
    public Hold At(DateTimeOffset now) => Status == HoldStatuses.Active && ExpiresAt <= now ? this with { Status = HoldStatuses.Expired } : this;
}

public static class HoldStatuses
{
    public const string Active = "active";
    public const string Confirmed = "confirmed";
    public const string Released = "released";
    public const string Expired = "expired";

    /// <summary>Jump: holds expire 15 minutes after they are made.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<Hold>))]
internal sealed partial class HoldsJson : JsonSerializerContext;
