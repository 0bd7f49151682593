namespace Leap.Client;

/// <summary>One message to a patient about an appointment, as its history shows it (no text, no address).</summary>
public sealed record AppointmentNotification
{
    /// <summary>The message's id (<c>ntf_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The appointment it is about.</summary>
    public string AppointmentId { get; init; } = "";
    /// <summary>Whom it is to: the appointment's patient, or a participant of a group session.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>booked, rescheduled, reminder, cancelled or follow_up.</summary>
    public string Trigger { get; init; } = "";
    /// <summary>email, sms, or webhook (the appointment.reminder_due event).</summary>
    public string Channel { get; init; } = "";
    /// <summary>pending, sent, failed or skipped.</summary>
    public string Status { get; init; } = "";
    /// <summary>For a reminder: how many minutes before the start it goes out.</summary>
    public int? MinutesBefore { get; init; }
    /// <summary>Why a skipped message was not sent, e.g. appointment_cancelled, patient_contact_none, no_consent.</summary>
    public string? SkipReason { get; init; }
    /// <summary>Send attempts so far.</summary>
    public int Attempts { get; init; }
    /// <summary>The provider's id of the sent message (the email's Message-Id, the SMS provider's id).</summary>
    public string? ProviderId { get; init; }
    /// <summary>The last failed attempt's error.</summary>
    public string? LastError { get; init; }
    /// <summary>The appointment start the message was planned for.</summary>
    public DateTimeOffset AppointmentStart { get; init; }
    /// <summary>When it is (or was) due.</summary>
    public DateTimeOffset DueAt { get; init; }
    /// <summary>When a pending message is next tried.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>When it was sent.</summary>
    public DateTimeOffset? SentAt { get; init; }
    /// <summary>When it was planned.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What an appointment template sends to patients (its <c>notifications</c> object).</summary>
public sealed record TemplateNotifications
{
    /// <summary>leap (Leap sends), webhook (appointment.reminder_due events only) or both.</summary>
    public string Delivery { get; init; } = "leap";
    /// <summary>Channels of the booking confirmation.</summary>
    public NotificationChannels? Booked { get; init; }
    /// <summary>Channels of the notice of a move.</summary>
    public NotificationChannels? Rescheduled { get; init; }
    /// <summary>Channels of the notice of a cancellation.</summary>
    public NotificationChannels? Cancelled { get; init; }
    /// <summary>The follow-up after completion.</summary>
    public FollowUpNotification? FollowUp { get; init; }
    /// <summary>The reminders (up to 5).</summary>
    public IReadOnlyList<ReminderNotification>? Reminders { get; init; }

    /// <summary>Equal when every member is, lists item by item.</summary>
    public bool Equals(TemplateNotifications? other) =>
        other is not null && Delivery == other.Delivery && Equals(Booked, other.Booked) && Equals(Rescheduled, other.Rescheduled)
        && Equals(Cancelled, other.Cancelled) && Equals(FollowUp, other.FollowUp) && ListsEqual(Reminders, other.Reminders);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Delivery, Booked, Reminders?.Count);

    private static bool ListsEqual<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
}

/// <summary>The channels of one trigger: email and/or sms; empty turns it off.</summary>
public sealed record NotificationChannels
{
    /// <summary>email, sms.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Equal when the channels are, in order.</summary>
    public bool Equals(NotificationChannels? other) => other is not null && Channels.SequenceEqual(other.Channels);

    /// <inheritdoc/>
    public override int GetHashCode() => Channels.Count;
}

/// <summary>The follow-up message after an appointment is completed.</summary>
public sealed record FollowUpNotification
{
    /// <summary>email, sms; empty (the default) sends none.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];
    /// <summary>How long after completion it goes out (default 1440).</summary>
    public int MinutesAfter { get; init; }

    /// <summary>Equal when the channels (in order) and the delay are.</summary>
    public bool Equals(FollowUpNotification? other) => other is not null && MinutesAfter == other.MinutesAfter && Channels.SequenceEqual(other.Channels);

    /// <inheritdoc/>
    public override int GetHashCode() => MinutesAfter;
}

/// <summary>One reminder.</summary>
public sealed record ReminderNotification
{
    /// <summary>Minutes before the start, 1 to 43200.</summary>
    public int MinutesBefore { get; init; }
    /// <summary>email, sms.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Equal when the offset and the channels (in order) are.</summary>
    public bool Equals(ReminderNotification? other) => other is not null && MinutesBefore == other.MinutesBefore && Channels.SequenceEqual(other.Channels);

    /// <inheritdoc/>
    public override int GetHashCode() => MinutesBefore;
}

/// <summary>An organisation's notification settings.</summary>
public sealed record NotificationSettings
{
    /// <summary>No message goes out between these local times; null: none.</summary>
    public QuietHours? QuietHours { get; init; }
    /// <summary>smtp, or pickup_folder when the server has no SMTP server set.</summary>
    public string EmailDelivery { get; init; } = "";
    /// <summary>none, govuk_notify or twilio.</summary>
    public string SmsProvider { get; init; } = "";
    /// <summary>When the settings last changed (null: never).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A nightly window in the location's local time, e.g. 21:00 to 08:00.</summary>
public sealed record QuietHours
{
    /// <summary>HH:mm.</summary>
    public string Start { get; init; } = "";
    /// <summary>HH:mm.</summary>
    public string End { get; init; } = "";
}

/// <summary>Changes to <see cref="NotificationSettings"/>: only the properties you set are sent.</summary>
public sealed class NotificationSettingsUpdate : PatchBody
{
    /// <summary>The quiet hours (null removes them).</summary>
    public QuietHours? QuietHours { get => Get<QuietHours>(); init => Set(value); }
}

/// <summary>The wording of one message (trigger and channel); placeholders are written {{name}}.</summary>
public sealed record MessageTemplate
{
    /// <summary>booked, rescheduled, reminder, cancelled or follow_up.</summary>
    public string Trigger { get; init; } = "";
    /// <summary>email or sms.</summary>
    public string Channel { get; init; } = "";
    /// <summary>The email's subject.</summary>
    public string? Subject { get; init; }
    /// <summary>The plain text.</summary>
    public string Text { get; init; } = "";
    /// <summary>The email's HTML (null: made from the text).</summary>
    public string? Html { get; init; }
    /// <summary>True while it is Leap's built-in wording.</summary>
    public bool IsDefault { get; init; }
    /// <summary>When the organisation last changed it.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>Changes to a <see cref="MessageTemplate"/>: only the properties you set are sent.</summary>
public sealed class MessageTemplateUpdate : PatchBody
{
    /// <summary>The email's subject.</summary>
    public string? Subject { get => Get<string>(); init => Set(value); }
    /// <summary>The plain text.</summary>
    public string? Text { get => Get<string>(); init => Set(value); }
    /// <summary>The email's HTML (null: made from the text).</summary>
    public string? Html { get => Get<string>(); init => Set(value); }
}
