namespace Leap.Client;

/// <summary>
/// A webhook endpoint: a URL that receives signed events. The signing <see cref="Secret"/> is in the create's
/// answer only; verify deliveries with <see cref="WebhookSignature"/>.
/// </summary>
public sealed record WebhookEndpoint
{
    /// <summary>The endpoint's id (<c>wh_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>The URL events are POSTed to.</summary>
    public string Url { get; init; } = "";
    /// <summary>The event types it receives, or <c>["*"]</c> for all; see <see cref="WebhookEventType"/>.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];
    /// <summary>False: the endpoint gets no new events (queued ones wait until it is enabled again).</summary>
    public bool IsActive { get; init; }
    /// <summary>When the endpoint was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the endpoint last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>
    /// The signing secret (<c>whsec_…</c>), in the answer to <see cref="WebhooksClient.CreateAsync"/> only: reads
    /// never show it again. Keep it like a password. To rotate, create a second endpoint and delete the first.
    /// </summary>
    public string? Secret { get; init; }
}

/// <summary>
/// One event on its way to one endpoint: an entry of the delivery log, with its last attempt's outcome. Read on
/// its own (<see cref="WebhooksClient.GetDeliveryAsync"/>, redeliver, test) it also carries <see cref="AttemptLog"/>.
/// </summary>
public sealed record WebhookDelivery
{
    /// <summary>The delivery's id.</summary>
    public string Id { get; init; } = "";
    /// <summary>The endpoint it goes to.</summary>
    public string WebhookId { get; init; } = "";
    /// <summary>The event's id (<c>evt_…</c>), sent as <c>X-Webhook-Id</c>: the same on every attempt.</summary>
    public string EventId { get; init; } = "";
    /// <summary>The event type; see <see cref="WebhookEventType"/>.</summary>
    public string EventType { get; init; } = "";
    /// <summary>pending, delivered or failed; see <see cref="WebhookDeliveryStatus"/>.</summary>
    public string Status { get; init; } = "";
    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; init; }
    /// <summary>When the next attempt is due (pending deliveries).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>When the last attempt was made.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }
    /// <summary>The HTTP status the receiver last answered.</summary>
    public int? LastStatusCode { get; init; }
    /// <summary>The first 1,000 characters of the receiver's last answer.</summary>
    public string? LastResponse { get; init; }
    /// <summary>Why the last attempt failed (a timeout, a refused connection…).</summary>
    public string? LastError { get; init; }
    /// <summary>When the receiver accepted the event.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }
    /// <summary>When the delivery was queued.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the delivery last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>
    /// Every attempt within the server's retention (30 days unless configured), oldest first; null in lists
    /// (<see cref="WebhooksClient.ListDeliveriesAsync"/>), which leave the logs out.
    /// </summary>
    public IReadOnlyList<WebhookDeliveryAttempt>? AttemptLog { get; init; }
}

/// <summary>One attempt to deliver an event: when, how long, and what the receiver answered (or why there was no answer).</summary>
public sealed record WebhookDeliveryAttempt
{
    /// <summary>The attempt's id (<c>wha_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>When the request was sent.</summary>
    public DateTimeOffset AttemptedAt { get; init; }
    /// <summary>Milliseconds from sending to the end of the answer's first kilobyte, or to the failure.</summary>
    public int DurationMs { get; init; }
    /// <summary>The HTTP status the receiver answered; null when it did not (timeout, refused connection).</summary>
    public int? StatusCode { get; init; }
    /// <summary>The first 1,000 characters of the answer.</summary>
    public string? Response { get; init; }
    /// <summary>Why the attempt did not count as delivered; null when it did.</summary>
    public string? Error { get; init; }
}

/// <summary>Values of <see cref="WebhookDelivery.Status"/>.</summary>
public static class WebhookDeliveryStatus
{
    /// <summary>Queued: waiting for its first attempt or a retry.</summary>
    public const string Pending = "pending";
    /// <summary>The receiver answered 2xx.</summary>
    public const string Delivered = "delivered";
    /// <summary>Every retry failed; <see cref="WebhooksClient.RedeliverAsync"/> queues it again.</summary>
    public const string Failed = "failed";
}

