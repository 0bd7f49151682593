using System.Text.RegularExpressions;
using Leap.Browser.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leap.Browser.Tests;

/// <summary>
/// The booking page as patients meet it (docs/online-booking.md): a clinic's public page, with the code read from a
/// real SMTP server, and a manage link, in Chromium against the real server. Keyboard only and a phone's width where
/// it matters; axe on every step; screenshots of each.
/// </summary>
public abstract partial class PatientPagesTests(LeapFixture server, Chromium chromium, SmtpFixture mail)
{
    private const string Phone = "020 7946 0555";
    private readonly Screenshots shots = new();

    private async Task<(BrowserClinic Clinic, string Slug, SmtpServer Mail)> OpenAsync(Dictionary<string, string?>? extra = null)
    {
        var smtp = await mail.ServerAsync();
        var settings = smtp.Settings();
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        var clinic = await BrowserClinic.OpenAsync(server, settings: settings);
        var slug = "browser-" + Guid.NewGuid().ToString("N")[..10];
        (await clinic.Api.PatchAsync("organisation", new { slug, online_booking_enabled = true, public_name = "Browser Physio", phone = Phone })).Expect(200);
        return (clinic, slug, smtp);
    }

    private static async Task ExpectNoSidewaysScrollingAsync(BookingTab tab) =>
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways.");

    private static async Task TypeIntoAsync(BookingTab tab, string label, string text)
    {
        await tab.TabToAsync(tab.Field(label), maxPresses: 40);
        await tab.Page.Keyboard.TypeAsync(text);
    }

    [Fact]
    public async Task A_patient_books_online_with_the_emailed_code_by_keyboard_alone_on_a_phone()
    {
        var (clinic, slug, smtp) = await OpenAsync();
        await using var _ = clinic;
        var email = $"olive-{Guid.NewGuid():N}@example.com";
        await using var context = await BrowserClinic.NewContextAsync(chromium, width: 375, height: 812);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, path: $"/book/{slug}");
        var keyboard = tab.Page.Keyboard;

        await Expect(tab.Heading).ToHaveTextAsync("Choose a service");
        await Expect(tab.Page.Locator("#brand")).ToHaveTextAsync("Browser Physio online booking");
        await Expect(tab.Page.Locator("#key-info")).ToBeHiddenAsync();
        await Expect(tab.Page.Locator("#service-list label")).ToHaveTextAsync([$"{BrowserClinic.ServiceName}30 minutes · free"]);
        await tab.ExpectAccessibleAsync();
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("services");
        await tab.TabToAsync(tab.Page.GetByRole(AriaRole.Radio, new() { Name = BrowserClinic.ServiceName }));
        await keyboard.PressAsync("Space");
        await tab.TabToAsync(tab.Button("Show free times"));
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Choose a free time");
        await Expect(tab.Slots.First).ToHaveTextAsync($"08:30 to 09:00, {BrowserClinic.ClinicianName}");
        await tab.ExpectAccessibleAsync();
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("free-times");
        await tab.TabToAsync(tab.Slots.First, maxPresses: 60);
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Your details");
        // Held: the time is no longer offered to anyone else.
        Assert.DoesNotContain((await clinic.FirstWeekSlotsAsync()), s => s.GetProperty("start_time").GetString() == "2030-03-04T08:30:00Z");
        await tab.ExpectAccessibleAsync();
        await TypeIntoAsync(tab, "First name", "Olive");
        await TypeIntoAsync(tab, "Last name", "Online");
        await TypeIntoAsync(tab, "Date of birth", "06051984");
        // Typed in the order the browser's date field shows (day or month first): what it holds is what is sent.
        var dateOfBirth = await tab.Field("Date of birth").InputValueAsync();
        Assert.Contains(dateOfBirth, new[] { "1984-05-06", "1984-06-05" });
        await TypeIntoAsync(tab, "Email", email);
        await TypeIntoAsync(tab, "Phone (optional)", "07700 900321");
        // The honeypot is never reached by the keyboard: the next stop is the submit button.
        await keyboard.PressAsync("Tab");
        await Expect(tab.Button("Email me a code")).ToBeFocusedAsync();
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("details");
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Enter the code we emailed you");
        await Expect(tab.Page.Locator("#code-note")).ToContainTextAsync(email);
        var message = Assert.Single(await smtp.WaitForAsync(email, 1));
        var code = CodePattern().Match(message.TextBody ?? "").Value;
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("code");
        await TypeIntoAsync(tab, "6-digit code", code);
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Appointment booked");
        await Expect(tab.Booked("when")).ToHaveTextAsync("Monday 4 March 2030, 08:30–09:00");
        await Expect(tab.Booked("clinician")).ToHaveTextAsync(BrowserClinic.ClinicianName);
        await Expect(tab.Page.Locator("#booked a[data-field=\"manage\"]")).ToHaveAttributeAsync("href", new Regex("/manage/[A-Za-z0-9_-]{40,}$"));
        await Expect(tab.Button("Book another appointment")).ToBeVisibleAsync();
        await tab.ExpectAccessibleAsync();
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("booked");
        tab.ExpectOnlyRequestsTo(clinic.BaseUrl);
        Assert.DoesNotContain(tab.Requests, url => url.Contains("olive", StringComparison.OrdinalIgnoreCase) || url.Contains("1984", StringComparison.Ordinal));

