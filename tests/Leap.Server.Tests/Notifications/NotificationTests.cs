using System.Globalization;
using System.Text;
using System.Text.Json;
using Ical.Net;
using Leap.Server.Locations;
using Leap.Server.Notifications;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Leap.Server.Tests.Notifications;

/// <summary>
/// Messages to patients (docs/notifications.md), read back from a real SMTP server (smtp4dev). Each test has a server
/// and a database of its own with a clock it moves, and runs the notification worker itself, one round at a time,
/// so "not sent yet" is a fact about the database rather than a wait.
/// </summary>
public abstract class NotificationTests(LeapFixture server, SmtpFixture mail) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2030, 1, 7, 10, 0, 0, TimeSpan.Zero);
    private const string Start = "2030-01-09T09:00:00Z";
    private readonly List<IAsyncDisposable> cleanup = [];
    private SmtpServer smtp = null!;

    public async ValueTask InitializeAsync() => smtp = await mail.ServerAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(cleanup))
        {
            await item.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private sealed record Practice(LeapAppFactory App, FakeTimeProvider Clock, TestTenant T, string Location, string Clinician, string Template)
    {
        public ApiClient Api => T.Api;

        /// <summary>One round of the worker: whatever is due at the clock's time is handled before this returns.</summary>
        public Task<int> RunAsync() => App.Services.GetRequiredService<NotificationWorker>().RunOnceAsync(TestContext.Current.CancellationToken);

        public async Task<string> BookAsync(string patient, string start = Start, object? extra = null)
        {
            var body = new Dictionary<string, object?>
            {
                ["patient_id"] = patient, ["appointment_type_id"] = Template, ["clinician_profile_id"] = Clinician, ["location_id"] = Location,
                ["title"] = "Assessment", ["start_time"] = start, ["end_time"] = Clinic.At(start).AddMinutes(45).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
            foreach (var property in extra?.GetType().GetProperties() ?? [])
            {
                body[property.Name] = property.GetValue(extra);
            }
            return (await Api.PostAsync("appointments", body)).Expect(201).Id;
        }

        public async Task<List<JsonElement>> HistoryAsync(string appointment) =>
            (await Api.GetAsync($"appointments/{appointment}/notifications")).Expect(200).Data.EnumerateArray().ToList();

        public void At(string instant) => Clock.SetUtcNow(Clinic.At(instant));
    }

    private async Task<Practice> OpenAsync(DateTimeOffset? now = null, Dictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(now ?? Now);
        var all = server.NewIsolatedDatabase();
        foreach (var (key, value) in smtp.Settings().Concat(settings ?? []))
        {
            all[key] = value;
        }
        // The test runs the worker's rounds itself (Practice.RunAsync).
        all["Notifications:Enabled"] = "false";
        var app = new LeapAppFactory(all, s => s.AddSingleton<TimeProvider>(clock));
        _ = app.BaseUrl;
        cleanup.Add(app);
        var t = await TestTenant.OnAsync(server, app);
        var location = new Location
        {
            Id = Ids.New(Ids.Location), Name = "Riverside Clinic", AddressLine1 = "1 Test Street", TownCity = "Testbury", Postcode = "TE1 1ST",
            Phone = "+441632960001", Timezone = "Europe/London", IsActive = true, CreatedAt = Now, UpdatedAt = Now,
        };
        await t.WriteAsync(db => LocationStore.InsertAsync(db, location, default));
        var clinician = await t.CreateClinicianAsync("Dr Jane Example", locationIds: location.Id);
        var template = await t.CreateTemplateAsync("Physiotherapy assessment", 45);
        return new Practice(app, clock, t, location.Id, clinician, template);
    }

    private static string NewEmail() => $"patient-{Guid.NewGuid():N}@example.com";

    private static int patients;

    /// <summary>A patient called Ada with <paramref name="email"/> (and the fields of <paramref name="extra"/>).</summary>
    private static async Task<string> PatientAsync(Practice p, string email, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["first_name"] = "Ada", ["last_name"] = "Testperson", ["email"] = email,
            ["date_of_birth"] = new DateOnly(1960, 1, 1).AddDays(Interlocked.Increment(ref patients)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return (await p.Api.PostAsync("patients", body)).Expect(201).Id;
    }

    private static JsonElement Row(IEnumerable<JsonElement> history, string trigger, string channel, int? minutesBefore = null) =>
        Assert.Single(history, n => n.GetProperty("trigger").GetString() == trigger && n.GetProperty("channel").GetString() == channel
            && (minutesBefore is null || n.GetProperty("minutes_before").GetInt32() == minutesBefore));

    private static string Status(JsonElement row) => row.GetProperty("status").GetString()!;

    private static (MimePart Part, CalendarCollection Calendars) Invite(MimeMessage message)
    {
        var part = Assert.Single(message.Attachments.OfType<MimePart>(), p => p.ContentType.MimeType == "text/calendar");
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return (part, CalendarCollection.Load(Encoding.UTF8.GetString(stream.ToArray())));
    }

    /// <summary>A request body that stays open until <see cref="Finish"/>: its request is in flight at the server until then.</summary>
    private sealed class HeldBody : HttpContent
    {
        private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBody() => Headers.ContentType = new("application/json");

        public void Finish() => finished.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync("{\"first_name\": "u8.ToArray());
            await stream.FlushAsync();
            await finished.Task;
            await stream.WriteAsync("\"Held\"}"u8.ToArray());
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Under_load_the_worker_gives_way_to_requests_until_the_message_is_late()
    {
        // Giving way from one request in flight, so one held request stands for a saturated server.
        var p = await OpenAsync(settings: new() { ["Notifications:GiveWayAt"] = "1", ["Notifications:GiveWayFor"] = "00:00:30" });
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email));

        var held = new HeldBody();
        var request = p.Api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients") { Content = held });
        var load = p.App.Services.GetRequiredService<Leap.Server.Http.RequestLoad>();
        while (load.InFlight == 0)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        var round = p.RunAsync();
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.False(round.IsCompleted);
        Assert.Equal("pending", Status(Row(await p.HistoryAsync(appointment), "booked", "email")));

        held.Finish();
        (await request).Expect(422);
        Assert.Equal(1, await round);
        Assert.Equal("sent", Status(Row(await p.HistoryAsync(appointment), "booked", "email")));
        Assert.Single(await smtp.WaitForAsync(email, 1));

        // A message already 30 seconds late goes out whatever the load.
        var late = await p.BookAsync(await PatientAsync(p, NewEmail()), "2030-01-09T11:00:00Z");
        p.Clock.Advance(TimeSpan.FromSeconds(30));
        var second = new HeldBody();
        var secondRequest = p.Api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients") { Content = second });
        while (load.InFlight == 0)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.Equal(1, await p.RunAsync());
        Assert.Equal("sent", Status(Row(await p.HistoryAsync(late), "booked", "email")));
        second.Finish();
        (await secondRequest).Expect(422);
    }

    [Fact]
    public async Task Booking_sends_one_confirmation_with_a_calendar_invite_and_plans_the_default_reminders()
    {
        var p = await OpenAsync();
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email));

        Assert.Equal(1, await p.RunAsync());
        Assert.Equal(0, await p.RunAsync());

        var message = Assert.Single(await smtp.WaitForAsync(email, 1));
        Assert.Equal("booked", message.Headers["X-Leap-Trigger"]);
        Assert.Equal("Your appointment on Wednesday 9 January 2030 at 09:00", message.Subject);
        Assert.Equal("clinic@leap.test", message.From.Mailboxes.Single().Address);
        Assert.Contains("Hello Ada,", message.TextBody);
        Assert.Contains("Your appointment for Physiotherapy assessment is booked for Wednesday 9 January 2030 at 09:00 (Europe/London).", message.TextBody);
        Assert.Contains("Clinician: Dr Jane Example", message.TextBody);
        Assert.Contains("Address: 1 Test Street, Testbury, TE1 1ST", message.TextBody);
        // The patient's own manage link (docs/online-booking.md), a token of its own: no id of the appointment in it.
        Assert.Matches(@"Manage your booking: http\S*/manage/[A-Za-z0-9_-]{40,}", message.TextBody);
        Assert.DoesNotContain(appointment, message.TextBody);
        Assert.DoesNotContain("{{", message.TextBody);
        Assert.Contains("<p>Hello Ada,</p>", message.HtmlBody);

        var (part, calendars) = Invite(message);
        Assert.Equal("REQUEST", part.ContentType.Parameters["method"]);
        var calendar = Assert.Single(calendars);
        Assert.Equal("REQUEST", calendar.Method);
        var invite = Assert.Single(calendar.Events);
        Assert.Equal($"{appointment}@leap", invite.Uid);
        Assert.Equal(0, invite.Sequence);
        Assert.Equal(new DateTime(2030, 1, 9, 9, 0, 0, DateTimeKind.Utc), invite.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2030, 1, 9, 9, 45, 0, DateTimeKind.Utc), invite.DtEnd!.AsUtc);
        Assert.Equal("mailto:" + email, invite.Attendees.Single().Value!.ToString(), ignoreCase: true);

        var history = await p.HistoryAsync(appointment);
        Assert.Equal(3, history.Count);
        var booked = Row(history, "booked", "email");
        Assert.Equal(("sent", 1), (Status(booked), booked.GetProperty("attempts").GetInt32()));
        Assert.Equal(message.MessageId, booked.GetProperty("provider_id").GetString());
        Assert.StartsWith("ntf_", booked.GetProperty("id").GetString());
        Assert.False(booked.TryGetProperty("body", out _));
        var dayBefore = Row(history, "reminder", "email", 1440);
        Assert.Equal(("pending", "2030-01-08T09:00:00Z"), (Status(dayBefore), dayBefore.GetProperty("due_at").GetString()));
        var twoHours = Row(history, "reminder", "sms", 120);
        Assert.Equal(("pending", "2030-01-09T07:00:00Z"), (Status(twoHours), twoHours.GetProperty("due_at").GetString()));

        // The same booking replayed with its Idempotency-Key plans nothing more.
        var db = p.App.Services.GetRequiredService<Database>();
        Assert.Equal(3, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM notifications"));
    }

    [Fact]
    public async Task Reminders_go_out_at_their_offsets_as_the_clock_moves()
    {
        var p = await OpenAsync();
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email));
        await p.RunAsync();

        p.At("2030-01-08T08:59:59Z");
        Assert.Equal(0, await p.RunAsync());
        Assert.Equal("pending", Status(Row(await p.HistoryAsync(appointment), "reminder", "email", 1440)));

        p.At("2030-01-08T09:00:00Z");
        Assert.Equal(1, await p.RunAsync());
        var messages = await smtp.WaitForAsync(email, 2);
        Assert.Equal("reminder", messages[1].Headers["X-Leap-Trigger"]);
        Assert.Equal("Reminder: your appointment on Wednesday 9 January 2030 at 09:00", messages[1].Subject);
        Assert.Empty(messages[1].Attachments);
        var reminder = Row(await p.HistoryAsync(appointment), "reminder", "email", 1440);
        Assert.Equal(("sent", "2030-01-08T09:00:00Z"), (Status(reminder), reminder.GetProperty("sent_at").GetString()));

        // The 2-hour reminder is an SMS, and this server has no SMS provider: recorded as skipped, and why.
        p.At("2030-01-09T07:00:00Z");
        Assert.Equal(1, await p.RunAsync());
        var sms = Row(await p.HistoryAsync(appointment), "reminder", "sms", 120);
        Assert.Equal(("skipped", "sms_not_configured"), (Status(sms), sms.GetProperty("skip_reason").GetString()));
        Assert.Equal(2, (await smtp.MessagesToAsync(email)).Count);
    }

    [Fact]
    public async Task A_move_sends_an_update_of_the_same_invite_and_plans_the_reminders_again()
    {
        var p = await OpenAsync();
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email));
        await p.RunAsync();

        p.At("2030-01-07T10:05:00Z");
        (await p.Api.PatchAsync($"appointments/{appointment}", new { start_time = "2030-01-10T11:00:00Z" })).Expect(200);
        Assert.Equal(1, await p.RunAsync());
        var messages = await smtp.WaitForAsync(email, 2);
        var moved = messages[1];
        Assert.Equal("rescheduled", moved.Headers["X-Leap-Trigger"]);
        Assert.Equal("Your appointment has moved to Thursday 10 January 2030 at 11:00", moved.Subject);
        var first = Assert.Single(Invite(messages[0]).Calendars.Single().Events);
        var update = Assert.Single(Invite(moved).Calendars.Single().Events);
        Assert.Equal(first.Uid, update.Uid);
        Assert.True(update.Sequence > first.Sequence, $"SEQUENCE {update.Sequence} after {first.Sequence}");
        Assert.Equal(new DateTime(2030, 1, 10, 11, 0, 0, DateTimeKind.Utc), update.DtStart!.AsUtc);

        var history = await p.HistoryAsync(appointment);
        var old = Assert.Single(history, n => n.GetProperty("minutes_before").ValueKind == JsonValueKind.Number
            && n.GetProperty("minutes_before").GetInt32() == 1440 && n.GetProperty("appointment_start").GetString() == Start);
        Assert.Equal(("skipped", "appointment_moved"), (Status(old), old.GetProperty("skip_reason").GetString()));
        var replanned = Assert.Single(history, n => n.GetProperty("trigger").GetString() == "reminder" && n.GetProperty("channel").GetString() == "email"
            && Status(n) == "pending");
        Assert.Equal("2030-01-09T11:00:00Z", replanned.GetProperty("due_at").GetString());

        // At the old reminder's time nothing goes out; at the new one, the reminder names the new time.
        p.At("2030-01-08T09:00:00Z");
        Assert.Equal(0, await p.RunAsync());
        p.At("2030-01-09T11:00:00Z");
        Assert.Equal(1, await p.RunAsync());
        messages = await smtp.WaitForAsync(email, 3);
        Assert.Equal("Reminder: your appointment on Thursday 10 January 2030 at 11:00", messages[2].Subject);
    }

    [Fact]
    public async Task A_cancellation_sends_a_cancel_invite_and_no_reminder_follows()
    {
        var p = await OpenAsync();
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email));
        await p.RunAsync();

        p.At("2030-01-07T10:05:00Z");
        (await p.Api.PostAsync($"appointments/{appointment}/cancel", new { cancellation_reason = "Feeling better" })).Expect(200);
        Assert.Equal(1, await p.RunAsync());
        var messages = await smtp.WaitForAsync(email, 2);
        var cancelled = messages[1];
        Assert.Equal("cancelled", cancelled.Headers["X-Leap-Trigger"]);
        var (part, calendars) = Invite(cancelled);
        Assert.Equal("CANCEL", part.ContentType.Parameters["method"]);
        var calendar = calendars.Single();
        Assert.Equal("CANCEL", calendar.Method);
        var withdrawn = Assert.Single(calendar.Events);
        var original = Invite(messages[0]).Calendars.Single().Events.Single();
        Assert.Equal(original.Uid, withdrawn.Uid);
        Assert.True(withdrawn.Sequence > original.Sequence);
        Assert.Equal("CANCELLED", withdrawn.Status);

        p.At("2030-01-09T08:00:00Z");
        Assert.Equal(0, await p.RunAsync());
        Assert.Equal(2, (await smtp.MessagesToAsync(email)).Count);
        var history = await p.HistoryAsync(appointment);
        Assert.All(history.Where(n => n.GetProperty("trigger").GetString() == "reminder"),
            n => Assert.Equal(("skipped", "appointment_cancelled"), (Status(n), n.GetProperty("skip_reason").GetString())));
    }

    [Fact]
    public async Task Group_participants_get_their_own_confirmation_and_reminders_and_a_leaver_alone_gets_a_cancellation()
    {
        var p = await OpenAsync();
        (await p.Api.PatchAsync($"appointment-templates/{p.Template}", new { max_participants = 3 })).Expect(200);
        var (ada, bea, cal) = (NewEmail(), NewEmail(), NewEmail());
        var booker = await PatientAsync(p, ada);
        var session = await p.BookAsync(booker);
        var joiner = await PatientAsync(p, bea);
        var leaver = await PatientAsync(p, cal);
        (await p.Api.PostAsync($"appointments/{session}/participants", new { patient_id = joiner })).Expect(201);
        (await p.Api.PostAsync($"appointments/{session}/participants", new { patient_id = leaver })).Expect(201);
        Assert.Equal(3, await p.RunAsync());
        var confirmation = Assert.Single(await smtp.WaitForAsync(bea, 1));
        Assert.Equal("booked", confirmation.Headers["X-Leap-Trigger"]);
        Assert.Contains("Physiotherapy assessment", confirmation.TextBody);
        // The manage link moves or cancels the whole session: the booking patient's alone.
        Assert.DoesNotContain("/manage/", confirmation.TextBody);
        Assert.Matches(@"/manage/[A-Za-z0-9_-]{40,}", Assert.Single(await smtp.WaitForAsync(ada, 1)).TextBody);
        var history = await p.HistoryAsync(session);
        foreach (var patient in new[] { booker, joiner, leaver })
        {
            var own = history.Where(n => n.GetProperty("patient_id").GetString() == patient).ToList();
            Assert.Equal("sent", Status(Row(own, "booked", "email")));
            Assert.Equal("pending", Status(Row(own, "reminder", "email", 1440)));
        }

        p.At("2030-01-07T10:05:00Z");
        (await p.Api.DeleteAsync($"appointments/{session}/participants/{leaver}")).Expect(200);
        Assert.Equal(1, await p.RunAsync());
        Assert.Equal(["booked", "cancelled"], (await smtp.WaitForAsync(cal, 2)).Select(m => m.Headers["X-Leap-Trigger"]));
        Assert.Single(await smtp.MessagesToAsync(ada));
        Assert.Single(await smtp.MessagesToAsync(bea));
        history = await p.HistoryAsync(session);
        Assert.All(history.Where(n => n.GetProperty("patient_id").GetString() == leaver && n.GetProperty("trigger").GetString() == "reminder"),
            n => Assert.Equal(("skipped", "participant_left"), (Status(n), n.GetProperty("skip_reason").GetString())));
        Assert.All(history.Where(n => n.GetProperty("patient_id").GetString() != leaver && n.GetProperty("trigger").GetString() == "reminder"),
            n => Assert.Equal("pending", Status(n)));

        // The session called off: everyone still taking part is told, the leaver nothing more; no reminder follows.
        p.At("2030-01-07T10:10:00Z");
        (await p.Api.PostAsync($"appointments/{session}/cancel", new { cancellation_reason = "Instructor unwell" })).Expect(200);
        Assert.Equal(2, await p.RunAsync());
        Assert.Equal(["booked", "cancelled"], (await smtp.WaitForAsync(ada, 2)).Select(m => m.Headers["X-Leap-Trigger"]));
        Assert.Equal(["booked", "cancelled"], (await smtp.WaitForAsync(bea, 2)).Select(m => m.Headers["X-Leap-Trigger"]));
        p.At("2030-01-09T08:00:00Z");
        Assert.Equal(0, await p.RunAsync());
        Assert.Equal(2, (await smtp.MessagesToAsync(cal)).Count);
        Assert.Equal(2, (await smtp.MessagesToAsync(bea)).Count);
    }

    [Fact]
    public async Task Nothing_is_sent_to_a_patient_who_wants_no_contact_or_gave_no_consent_nor_for_an_appointment_cancelled_first()
    {
        var p = await OpenAsync();
        var (silent, refused, late) = (NewEmail(), NewEmail(), NewEmail());
        var none = await p.BookAsync(await PatientAsync(p, silent, new { preferred_contact_method = "none" }));
        var noConsent = await p.BookAsync(await PatientAsync(p, refused, new { consent_email = false }), "2030-01-09T10:00:00Z");
        var cancelledFirst = await p.BookAsync(await PatientAsync(p, late), "2030-01-09T11:00:00Z");
        (await p.Api.PostAsync($"appointments/{cancelledFirst}/cancel", new { })).Expect(200);
        await p.Api.PatchAsync("appointment-templates/" + p.Template, new { notifications = new { cancelled = new { channels = Array.Empty<string>() } } });

        await p.RunAsync();

        Assert.Equal(("skipped", "patient_contact_none"), Skip(Row(await p.HistoryAsync(none), "booked", "email")));
        Assert.Equal(("skipped", "no_consent"), Skip(Row(await p.HistoryAsync(noConsent), "booked", "email")));
        Assert.Equal(("skipped", "appointment_cancelled"), Skip(Row(await p.HistoryAsync(cancelledFirst), "booked", "email")));
        p.At("2030-01-09T08:30:00Z");
        await p.RunAsync();
        foreach (var address in new[] { silent, refused })
        {
            Assert.Empty(await smtp.MessagesToAsync(address));
        }
        // The cancellation notice was planned with the booking's template as it was; only it reaches the patient.
        Assert.Equal(["cancelled"], (await smtp.MessagesToAsync(late)).Select(m => m.Headers["X-Leap-Trigger"]));

        static (string, string?) Skip(JsonElement row) => (Status(row), row.GetProperty("skip_reason").GetString());
    }

    [Fact]
    public async Task Quiet_hours_hold_a_message_until_they_end_in_the_location_time_zone()
    {
        var p = await OpenAsync(Clinic.At("2030-07-01T21:30:00Z"));
        var settings = (await p.Api.PatchAsync("notification-settings", new { quiet_hours = new { start = "21:00", end = "08:00" } })).Expect(200).Data;
        Assert.Equal("21:00", settings.GetProperty("quiet_hours").GetProperty("start").GetString());
        Assert.Equal(("smtp", "none"), (settings.GetProperty("email_delivery").GetString(), settings.GetProperty("sms_provider").GetString()));
        var bad = (await p.Api.PatchAsync("notification-settings", new { quiet_hours = new { start = "25:00" } })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["quiet_hours.start", "quiet_hours.end"], bad.ErrorFields);
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email), "2030-07-03T09:00:00Z");

        // 22:30 in London (BST): the confirmation waits for 08:00 local, 07:00 UTC, and the wait is not an attempt.
        Assert.Equal(1, await p.RunAsync());
        var held = Row(await p.HistoryAsync(appointment), "booked", "email");
        Assert.Equal(("pending", 0, "2030-07-02T07:00:00Z"),
            (Status(held), held.GetProperty("attempts").GetInt32(), held.GetProperty("next_attempt_at").GetString()));
        p.At("2030-07-02T06:59:00Z");
        Assert.Equal(0, await p.RunAsync());
        Assert.Empty(await smtp.MessagesToAsync(email));

        p.At("2030-07-02T07:00:00Z");
        Assert.Equal(1, await p.RunAsync());
        Assert.Single(await smtp.WaitForAsync(email, 1));
        Assert.Equal(1, Row(await p.HistoryAsync(appointment), "booked", "email").GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task A_template_delivering_by_webhook_raises_reminder_due_once_per_offset_and_sends_no_message()
    {
        var p = await OpenAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        (await p.Api.PostAsync("webhooks", new { url = receiver.Url, events = new[] { "appointment.reminder_due" } })).Expect(201);
        var template = (await p.Api.PatchAsync($"appointment-templates/{p.Template}", new { notifications = new { delivery = "webhook" } })).Expect(200).Data;
        Assert.Equal("webhook", template.GetProperty("notifications").GetProperty("delivery").GetString());
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email));
        var history = await p.HistoryAsync(appointment);
        Assert.Equal([("reminder", "webhook", 1440), ("reminder", "webhook", 120)],
            history.Select(n => (n.GetProperty("trigger").GetString(), n.GetProperty("channel").GetString(), n.GetProperty("minutes_before").GetInt32())));

        p.At("2030-01-08T09:00:00Z");
        Assert.Equal(1, await p.RunAsync());
        Assert.Equal(0, await p.RunAsync());
        var events = await receiver.WaitForAsync(r => r.Count >= 1);
        var due = events[0].Json;
        Assert.Equal("appointment.reminder_due", due.GetProperty("type").GetString());
        var reminder = due.GetProperty("data").GetProperty("object");
        Assert.Equal((appointment, 1440, "2030-01-08T09:00:00Z"),
            (reminder.GetProperty("appointment_id").GetString(), reminder.GetProperty("minutes_before").GetInt32(), reminder.GetProperty("due_at").GetString()));
        Assert.Equal(Start, reminder.GetProperty("appointment").GetProperty("start_time").GetString());

        p.At("2030-01-09T07:00:00Z");
        Assert.Equal(1, await p.RunAsync());
        events = await receiver.WaitForAsync(r => r.Count >= 2);
        Assert.Equal(120, events[1].Json.GetProperty("data").GetProperty("object").GetProperty("minutes_before").GetInt32());
        Assert.All(await p.HistoryAsync(appointment), n => Assert.Equal("sent", Status(n)));
        Assert.Empty(await smtp.MessagesToAsync(email));
    }

    [Fact]
    public async Task Template_notifications_default_validate_and_stay_editable_once_booked()
    {
        var p = await OpenAsync();
        var defaults = (await p.Api.GetAsync($"appointment-templates/{p.Template}")).Expect(200).Data.GetProperty("notifications");
        Assert.Equal(
            """{"delivery":"leap","booked":{"channels":["email"]},"rescheduled":{"channels":["email"]},"cancelled":{"channels":["email"]},"follow_up":{"channels":[],"minutes_after":1440},"reminders":[{"minutes_before":1440,"channels":["email"]},{"minutes_before":120,"channels":["sms"]}]}""",
            defaults.GetRawText());

        var bad = (await p.Api.PatchAsync($"appointment-templates/{p.Template}", new
        {
            notifications = new { delivery = "pigeon", booked = new { channels = new[] { "fax" } }, reminders = new[] { new { minutes_before = 0, channels = new[] { "email" } } } },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["notifications.booked.channels", "notifications.delivery", "notifications.reminders[0].minutes_before"], bad.ErrorFields.Order());

        await p.BookAsync(await PatientAsync(p, NewEmail()));
        var changed = (await p.Api.PatchAsync($"appointment-templates/{p.Template}", new
        {
            notifications = new { reminders = new[] { new { minutes_before = 2880, channels = new[] { "email", "sms" } } }, follow_up = new { channels = new[] { "email" }, minutes_after = 60 } },
        })).Expect(200).Data.GetProperty("notifications");
        Assert.Equal("""[{"minutes_before":2880,"channels":["email","sms"]}]""", changed.GetProperty("reminders").GetRawText());
        Assert.Equal("""{"channels":["email"],"minutes_after":60}""", changed.GetProperty("follow_up").GetRawText());
        Assert.Equal("""{"channels":["email"]}""", changed.GetProperty("booked").GetRawText());
    }

    [Fact]
    public async Task An_organisation_words_its_own_messages_and_a_follow_up_goes_after_completion()
    {
        var p = await OpenAsync();
        var list = (await p.Api.GetAsync("message-templates")).Expect(200).Data;
        Assert.Equal(10, list.GetArrayLength());
        Assert.All(list.EnumerateArray(), t => Assert.True(t.GetProperty("is_default").GetBoolean()));
        var bad = (await p.Api.PatchAsync("message-templates/follow_up/email", new { subject = "Hi {{first_name}}" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["subject"], bad.ErrorFields);
        (await p.Api.GetAsync("message-templates/follow_up/fax")).ExpectError(404, "NOT_FOUND");
        var own = (await p.Api.PatchAsync("message-templates/follow_up/email", new
        {
            subject = "How was {{service}}, {{patient_first_name}}?", text = "Thank you from {{organisation}}.\nCall us on {{location_phone}}.",
        })).Expect(200).Data;
        Assert.False(own.GetProperty("is_default").GetBoolean());
        (await p.Api.PatchAsync($"appointment-templates/{p.Template}", new { notifications = new { follow_up = new { channels = new[] { "email" }, minutes_after = 60 } } })).Expect(200);

        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email), "2030-01-07T10:30:00Z");
        await p.RunAsync();
        p.At("2030-01-07T11:20:00Z");
        (await p.Api.PostAsync($"appointments/{appointment}/complete")).Expect(200);
        await p.RunAsync();
        p.At("2030-01-07T12:19:00Z");
        Assert.Equal(0, await p.RunAsync());
        p.At("2030-01-07T12:20:00Z");
        Assert.Equal(1, await p.RunAsync());
        var followUp = (await smtp.WaitForAsync(email, 2))[1];
        Assert.Equal("How was Physiotherapy assessment, Ada?", followUp.Subject);
        Assert.Contains("Call us on +441632960001.", followUp.TextBody);
        Assert.Contains("Thank you from Test org ", followUp.TextBody);

        (await p.Api.DeleteAsync("message-templates/follow_up/email")).Expect(200);
        Assert.True((await p.Api.GetAsync("message-templates/follow_up/email")).Expect(200).Data.GetProperty("is_default").GetBoolean());
    }

    [Fact]
    public async Task An_sms_goes_through_GOV_UK_Notify_alone_when_the_patient_prefers_sms()
    {
        var notificationId = Guid.NewGuid().ToString();
        await using var notify = await ProviderStub.StartAsync(201, $$$"""
            {"id": "{{{notificationId}}}", "reference": "r", "uri": "https://notify.invalid/v2/notifications/{{{notificationId}}}",
             "template": {"id": "{{{Guid.NewGuid()}}}", "version": 1, "uri": "https://notify.invalid/t"},
             "content": {"body": "text", "from_number": "LEAP"}}
            """);
        var templateId = Guid.NewGuid().ToString();
        var p = await OpenAsync(settings: new()
        {
            ["Notifications:Sms:Provider"] = "govuk_notify", ["Notifications:Sms:BaseUrl"] = notify.Url,
            ["Notifications:Sms:GovukNotify:ApiKey"] = $"leaptest-{Guid.NewGuid()}-{Guid.NewGuid()}", ["Notifications:Sms:GovukNotify:TemplateId"] = templateId,
        });
        (await p.Api.PatchAsync($"appointment-templates/{p.Template}", new { notifications = new { booked = new { channels = new[] { "email", "sms" } } } })).Expect(200);
        var email = NewEmail();
        var appointment = await p.BookAsync(await PatientAsync(p, email, new { mobile_phone = "+447700900123", preferred_contact_method = "sms" }));

        Assert.Equal(2, await p.RunAsync());

        var call = Assert.Single(notify.Calls);
        Assert.Equal(("POST", "/v2/notifications/sms"), (call.Method, call.Path));
        Assert.StartsWith("Bearer ", call.Authorization);
        var sent = JsonDocument.Parse(call.Body).RootElement;
        Assert.Equal(("+447700900123", templateId), (sent.GetProperty("phone_number").GetString(), sent.GetProperty("template_id").GetString()));
        Assert.StartsWith("Test org ", sent.GetProperty("personalisation").GetProperty("body").GetString());
        Assert.Contains(": your Physiotherapy assessment appointment is booked for Wednesday 9 January 2030 at 09:00.",
            sent.GetProperty("personalisation").GetProperty("body").GetString());
        var history = await p.HistoryAsync(appointment);
        var sms = Row(history, "booked", "sms");
        Assert.Equal(("sent", notificationId), (Status(sms), sms.GetProperty("provider_id").GetString()));
        Assert.Equal(sms.GetProperty("id").GetString(), sent.GetProperty("reference").GetString());
        var skipped = Row(history, "booked", "email");
        Assert.Equal(("skipped", "other_channel_preferred"), (Status(skipped), skipped.GetProperty("skip_reason").GetString()));
        Assert.Empty(await smtp.MessagesToAsync(email));
    }

    [Fact]
    public async Task An_sms_goes_through_Twilio_and_a_refused_one_is_retried_then_failed()
    {
        await using var twilio = await ProviderStub.StartAsync(201, """{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}""");
        var p = await OpenAsync(settings: new()
        {
            ["Notifications:Sms:Provider"] = "twilio", ["Notifications:Sms:BaseUrl"] = twilio.Url, ["Notifications:Sms:Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Notifications:Sms:Twilio:AuthToken"] = "test-token", ["Notifications:Sms:Twilio:From"] = "+447700900001",
            ["Notifications:RetryDelays"] = "00:01:00",
        });
        (await p.Api.PatchAsync($"appointment-templates/{p.Template}", new { notifications = new { booked = new { channels = new[] { "sms" } } } })).Expect(200);
        var appointment = await p.BookAsync(await PatientAsync(p, NewEmail(), new { mobile_phone = "+447700900124" }));

        Assert.Equal(1, await p.RunAsync());

        var call = Assert.Single(twilio.Calls);
        Assert.Equal(("POST", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json"), (call.Method, call.Path));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("AC0123456789abcdef0123456789abcdef:test-token")), call.Authorization);
        var form = System.Web.HttpUtility.ParseQueryString(call.Body);
        Assert.Equal(("+447700900124", "+447700900001"), (form["To"], form["From"]));
        Assert.Contains("appointment is booked for Wednesday 9 January 2030 at 09:00", form["Body"]);
        var sms = Row(await p.HistoryAsync(appointment), "booked", "sms");
        Assert.Equal(("sent", "SM0123456789abcdef0123456789abcdef"), (Status(sms), sms.GetProperty("provider_id").GetString()));

        // A provider that refuses: tried again after the one retry delay, then failed with its error.
        await using var down = await ProviderStub.StartAsync(500, """{"code": 20500, "message": "Internal Server Error", "status": 500}""");
        var refused = await OpenAsync(settings: new()
        {
            ["Notifications:Sms:Provider"] = "twilio", ["Notifications:Sms:BaseUrl"] = down.Url, ["Notifications:Sms:Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Notifications:Sms:Twilio:AuthToken"] = "test-token", ["Notifications:Sms:Twilio:From"] = "+447700900001", ["Notifications:RetryDelays"] = "00:01:00",
        });
        (await refused.Api.PatchAsync($"appointment-templates/{refused.Template}", new { notifications = new { booked = new { channels = new[] { "sms" } } } })).Expect(200);
        var failing = await refused.BookAsync(await PatientAsync(refused, NewEmail(), new { mobile_phone = "+447700900125" }));
        Assert.Equal(1, await refused.RunAsync());
        var retry = Row(await refused.HistoryAsync(failing), "booked", "sms");
        Assert.Equal(("pending", 1, "2030-01-07T10:01:00Z"), (Status(retry), retry.GetProperty("attempts").GetInt32(), retry.GetProperty("next_attempt_at").GetString()));
        refused.At("2030-01-07T10:01:00Z");
        Assert.Equal(1, await refused.RunAsync());
        var failed = Row(await refused.HistoryAsync(failing), "booked", "sms");
        Assert.Equal(("failed", 2), (Status(failed), failed.GetProperty("attempts").GetInt32()));
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("last_error").GetString()));
        Assert.Equal(2, down.Calls.Count);
    }

    [Fact]
    public async Task The_history_is_the_organisations_own()
    {
        var p = await OpenAsync();
        var appointment = await p.BookAsync(await PatientAsync(p, NewEmail()));
        var other = await TestTenant.OnAsync(server, p.App);
        (await other.Api.GetAsync($"appointments/{appointment}/notifications")).ExpectError(404, "NOT_FOUND");
        (await p.Api.GetAsync("appointments/apt_00000000-0000-7000-8000-000000000000/notifications")).ExpectError(404, "NOT_FOUND");
        Assert.Equal(3, (await p.HistoryAsync(appointment)).Count);
    }
}

public sealed class NotificationTestsOnSqlite(SqliteServer s, SmtpFixture m) : NotificationTests(s, m);

public sealed class NotificationTestsOnPostgres(PostgresServer s, SmtpFixture m) : NotificationTests(s, m);
