using Leap.Client.Http;

namespace Leap.Client;

/// <summary>
/// An organisation's notification settings (<c>/notification-settings</c>) and message wording
/// (<c>/message-templates</c>). Scopes: <c>read_appointment_templates</c> to read, <c>write_appointment_templates</c>
/// to change. A template's own settings are <see cref="AppointmentTemplate.Notifications"/>; an appointment's history
/// is <see cref="AppointmentsClient.ListNotificationsAsync"/>.
/// </summary>
public sealed class NotificationsClient
{
    private readonly LeapTransport transport;
    private readonly RecordEndpoints<MessageTemplate> templates;

    internal NotificationsClient(LeapTransport transport)
    {
        this.transport = transport;
        templates = new(transport, "message-templates", LeapJsonContext.Default.DataEnvelopeMessageTemplate, LeapJsonContext.Default.ListEnvelopeMessageTemplate);
    }

    /// <summary>The settings (<c>GET /notification-settings</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    public Task<NotificationSettings> GetSettingsAsync(CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Get, "notification-settings", LeapJsonContext.Default.DataEnvelopeNotificationSettings, ct);

    /// <summary>Changes the settings (<c>PATCH /notification-settings</c>).</summary>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<NotificationSettings> UpdateSettingsAsync(NotificationSettingsUpdate changes, CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Patch, "notification-settings", LeapJsonContext.Default.DataEnvelopeNotificationSettings, ct, changes.ToJson());

    /// <summary>Every message's wording, the organisation's or Leap's own (<c>GET /message-templates</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    public async Task<IReadOnlyList<MessageTemplate>> ListMessageTemplatesAsync(CancellationToken ct = default) =>
        (await templates.ListAsync(new NoFilters(), ct)).Data;

    /// <summary>One message's wording (<c>GET /message-templates/{trigger}/{channel}</c>).</summary>
    /// <param name="trigger">booked, rescheduled, reminder, cancelled or follow_up.</param>
    /// <param name="channel">email or sms.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<MessageTemplate> GetMessageTemplateAsync(string trigger, string channel, CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Get, Path(trigger, channel), LeapJsonContext.Default.DataEnvelopeMessageTemplate, ct);

    /// <summary>Changes one message's wording (<c>PATCH /message-templates/{trigger}/{channel}</c>).</summary>
    /// <param name="trigger">booked, rescheduled, reminder, cancelled or follow_up.</param>
    /// <param name="channel">email or sms.</param>
    /// <param name="changes">The fields to change.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <exception cref="LeapValidationException">An unknown placeholder, or a field too long.</exception>
    public Task<MessageTemplate> UpdateMessageTemplateAsync(string trigger, string channel, MessageTemplateUpdate changes, CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Patch, Path(trigger, channel), LeapJsonContext.Default.DataEnvelopeMessageTemplate, ct, changes.ToJson());

    /// <summary>Back to Leap's own wording (<c>DELETE /message-templates/{trigger}/{channel}</c>); answers it.</summary>
    /// <param name="trigger">booked, rescheduled, reminder, cancelled or follow_up.</param>
    /// <param name="channel">email or sms.</param>
    /// <param name="ct">Cancels the call.</param>
    public Task<MessageTemplate> ResetMessageTemplateAsync(string trigger, string channel, CancellationToken ct = default) =>
        transport.DataAsync(HttpMethod.Delete, Path(trigger, channel), LeapJsonContext.Default.DataEnvelopeMessageTemplate, ct);

    private static string Path(string trigger, string channel) => $"message-templates/{Uri.EscapeDataString(trigger)}/{Uri.EscapeDataString(channel)}";
}
