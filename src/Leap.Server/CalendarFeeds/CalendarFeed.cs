using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.CalendarFeeds;

/// <summary>
/// A private iCalendar feed of one clinician's appointments (docs/ical.md). <see cref="Url"/>, which carries the secret
/// token, is in the answer of the create only: the server keeps just the token's hash.
/// </summary>
public sealed record CalendarFeed
{
    public required string Id { get; init; }
    public required string ClinicianProfileId { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Url { get; init; }
}

/// <summary>The organisation's feed settings: what a feed shows of a patient, <c>initials</c> (the default) or <c>full</c> names.</summary>
public sealed record CalendarFeedSettings(string PatientNames)
{
    public const string Initials = "initials";
    public const string Full = "full";

    public static readonly IReadOnlyList<string> Choices = [Initials, Full];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<CalendarFeed>))]
[JsonSerializable(typeof(ListEnvelope<CalendarFeed>))]
[JsonSerializable(typeof(DataEnvelope<CalendarFeedSettings>))]
internal sealed partial class CalendarFeedsJson : JsonSerializerContext;