        var booked = Assert.Single(await clinic.AppointmentsAsync());
        Assert.Equal("2030-03-04T08:30:00Z", booked.GetProperty("start_time").GetString());
        Assert.Equal("online", booked.GetProperty("booking_source").GetString());
        var patient = (await clinic.Api.GetAsync($"patients/{booked.GetProperty("patient_id").GetString()}")).Expect(200).Data;
        Assert.Equal(("Olive", email, dateOfBirth), (patient.GetProperty("first_name").GetString(), patient.GetProperty("email").GetString(),
            patient.GetProperty("date_of_birth").GetString()));
    }

    [Fact]
    public async Task A_robot_filling_the_honeypot_sees_the_usual_steps_but_gets_no_email_and_a_flood_is_refused()
    {
        var (clinic, slug, smtp) = await OpenAsync(new() { ["OnlineBooking:RateLimits:PerOrganisation"] = "6" });
        await using var _ = clinic;
        var robot = $"robot-{Guid.NewGuid():N}@example.com";
        await using var context = await BrowserClinic.NewContextAsync(chromium);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, path: $"/book/{slug}");
        await Expect(tab.Heading).ToHaveTextAsync("Choose a service");
        await tab.ChooseServiceAsync(BrowserClinic.ServiceName);
        await tab.ChooseFirstSlotAsync();
        await tab.ExpectStepAsync("Your details");
        await tab.Field("First name").FillAsync("Robo");
        await tab.Field("Last name").FillAsync("Filler");
        await tab.Field("Date of birth").FillAsync("1990-01-01");
        await tab.Field("Email").FillAsync(robot);
        await tab.Page.Locator("#df-website").FillAsync("https://spam.example", new() { Force = true });
        await tab.Button("Email me a code").ClickAsync();
        await tab.ExpectStepAsync("Enter the code we emailed you");
        await tab.ShotAsync("honeypot");

        // The robot's code never comes: a person's request made after it arrives, the robot's does not.
        var person = $"person-{Guid.NewGuid():N}@example.com";
        var hold = (await clinic.Server.Anonymous().PostAsync($"/api/v1/public/{slug}/holds",
            new { appointment_template_id = clinic.Template, clinician_profile_id = clinic.Clinician, start_time = "2030-03-04T12:00:00Z" })).Expect(201).Id;
        (await clinic.Server.Anonymous().PostAsync($"/api/v1/public/{slug}/booking-requests", new
        {
            hold_id = hold, first_name = "Pat", last_name = "Person", date_of_birth = "1980-01-01", email = person,
        })).Expect(201);
        await smtp.WaitForAsync(person, 1);
        Assert.Empty(await smtp.MessagesToAsync(robot));

        // Six requests for this clinic so far, its budget: the next, the page's, is refused.
        await tab.Page.Locator("#code-input").FillAsync("123456");
        await tab.Button("Confirm booking").ClickAsync();
        await Expect(tab.Alert).ToContainTextAsync("Too many requests for this clinic");
        await Expect(tab.Alert).ToBeFocusedAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("rate-limited");
        Assert.Empty(await clinic.AppointmentsAsync());
    }

    private async Task<(BrowserClinic Clinic, string Appointment, string Url)> BookForPatientAsync(string start, int noticeHours = 24)
    {
        var (clinic, _, _) = await OpenAsync();
        (await clinic.Api.PatchAsync($"appointment-templates/{clinic.Template}", new { cancellation_notice_hours = noticeHours })).Expect(200);
        var end = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(30);
        var booked = (await clinic.Api.PostAsync("appointments", new
        {
            title = BrowserClinic.ServiceName, patient_id = clinic.Patient, appointment_type_id = clinic.Template, clinician_profile_id = clinic.Clinician,
            location_id = clinic.Location, start_time = start, end_time = end,
        })).Expect(201);
        return (clinic, booked.Id, booked.Data.GetProperty("manage_url").GetString()!);
    }

    [Fact]
    public async Task Inside_the_window_a_manage_link_moves_and_then_cancels_the_appointment()
    {
        var (clinic, appointment, url) = await BookForPatientAsync("2030-03-06T10:00:00Z");
        await using var _ = clinic;
        await using var context = await BrowserClinic.NewContextAsync(chromium, width: 375, height: 812);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, path: new Uri(url).AbsolutePath);
        var keyboard = tab.Page.Keyboard;
        // The server's clock moves on (links are revoked by the instant of a reschedule, to the millisecond).
        clinic.Server.Clock.Advance(TimeSpan.FromMinutes(1));

        await Expect(tab.Heading).ToHaveTextAsync("Your appointment");
        await Expect(tab.Page.Locator("#managed dd[data-field=\"when\"]")).ToHaveTextAsync("Wednesday 6 March 2030, 10:00–10:30");
        await Expect(tab.Page.Locator("#manage-note")).ToContainTextAsync("until Tuesday 5 March 2030, 10:00");
        await tab.ExpectAccessibleAsync();
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("manage");
        await tab.TabToAsync(tab.Button("Move to another time"));
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Choose a free time");
        await Expect(tab.Page.Locator("#progress")).ToBeHiddenAsync();
        var thursday = tab.Page.Locator("#days .day summary", new() { HasText = "Thursday 7 March" });
        await tab.TabToAsync(thursday, maxPresses: 80);
        await keyboard.PressAsync("Enter");
        var thursdayFirst = tab.Page.Locator("#days .day[data-day=\"2030-03-07\"] .slot").First;
        await tab.TabToAsync(thursdayFirst, maxPresses: 3);
        await tab.ShotAsync("free-times");
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Move your appointment");
        await Expect(tab.Page.Locator("#move-to")).ToContainTextAsync("Thursday 7 March 2030, 08:00–08:30");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("move");
        await tab.TabToAsync(tab.Button("Move my appointment"));
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Your appointment");
        await Expect(tab.Page.Locator("#managed dd[data-field=\"when\"]")).ToHaveTextAsync("Thursday 7 March 2030, 08:00–08:30");
        // The address took the new link; the old one no longer opens anything.
        Assert.NotEqual(new Uri(url).AbsolutePath, new Uri(tab.Page.Url).AbsolutePath);
        Assert.Equal("2030-03-07T08:00:00Z", (await clinic.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data.GetProperty("start_time").GetString());
        var old = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, path: new Uri(url).AbsolutePath, prefix: "old-link-");
        await Expect(old.Heading).ToHaveTextAsync("This link cannot be used");
        await Expect(old.Alert).ToContainTextAsync("This link is not valid");
        await old.ExpectAccessibleAsync();
        await old.ShotAsync("refused");
        await old.Page.CloseAsync();

        await tab.TabToAsync(tab.Button("Cancel the appointment"));
        await keyboard.PressAsync("Enter");
        await tab.ExpectStepAsync("Cancel your appointment");
        await TypeIntoAsync(tab, "Reason (optional)", "Feeling better");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("cancel");
        await tab.TabToAsync(tab.Button("Cancel the appointment"));
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Appointment cancelled");
        await Expect(tab.Booked("status")).ToHaveTextAsync("cancelled");
        await Expect(tab.Button("Book another appointment")).ToBeHiddenAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("cancelled");
        tab.ExpectOnlyRequestsTo(clinic.BaseUrl);
        var stored = (await clinic.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data;
        Assert.Equal(("cancelled", "Feeling better"), (stored.GetProperty("status").GetString(), stored.GetProperty("cancellation_reason").GetString()));
    }

    [Fact]
    public async Task Outside_the_window_the_manage_link_offers_no_change_and_gives_the_clinics_number()
    {
        // 14:00 today, under six hours away, with 24 hours' notice required.
        var (clinic, appointment, url) = await BookForPatientAsync("2030-03-04T14:00:00Z");
        await using var _ = clinic;
        await using var context = await BrowserClinic.NewContextAsync(chromium);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, path: new Uri(url).AbsolutePath);

        await Expect(tab.Heading).ToHaveTextAsync("Your appointment");
        await Expect(tab.Page.Locator("#manage-note")).ToHaveTextAsync(
            $"This appointment can no longer be changed online: changes close 24 hours before it starts. To change it, ring the clinic on {Phone}.");
        await Expect(tab.Button("Move to another time")).ToBeHiddenAsync();
        await Expect(tab.Button("Cancel the appointment")).ToBeHiddenAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("too-late");
        // The API refuses as the page does.
        var refused = (await clinic.Server.Anonymous().PostAsync("/api/v1" + new Uri(url).AbsolutePath + "/cancel", new { })).ExpectError(409, "INVALID_STATE");
        Assert.Contains(Phone, refused.Raw);
        Assert.Equal("confirmed", (await clinic.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data.GetProperty("status").GetString());
    }

    [GeneratedRegex(@"\b[0-9]{6}\b")]
    private static partial Regex CodePattern();
}

public sealed class PatientPagesOnSqlite(SqliteServer server, Chromium chromium, SmtpFixture mail) : PatientPagesTests(server, chromium, mail);

public sealed class PatientPagesOnPostgres(PostgresServer server, Chromium chromium, SmtpFixture mail) : PatientPagesTests(server, chromium, mail);
