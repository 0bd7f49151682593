using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class NotificationsClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Template_settings_organisation_settings_wording_and_history_round_trip()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var leap = sdk.Client;

        var template = await leap.AppointmentTemplates.CreateAsync(new AppointmentTemplateCreate { Name = "Physio" }, ct: Ct);
        Assert.Equal(["email"], template.Notifications!.Booked!.Channels);
        Assert.Equal([1440, 120], template.Notifications.Reminders!.Select(r => r.MinutesBefore));
        var changed = await leap.AppointmentTemplates.UpdateAsync(template.Id, new AppointmentTemplateUpdate
        {
            Notifications = new TemplateNotifications
            {
                Delivery = "both", Reminders = [new ReminderNotification { MinutesBefore = 2880, Channels = ["email"] }],
            },
        }, Ct);
        Assert.Equal(("both", 2880), (changed.Notifications!.Delivery, changed.Notifications.Reminders!.Single().MinutesBefore));
        Assert.Equal(["email"], changed.Notifications.Cancelled!.Channels);
        Assert.Equal(changed, await leap.AppointmentTemplates.GetAsync(template.Id, Ct));

        var settings = await leap.Notifications.UpdateSettingsAsync(new NotificationSettingsUpdate { QuietHours = new QuietHours { Start = "20:00", End = "07:30" } }, Ct);
        Assert.Equal(("20:00", "07:30"), (settings.QuietHours!.Start, settings.QuietHours.End));
        Assert.Null((await leap.Notifications.UpdateSettingsAsync(new NotificationSettingsUpdate { QuietHours = null }, Ct)).QuietHours);

        Assert.Equal(10, (await leap.Notifications.ListMessageTemplatesAsync(Ct)).Count);
        var wording = await leap.Notifications.UpdateMessageTemplateAsync("reminder", "sms", new MessageTemplateUpdate { Text = "See you {{start_time}}" }, Ct);
        Assert.Equal(("See you {{start_time}}", false), (wording.Text, wording.IsDefault));
        var invalid = await Assert.ThrowsAsync<LeapValidationException>(() =>
            leap.Notifications.UpdateMessageTemplateAsync("reminder", "sms", new MessageTemplateUpdate { Subject = "SMS have none" }, Ct));
        Assert.Equal(["subject"], invalid.Details.Select(d => d.Field));
        Assert.True((await leap.Notifications.ResetMessageTemplateAsync("reminder", "sms", Ct)).IsDefault);
        Assert.True((await leap.Notifications.GetMessageTemplateAsync("reminder", "sms", Ct)).IsDefault);

        var patient = await t.CreatePatientAsync();
        var appointment = await leap.Appointments.CreateAsync(new AppointmentCreate
        {
            PatientId = patient, AppointmentTypeId = template.Id, Title = "Physio",
            StartTime = new DateTimeOffset(2030, 1, 7, 9, 0, 0, TimeSpan.Zero), EndTime = new DateTimeOffset(2030, 1, 7, 9, 30, 0, TimeSpan.Zero),
        }, ct: Ct);
        var history = await leap.Appointments.ListNotificationsAsync(appointment.Id, Ct);
        Assert.Equal([("booked", "email"), ("reminder", "email"), ("reminder", "webhook")], history.Select(n => (n.Trigger, n.Channel)).Order());
        Assert.All(history, n => Assert.StartsWith("ntf_", n.Id));
    }
}

public sealed class NotificationsClientTestsOnSqlite(SqliteServer s) : NotificationsClientTests(s);

public sealed class NotificationsClientTestsOnPostgres(PostgresServer s) : NotificationsClientTests(s);