/// <summary>Event types, for <see cref="WebhookEndpoint.Events"/> and <see cref="WebhookDelivery.EventType"/>.</summary>
public static class WebhookEventType
{
    /// <summary>Every event type.</summary>
    public const string All = "*";
    /// <summary>A patient was created.</summary>
    public const string PatientCreated = "patient.created";
    /// <summary>A patient changed.</summary>
    public const string PatientUpdated = "patient.updated";
    /// <summary>A patient was archived.</summary>
    public const string PatientArchived = "patient.archived";
    /// <summary>An appointment was booked.</summary>
    public const string AppointmentCreated = "appointment.created";
    /// <summary>An appointment changed without moving.</summary>
    public const string AppointmentUpdated = "appointment.updated";
    /// <summary>An appointment was cancelled.</summary>
    public const string AppointmentCancelled = "appointment.cancelled";
    /// <summary>An appointment was completed.</summary>
    public const string AppointmentCompleted = "appointment.completed";
    /// <summary>The patient did not attend.</summary>
    public const string AppointmentNoShow = "appointment.no_show";
    /// <summary>An appointment was moved.</summary>
    public const string AppointmentRescheduled = "appointment.rescheduled";
    /// <summary>A questionnaire response was submitted (the payload leaves out the answers).</summary>
    public const string QuestionnaireResponseCreated = "questionnaire_response.created";
    /// <summary>A questionnaire response changed (the payload leaves out the answers).</summary>
    public const string QuestionnaireResponseUpdated = "questionnaire_response.updated";
    /// <summary>A clinician profile changed (accepted for Jump compatibility; not sent today).</summary>
    public const string ClinicianProfileUpdated = "clinician_profile.updated";
    /// <summary>A clinician profile was deactivated (accepted for Jump compatibility; not sent today).</summary>
    public const string ClinicianProfileDeactivated = "clinician_profile.deactivated";
    /// <summary>A location changed (accepted for Jump compatibility; not sent today).</summary>
    public const string LocationUpdated = "location.updated";
    /// <summary>A location was deactivated (accepted for Jump compatibility; not sent today).</summary>
    public const string LocationDeactivated = "location.deactivated";
    /// <summary>An appointment template changed.</summary>
    public const string AppointmentTemplateUpdated = "appointment_template.updated";
    /// <summary>An appointment template was deactivated.</summary>
    public const string AppointmentTemplateDeactivated = "appointment_template.deactivated";
    /// <summary>An episode was created.</summary>
    public const string EpisodeCreated = "episode.created";
    /// <summary>An episode changed.</summary>
    public const string EpisodeUpdated = "episode.updated";
    /// <summary>An episode was closed.</summary>
    public const string EpisodeClosed = "episode.closed";
    /// <summary>An episode was reopened.</summary>
    public const string EpisodeReopened = "episode.reopened";
    /// <summary>An episode was assigned.</summary>
    public const string EpisodeAssigned = "episode.assigned";
    /// <summary>An episode's priority changed.</summary>
    public const string EpisodePriorityChanged = "episode.priority_changed";
    /// <summary>An event was added to an episode's timeline.</summary>
    public const string EpisodeEventCreated = "episode_event.created";
    /// <summary>Sent by <see cref="WebhooksClient.SendTestAsync"/> only (cannot be subscribed to).</summary>
    public const string Test = "webhook.test";
}

/// <summary>A new endpoint. URL and events are required.</summary>
public sealed record WebhookEndpointCreate
{
    /// <summary>
    /// An absolute https URL of a public host, without credentials or fragment (required). Loopback and private
    /// addresses, and plain http, are accepted only where the server's operator allows them (docs/webhooks.md).
    /// </summary>
    public required string Url { get; init; }
    /// <summary>The event types to receive (required, not empty), or <c>["*"]</c> for all.</summary>
    public required IReadOnlyList<string> Events { get; init; }
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>Whether it receives events (server default true).</summary>
    public bool? IsActive { get; init; }
}

/// <summary>Changes to an endpoint: only the properties you set are sent; null clears name or description.</summary>
public sealed class WebhookEndpointUpdate : PatchBody
{
    /// <summary>The URL (cannot be cleared).</summary>
    public string? Url { get => Get<string>(); init => Set(value); }
    /// <summary>The event types, replaced whole (cannot be cleared).</summary>
    public IReadOnlyList<string>? Events { get => Get<IReadOnlyList<string>>(); init => Set(value); }
    /// <summary>Name.</summary>
    public string? Name { get => Get<string>(); init => Set(value); }
    /// <summary>Description.</summary>
    public string? Description { get => Get<string>(); init => Set(value); }
    /// <summary>Enable or disable (cannot be cleared).</summary>
    public bool? IsActive { get => Get<bool?>(); init => Set(value); }
}

/// <summary>Filters for <see cref="WebhooksClient.ListAsync"/> (oldest first); unset filters are not sent.</summary>
public sealed record WebhookEndpointListQuery : ListQuery
{
    /// <summary>Active or disabled endpoints.</summary>
    public bool? IsActive { get; init; }
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Created at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("is_active", IsActive);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
    }
}

/// <summary>Filters for <see cref="WebhooksClient.ListDeliveriesAsync"/> (newest first); unset filters are not sent.</summary>
public sealed record WebhookDeliveryListQuery : ListQuery
{
    /// <summary>Exact status; see <see cref="WebhookDeliveryStatus"/>.</summary>
    public string? Status { get; init; }
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyList<string>? StatusIn { get; init; }
    /// <summary>Exact event type.</summary>
    public string? EventType { get; init; }
    /// <summary>One event's delivery.</summary>
    public string? EventId { get; init; }
    /// <summary>Queued at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Queued at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("status", Status);
        query.Add("status_in", StatusIn);
        query.Add("event_type", EventType);
        query.Add("event_id", EventId);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
    }
}
