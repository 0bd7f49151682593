using System.Text.Json.Serialization;
using Leap.Server.Appointments;
using Leap.Server.Http;

namespace Leap.Server.Notifications;

/// <summary>One message to a patient about an appointment, as its history shows it (no body, no address: they are PHI).</summary>
public sealed record Notification
{
    public required string Id { get; init; }
    public required string AppointmentId { get; init; }
    /// <summary>Whom it is to: the appointment's patient, or a participant of a group session.</summary>
    public required string PatientId { get; init; }
    public required string Trigger { get; init; }
    public required string Channel { get; init; }
    public required string Status { get; init; }
    /// <summary>For a reminder: how long before the start it is sent.</summary>
    public int? MinutesBefore { get; init; }
    /// <summary>Why a skipped message was not sent (<see cref="SkipReasons"/>).</summary>
    public string? SkipReason { get; init; }
    public int Attempts { get; init; }
    /// <summary>The provider's id of the sent message (the email's Message-Id, the SMS provider's message id).</summary>
    public string? ProviderId { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset AppointmentStart { get; init; }
    public DateTimeOffset DueAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class NotificationTriggers
{
    public const string Booked = "booked";
    public const string Rescheduled = "rescheduled";
    public const string Reminder = "reminder";
    public const string Cancelled = "cancelled";
    public const string FollowUp = "follow_up";

    public static readonly IReadOnlyList<string> All = [Booked, Rescheduled, Reminder, Cancelled, FollowUp];
}

public static class NotificationChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
    /// <summary>Not a message: the <c>appointment.reminder_due</c> webhook event, for clinics that send reminders themselves.</summary>
    public const string Webhook = "webhook";

    /// <summary>What a template's triggers can send on.</summary>
    public static readonly IReadOnlyList<string> Messages = [Email, Sms];
}

public static class NotificationStatuses
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Skipped = "skipped";

    public static readonly IReadOnlyList<string> All = [Pending, Sent, Failed, Skipped];
}

/// <summary>Why a planned message was not sent: decided when it falls due, from the records as they are then.</summary>
public static class SkipReasons
{
    public const string AppointmentCancelled = "appointment_cancelled";
    public const string AppointmentMoved = "appointment_moved";
    public const string AppointmentFinished = "appointment_finished";
    /// <summary>A group session's participant left it: their own pending messages about it are not sent.</summary>
    public const string ParticipantLeft = "participant_left";
    public const string NoContact = "patient_contact_none";
    public const string NoConsent = "no_consent";
    public const string OtherChannelPreferred = "other_channel_preferred";
    public const string NoAddress = "no_address";
    public const string SmsOff = "sms_not_configured";
    public const string TooLate = "too_late";
}

/// <summary>The <c>appointment.reminder_due</c> webhook object: the reminder, and the appointment as it is when it falls due.</summary>
public sealed record ReminderDue
{
    public required string Id { get; init; }
    public required string AppointmentId { get; init; }
    public int MinutesBefore { get; init; }
    public DateTimeOffset DueAt { get; init; }
    public required Appointment Appointment { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ListEnvelope<Notification>))]
[JsonSerializable(typeof(DataEnvelope<TemplateNotifications>))]
[JsonSerializable(typeof(TemplateNotifications))]
[JsonSerializable(typeof(DataEnvelope<NotificationSettings>))]
[JsonSerializable(typeof(DataEnvelope<MessageTemplate>))]
[JsonSerializable(typeof(ListEnvelope<MessageTemplate>))]
[JsonSerializable(typeof(ReminderDue))]
internal sealed partial class NotificationsJson : JsonSerializerContext;
