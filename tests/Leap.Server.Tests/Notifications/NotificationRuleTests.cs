using Leap.Server.Appointments;
using Leap.Server.Notifications;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Notifications;

/// <summary>The pure rules of notifications: what a change plans, quiet hours, and how placeholders render.</summary>
public sealed class NotificationRuleTests
{
    private static readonly DateTimeOffset Now = Clinic.At("2030-01-07T10:00:00Z");

    private static readonly Appointment Booked = new()
    {
        Id = "apt_1", PatientId = "pat_1", Title = "Assessment", Status = AppointmentStatuses.Confirmed, BookingSource = "api",
        StartTime = Clinic.At("2030-01-09T09:00:00Z"), EndTime = Clinic.At("2030-01-09T09:45:00Z"), CreatedAt = Now, UpdatedAt = Now,
    };

    private static List<string> Plan(Appointment? before, Appointment after, TemplateNotifications? settings = null) =>
        NotificationPlanner.Decide(before, after, settings ?? TemplateNotifications.Defaults).Planned
            .Select(p => $"{p.Trigger}/{p.Channel}/{p.Occurrence}@{p.DueAt:yyyy-MM-dd'T'HH:mm}").ToList();

    [Fact]
    public void A_booking_plans_its_confirmation_now_and_the_reminders_not_yet_past()
    {
        Assert.Equal(
            ["booked/email/1@2030-01-07T10:00", "reminder/email/1440@2030-01-09T09:00:00.000Z@2030-01-08T09:00", "reminder/sms/120@2030-01-09T09:00:00.000Z@2030-01-09T07:00"],
            Plan(null, Booked));
        var tomorrowMorning = Booked with { StartTime = Clinic.At("2030-01-08T09:00:00Z"), UpdatedAt = Clinic.At("2030-01-07T10:00:00Z") };
        Assert.Equal(["booked/email/1@2030-01-07T10:00", "reminder/sms/120@2030-01-08T09:00:00.000Z@2030-01-08T07:00"], Plan(null, tomorrowMorning));
        Assert.Empty(Plan(null, Booked with { Status = AppointmentStatuses.Cancelled }));
    }

    [Fact]
    public void Only_a_new_start_a_cancellation_or_a_completion_plans_more()
    {
        var later = Now.AddMinutes(5);
        Assert.Empty(Plan(Booked, Booked with { Title = "Renamed", UpdatedAt = later }));
        Assert.Equal(
            ["rescheduled/email/2030-01-07T10:05:00.000Z@2030-01-07T10:05", "reminder/email/1440@2030-01-10T11:00:00.000Z@2030-01-09T11:00",
             "reminder/sms/120@2030-01-10T11:00:00.000Z@2030-01-10T09:00"],
            Plan(Booked, Booked with { StartTime = Clinic.At("2030-01-10T11:00:00Z"), UpdatedAt = later }));
        var (cancelled, outdated) = NotificationPlanner.Decide(Booked, Booked with { Status = AppointmentStatuses.Cancelled, UpdatedAt = later }, TemplateNotifications.Defaults);
        Assert.Equal(["cancelled"], cancelled.Select(p => p.Trigger));
        Assert.Equal(SkipReasons.AppointmentCancelled, outdated!.Value.Reason);
        Assert.Empty(Plan(Booked, Booked with { Status = AppointmentStatuses.Completed, UpdatedAt = later }));
        var withFollowUp = TemplateNotifications.Defaults with { FollowUp = new FollowUpSetting { Channels = ["sms"], MinutesAfter = 60 } };
        Assert.Equal(["follow_up/sms/1@2030-01-07T11:05"], Plan(Booked, Booked with { Status = AppointmentStatuses.Completed, UpdatedAt = later }, withFollowUp));
    }

    [Fact]
    public void Delivery_by_webhook_plans_reminder_events_and_no_message()
    {
        Assert.Equal(
            ["reminder/webhook/1440@2030-01-09T09:00:00.000Z@2030-01-08T09:00", "reminder/webhook/120@2030-01-09T09:00:00.000Z@2030-01-09T07:00"],
            Plan(null, Booked, TemplateNotifications.Defaults with { Delivery = TemplateNotifications.ByWebhook }));
        Assert.Equal(5, Plan(null, Booked, TemplateNotifications.Defaults with { Delivery = TemplateNotifications.ByBoth }).Count);
    }

    [Theory]
    [InlineData("2030-07-01T19:59:00Z", "2030-07-01T19:59:00Z")] // 20:59 BST: before the window
    [InlineData("2030-07-01T20:00:00Z", "2030-07-02T07:00:00Z")] // 21:00 BST: held until 08:00 BST
    [InlineData("2030-07-02T03:00:00Z", "2030-07-02T07:00:00Z")] // 04:00 BST, after midnight
    [InlineData("2030-07-02T07:00:00Z", "2030-07-02T07:00:00Z")] // 08:00 BST: the window is over
    [InlineData("2030-01-07T21:30:00Z", "2030-01-08T08:00:00Z")] // 21:30 GMT
    public void Quiet_hours_across_midnight_hold_until_their_local_end(string due, string release)
    {
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        Assert.Equal(Clinic.At(release), new QuietHours("21:00", "08:00").Release(Clinic.At(due), london));
    }

    [Fact]
    public void Quiet_hours_within_a_day_hold_until_their_end()
    {
        var utc = TimeZoneInfo.Utc;
        Assert.Equal(Clinic.At("2030-01-07T14:00:00Z"), new QuietHours("12:00", "14:00").Release(Clinic.At("2030-01-07T12:30:00Z"), utc));
        Assert.Equal(Clinic.At("2030-01-07T11:59:00Z"), new QuietHours("12:00", "14:00").Release(Clinic.At("2030-01-07T11:59:00Z"), utc));
    }

    [Fact]
    public void Placeholders_render_and_lines_without_a_value_are_left_out()
    {
        var facts = new MessageFacts
        {
            PatientFirstName = "Ada <3", Service = "Physio", StartTime = "Monday 7 January 2030 at 10:00", TimeZone = "Europe/London", Organisation = "Clinic",
        };
        Assert.Equal("Hello Ada <3,\nSee you Monday 7 January 2030 at 10:00.", MessageTemplates.Render("Hello {{patient_first_name}},\nClinician: {{clinician}}\nSee you {{ start_time }}.", facts));
        Assert.Equal("<b>Ada &lt;3</b>", MessageTemplates.Render("<b>{{patient_first_name}}</b>", facts, html: true));
        Assert.Equal("<!DOCTYPE html><html><body style=\"font-family: sans-serif\"><p>Hi &amp; bye<br><a href=\"https://x.test/m\">https://x.test/m</a></p></body></html>",
            MessageTemplates.HtmlFromText("Hi & bye\nhttps://x.test/m"));
    }
}
