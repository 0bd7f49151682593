using System.Text.Json.Serialization;
using Leap.Server.Http;
using Leap.Server.Notifications;

namespace Leap.Server.Appointments;

/// <summary>An appointment: every field of the current Jump appointment object, plus what Leap records about how it was booked.</summary>
public sealed record Appointment
{
    public required string Id { get; init; }
    public required string PatientId { get; init; }
    public string? ClinicianProfileId { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    public required string Status { get; init; }
    public string? AppointmentTypeId { get; init; }
    public string? LocationId { get; init; }
    public bool IsRemote { get; init; }
    public string? RemoteChannel { get; init; }
    public string? VideoLink { get; init; }
    public string? VideoProvider { get; init; }
    public int DurationMinutes { get; init; }
    public int BufferBeforeMinutes { get; init; }
    public int BufferAfterMinutes { get; init; }
    public string? AttendeeEmail { get; init; }
    public string? AttendeeName { get; init; }
    public string? AttendeePhone { get; init; }
    public string? MeetingUrl { get; init; }
    public string? AttendanceStatus { get; init; }
    public string? CancellationReason { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public required string BookingSource { get; init; }
    /// <summary>True when the booking deliberately skipped the no-double-booking rule.</summary>
    public bool AllowOverlap { get; init; }
    public string? EpisodeId { get; init; }
    /// <summary>Jump's first-generation free-text field, kept and returned as sent.</summary>
    public string? Notes { get; init; }
    /// <summary>The recurring series this appointment is an occurrence of (docs/series.md).</summary>
    public string? SeriesId { get; init; }
    /// <summary>
    /// A group appointment's capacity, copied from its template when booked (docs/groups-and-resources.md); absent on
    /// one-to-one appointments, whose answers stay as Jump's.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? MaxParticipants { get; init; }
    /// <summary>A group appointment's participants now joined (the booking's patient is the first).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ParticipantCount { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? SeatsRemaining => MaxParticipants - ParticipantCount;
    /// <summary>The rooms and equipment the appointment takes (docs/groups-and-resources.md); left out of answers when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? ResourceIds { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>
    /// The patient's own link to see, cancel or move this appointment (docs/online-booking.md): issued with each answer,
    /// null once the appointment is no longer active. Not stored.
    /// </summary>
    public string? ManageUrl { get; init; }

    /// <summary>
    /// What the booking's template sends, when the booking looked the template up anyway (so planning its messages
    /// costs no extra read); null otherwise, and then read when planning.
    /// </summary>
    [JsonIgnore] public TemplateNotifications? TemplateNotifications { get; init; }

    /// <summary>The resource types a new booking still has to pick a free resource of (see <see cref="Resources.ResourceBooking"/>).</summary>
    [JsonIgnore] public IReadOnlyList<string>? ResourceTypesToPick { get; init; }

    /// <summary>The clinician's time this appointment takes, buffers included.</summary>
    [JsonIgnore] public DateTimeOffset BusyStart => StartTime.AddMinutes(-BufferBeforeMinutes);
    [JsonIgnore] public DateTimeOffset BusyEnd => EndTime.AddMinutes(BufferAfterMinutes);

    /// <summary>Whether the no-double-booking rule covers this appointment.</summary>
    [JsonIgnore] public bool BlocksClinician => ClinicianProfileId is not null && !AllowOverlap && AppointmentStatuses.IsActive(Status);

    /// <summary>Whether the appointment holds its resources (allow_overlap is about the clinician only: a room holds one booking).</summary>
    [JsonIgnore] public bool BlocksResources => ResourceIds is { Count: > 0 } && AppointmentStatuses.IsActive(Status);
}

public static class AppointmentStatuses
{
    public const string PendingApproval = "pending_approval";
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Scheduled = "scheduled";
    public const string Cancelled = "cancelled";
    public const string Completed = "completed";
    public const string NoShow = "no_show";

    public static readonly IReadOnlyList<string> All = [PendingApproval, Pending, Confirmed, Scheduled, Cancelled, Completed, NoShow];

    /// <summary>Statuses a new appointment may start in.</summary>
    public static readonly IReadOnlyList<string> Bookable = [Pending, PendingApproval, Confirmed, Scheduled];

    public static bool IsActive(string status) => Bookable.Contains(status);

    /// <summary>SQL true when the status column (<paramref name="column"/>) holds an active status.</summary>
    public static string IsActiveSql(string column) => $"{column} IN ({string.Join(", ", Bookable.Select(s => $"'{s}'"))})";
}

/// <summary>The records a booking refers to, as <see cref="AppointmentStore.FindReferencesAsync"/> finds them.</summary>
public sealed record AppointmentReferences
{
    public string? PatientFirstName { get; init; }
    public string? PatientLastName { get; init; }
    public string? PatientPreferredName { get; init; }
    public string? PatientEmail { get; init; }
    public string? PatientPhone { get; init; }
    public bool PatientArchived { get; init; }
    public bool? TemplateActive { get; init; }
    public int? MaxParticipants { get; init; }
    public int? BufferBeforeMinutes { get; init; }
    public int? BufferAfterMinutes { get; init; }
    public TemplateNotifications? TemplateNotifications { get; init; }
    public IReadOnlyList<string>? TemplateRequiredResourceTypes { get; init; }
    public bool? ClinicianActive { get; init; }
    public bool? LocationActive { get; init; }
    public string? EpisodePatientId { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<Appointment>))]
[JsonSerializable(typeof(ListEnvelope<Appointment>))]
internal sealed partial class AppointmentsJson : JsonSerializerContext;
