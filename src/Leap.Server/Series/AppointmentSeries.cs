using System.Text.Json.Serialization;
using Leap.Server.Appointments;
using Leap.Server.Http;

namespace Leap.Server.Series;

/// <summary>A recurring series: the rule it was booked from and its occurrences, each an ordinary appointment.</summary>
public sealed record AppointmentSeries
{
    public required string Id { get; init; }
    public required string PatientId { get; init; }
    public string? ClinicianProfileId { get; init; }
    public string? AppointmentTypeId { get; init; }
    public required string LocationId { get; init; }
    public required string Title { get; init; }
    /// <summary>The location's IANA zone the occurrences were expanded in.</summary>
    public required string TimeZone { get; init; }
    public required Recurrence Recurrence { get; init; }
    /// <summary>The first occurrence as requested (it may have been skipped).</summary>
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    /// <summary>The occurrences booked, in order of start time, as they are now (cancelled ones included).</summary>
    public IReadOnlyList<Appointment> Appointments { get; init; } = [];
    /// <summary>Only in the answer to a create with <c>skip_conflicts</c>: the occurrences not booked, and why.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<OccurrenceConflict>? Skipped { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// An occurrence that cannot be booked, and why: its time is taken (an appointment or another client's live hold), or a
/// room or equipment it needs is not free then.
/// </summary>
public sealed record OccurrenceConflict
{
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    /// <summary><c>appointment</c> or <c>hold</c> (the clinician's time), or <c>resource</c>.</summary>
    public required string ConflictType { get; init; }
    /// <summary>A <c>resource</c> conflict: the type the template requires with no free resource at the location then.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ResourceType { get; init; }
    /// <summary>A <c>resource</c> conflict over a resource the booking names: that resource (the appointment that takes it follows).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ConflictingResourceId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ConflictingAppointmentId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ConflictingHoldId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? HoldExpiresAt { get; init; }
}

/// <summary><c>error.details</c> of a <c>SERIES_CONFLICT</c>.</summary>
public sealed record SeriesConflictDetails(IReadOnlyList<OccurrenceConflict> Conflicts);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AppointmentSeries))]
[JsonSerializable(typeof(DataEnvelope<AppointmentSeries>))]
[JsonSerializable(typeof(SeriesConflictDetails))]
internal sealed partial class SeriesJson : JsonSerializerContext;
