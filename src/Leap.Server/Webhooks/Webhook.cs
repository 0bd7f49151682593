using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Webhooks;

/// <summary>A receiver of events. The signing secret is returned once, by the create; reads never carry it.</summary>
public sealed record WebhookEndpoint
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public required string Url { get; init; }
    public IReadOnlyList<string> Events { get; init; } = [];
    public bool IsActive { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Secret { get; init; }
}

/// <summary>
/// One event on its way to one endpoint: the delivery log entry, with its last attempt's outcome. A single
/// delivery's answers (get, test, redeliver) also carry <see cref="AttemptLog"/>; list items leave it out.
/// </summary>
public sealed record WebhookDelivery
{
    public required string Id { get; init; }
    public required string WebhookId { get; init; }
    public required string EventId { get; init; }
    public required string EventType { get; init; }
    public required string Status { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastResponse { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Every attempt still within the retention, oldest first (the last one is the <c>last_*</c> fields').</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<WebhookDeliveryAttempt>? AttemptLog { get; init; }
}

/// <summary>One attempt to deliver: when it started, how long it took, and what the receiver answered (or why none).</summary>
public sealed record WebhookDeliveryAttempt
{
    public required string Id { get; init; }
    public DateTimeOffset AttemptedAt { get; init; }
    /// <summary>From sending the request to the end of the answer's first kilobyte, or to the failure.</summary>
    public int DurationMs { get; init; }
    public int? StatusCode { get; init; }
    /// <summary>The first 1,000 characters of the answer.</summary>
    public string? Response { get; init; }
    /// <summary>Why the attempt did not count as delivered; null when it did.</summary>
    public string? Error { get; init; }
}

public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Pending, Delivered, Failed];
}

/// <summary>Every event type Leap emits (Jump's list plus episode events). Endpoints subscribe to types or to "*".</summary>
public static class WebhookEventTypes
{
    public const string All = "*";
    public const string PatientCreated = "patient.created";
    public const string PatientUpdated = "patient.updated";
    public const string PatientArchived = "patient.archived";
    public const string AppointmentCreated = "appointment.created";
    public const string AppointmentUpdated = "appointment.updated";
    public const string AppointmentCancelled = "appointment.cancelled";
    public const string AppointmentCompleted = "appointment.completed";
    public const string AppointmentNoShow = "appointment.no_show";
    public const string AppointmentRescheduled = "appointment.rescheduled";
    /// <summary>A reminder's time has come (templates whose notifications deliver by webhook, docs/notifications.md).</summary>
    public const string AppointmentReminderDue = "appointment.reminder_due";
    public const string AppointmentSeriesCreated = "appointment_series.created";
    public const string AppointmentParticipantAdded = "appointment.participant_added";
    public const string AppointmentParticipantRemoved = "appointment.participant_removed";
    public const string QuestionnaireResponseCreated = "questionnaire_response.created";
    public const string QuestionnaireResponseUpdated = "questionnaire_response.updated";
    public const string ClinicianProfileCreated = "clinician_profile.created";
    public const string ClinicianProfileUpdated = "clinician_profile.updated";
    public const string ClinicianProfileDeactivated = "clinician_profile.deactivated";
    public const string LocationCreated = "location.created";
    public const string LocationUpdated = "location.updated";
    public const string LocationDeactivated = "location.deactivated";
    public const string AppointmentTemplateUpdated = "appointment_template.updated";
    public const string AppointmentTemplateDeactivated = "appointment_template.deactivated";
    public const string EpisodeCreated = "episode.created";
    public const string EpisodeUpdated = "episode.updated";
    public const string EpisodeClosed = "episode.closed";
    public const string EpisodeReopened = "episode.reopened";
    public const string EpisodeAssigned = "episode.assigned";
    public const string EpisodePriorityChanged = "episode.priority_changed";
    public const string EpisodeEventCreated = "episode_event.created";
    /// <summary>A freed slot is held for a waitlist entry (docs/waitlist.md); the payload carries the hold and the claim link.</summary>
    public const string WaitlistOffered = "waitlist.offered";
    public const string WaitlistExpired = "waitlist.expired";
    /// <summary>Sent only by <c>POST /webhooks/{id}/test</c>, to that endpoint, whatever it subscribes to.</summary>
    public const string Test = "webhook.test";

    /// <summary>What an endpoint may subscribe to.</summary>
    public static readonly IReadOnlyList<string> Subscribable =
    [
        PatientCreated, PatientUpdated, PatientArchived,
        AppointmentCreated, AppointmentUpdated, AppointmentCancelled, AppointmentCompleted, AppointmentNoShow, AppointmentRescheduled, AppointmentReminderDue,
        AppointmentSeriesCreated, AppointmentParticipantAdded, AppointmentParticipantRemoved, QuestionnaireResponseCreated, QuestionnaireResponseUpdated,
        ClinicianProfileCreated, ClinicianProfileUpdated, ClinicianProfileDeactivated, LocationCreated, LocationUpdated, LocationDeactivated,
        AppointmentTemplateUpdated, AppointmentTemplateDeactivated,
        EpisodeCreated, EpisodeUpdated, EpisodeClosed, EpisodeReopened, EpisodeAssigned, EpisodePriorityChanged, EpisodeEventCreated,
        WaitlistOffered, WaitlistExpired,
    ];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<WebhookEndpoint>))]
[JsonSerializable(typeof(ListEnvelope<WebhookEndpoint>))]
[JsonSerializable(typeof(DataEnvelope<WebhookDelivery>))]
[JsonSerializable(typeof(ListEnvelope<WebhookDelivery>))]
internal sealed partial class WebhooksJson : JsonSerializerContext;
