using System.Text.Json.Serialization;

namespace Leap.Server.Clinicians;

/// <summary>
/// When a clinician works at a location: every week on <see cref="Weekday"/> (between the optional
/// <see cref="ValidFrom"/> and <see cref="ValidUntil"/> dates), or once on <see cref="Date"/>.
/// <see cref="StartTime"/> and <see cref="EndTime"/> are local times ("HH:MM") in the location's time zone.
/// </summary>
public sealed record ClinicianSession
{
    public required string Id { get; init; }
    public required string ClinicianProfileId { get; init; }
    public required string LocationId { get; init; }
    public string? Weekday { get; init; }
    public DateOnly? Date { get; init; }
    public required string StartTime { get; init; }
    public required string EndTime { get; init; }
    public DateOnly? ValidFrom { get; init; }
    public DateOnly? ValidUntil { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary><c>weekly</c> or <c>one_off</c>.</summary>
    public string Type => Weekday is null ? ScheduleValues.OneOff : ScheduleValues.Weekly;

    /// <inheritdoc cref="ClinicianProfile.StrandedAppointmentIds"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? StrandedAppointmentIds { get; init; }
}

/// <summary>Time a clinician is away (leave, training...), as instants: no slot that touches it is offered.</summary>
public sealed record ClinicianBlock
{
    public required string Id { get; init; }
    public required string ClinicianProfileId { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    public required string Reason { get; init; }
    public string? Note { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <inheritdoc cref="ClinicianProfile.StrandedAppointmentIds"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? StrandedAppointmentIds { get; init; }
}

public static class ScheduleValues
{
    public const string Weekly = "weekly";
    public const string OneOff = "one_off";

    public static readonly IReadOnlyList<string> Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    public static readonly IReadOnlyList<string> BlockReasons = ["leave", "training", "sickness", "other"];
    public static readonly IReadOnlyList<string> ClosureReasons = ["bank_holiday", "closed", "other"];

    public static string WeekdayOf(DayOfWeek day) => Weekdays[((int)day + 6) % 7];
}
