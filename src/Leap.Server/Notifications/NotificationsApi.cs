using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Notifications;

/// <summary>
/// The notification routes (docs/notifications.md): an appointment's history, and the organisation's settings and
/// message wording. A template's own settings are its <c>notifications</c> object (appointment templates API).
/// </summary>
public static class NotificationsApi
{
    public static void MapNotifications(this IEndpointRouteBuilder api)
    {
        api.MapGet("/appointments/{id}/notifications", History).WithTags("Appointments").RequireScope(Scopes.ReadAppointments);

        var settings = api.MapGroup("/notification-settings").WithTags("Notifications");
        settings.MapGet("/", GetSettings).RequireScope(Scopes.ReadAppointmentTemplates);
        settings.MapPatch("/", UpdateSettings).RequireScope(Scopes.WriteAppointmentTemplates)
            .Reads("NotificationSettingsUpdate", r => NotificationSettings.Apply(r, new NotificationSettings(), Sample.Now),
                """{"quiet_hours": {"start": "21:00", "end": "08:00"}}""", partial: true);

        var templates = api.MapGroup("/message-templates").WithTags("Notifications");
        templates.MapGet("/", ListTemplates).RequireScope(Scopes.ReadAppointmentTemplates);
        templates.MapGet("/{trigger}/{channel}", GetTemplate).RequireScope(Scopes.ReadAppointmentTemplates);
        templates.MapPatch("/{trigger}/{channel}", UpdateTemplate).RequireScope(Scopes.WriteAppointmentTemplates)
            .Reads("MessageTemplateUpdate", r => MessageTemplates.Apply(r, MessageTemplates.Default(NotificationTriggers.Booked, NotificationChannels.Email), Sample.Now),
                """{"subject": "See you on {{start_time}}", "text": "Hello {{patient_first_name}},\n\nYou are booked for {{service}} on {{start_time}}.\n\n{{organisation}}"}""",
                partial: true);
        templates.MapDelete("/{trigger}/{channel}", ResetTemplate).RequireScope(Scopes.WriteAppointmentTemplates);
    }

    private static async Task<ApiList<Notification>> History(string id, TenantDb db, CancellationToken ct)
    {
        _ = await AppointmentStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("appointment", id);
        var items = await NotificationStore.ForAppointmentAsync(db, id, ct);
        return Api.List(new Page<Notification>(items, items.Count, 0, false));
    }

    private static async Task<ApiData<NotificationSettings>> GetSettings(TenantDb db, EmailOptions email, NotificationOptions options, CancellationToken ct) =>
        Api.Ok(Describe(await NotificationStore.SettingsAsync(db, ct), email, options));

    private static async Task<ApiData<NotificationSettings>> UpdateSettings(HttpContext http, TenantDb db, EmailOptions email, NotificationOptions options,
        TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var reader = new BodyReader(body.Root);
        var settings = NotificationSettings.Apply(reader, await NotificationStore.SettingsAsync(db, ct), TypeHandlers.Truncate(clock.GetUtcNow()));
        reader.ThrowIfInvalid();
        await NotificationStore.SaveSettingsAsync(db, settings, ct);
        return Api.Ok(Describe(settings, email, options));
    }

    private static NotificationSettings Describe(NotificationSettings settings, EmailOptions email, NotificationOptions options) =>
        settings with { EmailDelivery = email.UsesSmtp ? "smtp" : "pickup_folder", SmsProvider = options.Sms.Provider };

    private static async Task<ApiList<MessageTemplate>> ListTemplates(TenantDb db, CancellationToken ct)
    {
        var items = await NotificationStore.MessageTemplatesAsync(db, ct);
        return Api.List(new Page<MessageTemplate>(items, items.Count, 0, false));
    }

    private static async Task<ApiData<MessageTemplate>> GetTemplate(string trigger, string channel, TenantDb db, CancellationToken ct)
    {
        Check(trigger, channel);
        return Api.Ok(await NotificationStore.MessageTemplateAsync(db, trigger, channel, ct));
    }

    private static async Task<ApiData<MessageTemplate>> UpdateTemplate(string trigger, string channel, HttpContext http, TenantDb db, TimeProvider clock,
        CancellationToken ct)
    {
        Check(trigger, channel);
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var reader = new BodyReader(body.Root);
        var template = MessageTemplates.Apply(reader, await NotificationStore.MessageTemplateAsync(db, trigger, channel, ct), TypeHandlers.Truncate(clock.GetUtcNow()));
        reader.ThrowIfInvalid();
        await NotificationStore.SaveMessageTemplateAsync(db, template, ct);
        return Api.Ok(template);
    }

    private static async Task<ApiData<MessageTemplate>> ResetTemplate(string trigger, string channel, TenantDb db, CancellationToken ct)
    {
        Check(trigger, channel);
        await NotificationStore.ResetMessageTemplateAsync(db, trigger, channel, ct);
        return Api.Ok(MessageTemplates.Default(trigger, channel));
    }

    /// <summary>A trigger and channel that no message has is a 404 naming the ones there are.</summary>
    private static void Check(string trigger, string channel)
    {
        if (!NotificationTriggers.All.Contains(trigger) || !NotificationChannels.Messages.Contains(channel))
        {
            throw new ApiException(404, ErrorCodes.NotFound,
                $"There is no message template {trigger}/{channel}. Triggers: {string.Join(", ", NotificationTriggers.All)}; channels: {string.Join(", ", NotificationChannels.Messages)}.");
        }
    }
}
