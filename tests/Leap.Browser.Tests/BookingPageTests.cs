using Leap.Browser.Tests.Infrastructure;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leap.Browser.Tests;

/// <summary>
/// The booking page in a real Chromium against the real server: what a front-desk user sees and does, and
/// what the API holds afterwards. Screenshots of every step land in TestResults/screenshots in the test output.
/// </summary>
public abstract class BookingPageTests(LeapFixture server, Chromium chromium)
{
    private readonly Screenshots shots = new();

    /// <summary>A browser context for the tests that need no free times: the shared server and the real clock.</summary>
    private Task<IBrowserContext> NewContextAsync()
    {
        Assert.SkipWhen(server.Unavailable is not null, server.Unavailable ?? "");
        return chromium.Browser.NewContextAsync(new() { Locale = "en-GB" });
    }

    [Fact]
    public async Task Books_an_appointment_end_to_end_and_the_API_has_it()
    {
        await using var clinic = await BrowserClinic.OpenAsync(server);
        var start = new DateTimeOffset(2030, 3, 4, 8, 30, 0, TimeSpan.Zero);
        Assert.Equal(start, (await clinic.FirstWeekSlotsAsync())[0].GetProperty("start_time").GetDateTimeOffset());
        // The device is in New York; the clinic, and so every time shown, is in London.
        await using var context = await BrowserClinic.NewContextAsync(chromium, timezone: "America/New_York");
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots);

        await Expect(tab.Heading).ToHaveTextAsync("Enter your API key");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("key");
        await tab.EnterKeyAsync(clinic.Key);

        await tab.ExpectStepAsync("Choose a service");
        await Expect(tab.Page.Locator("#key-mode")).ToHaveTextAsync("Test mode");
        await Expect(tab.Page.Locator("#service-list label")).ToHaveTextAsync([$"{BrowserClinic.ServiceName}30 minutes · free"]);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("services");
        await tab.ChooseServiceAsync(BrowserClinic.ServiceName);

        await Expect(tab.Page.Locator("#week-label")).ToHaveTextAsync("4 Mar – 10 Mar 2030");
        await Expect(tab.Button("Previous week")).ToBeDisabledAsync();
        await Expect(tab.Page.Locator("#zone-note")).ToHaveTextAsync(
            "Times are shown in the clinic's time zone (Europe/London); this device is set to America/New_York.");
        await Expect(tab.Page.Locator("#days .day summary")).ToHaveTextAsync([
            "Monday 4 March37 free times", "Tuesday 5 March39 free times", "Wednesday 6 March39 free times", "Thursday 7 March39 free times",
            "Friday 8 March39 free times", "Saturday 9 March39 free times", "Sunday 10 March39 free times"]);
        await Expect(tab.Slots.First).ToHaveTextAsync($"08:30 to 09:00, {BrowserClinic.ClinicianName}");
        await Expect(tab.Slots.Last).ToHaveTextAsync($"17:30 to 18:00, {BrowserClinic.ClinicianName}");
        await Expect(tab.Page.Locator("#status")).ToHaveTextAsync("271 free times from 4 Mar – 10 Mar 2030.");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("free-times");
        Assert.Equal("08:30", await tab.ChooseFirstSlotAsync());

        await tab.ExpectStepAsync("Find or add the patient");
        await Expect(tab.Choice("slot")).ToContainTextAsync($"Monday 4 March 2030, 08:30–09:00 · {BrowserClinic.ClinicianName} · {BrowserClinic.LocationName}");
        await tab.ShotAsync("patient");
        await tab.Button("Add a new patient").ClickAsync();
        await Expect(tab.Field("First name")).ToBeFocusedAsync();
        await tab.Field("First name").FillAsync("Nia");
        await tab.Field("Last name").FillAsync("Newpatient");
        await tab.Field("Date of birth").FillAsync("1990-07-21");
        await tab.Field("Email (optional)").FillAsync("nia.newpatient@example.com");
        await tab.Field("Phone (optional)").FillAsync("+44 7700 900555");
        await tab.ShotAsync("new-patient");
        await tab.Button("Add patient and continue").ClickAsync();

        await tab.ExpectStepAsync("Check and book");
        await Expect(tab.Choice("patient")).ToContainTextAsync("Nia Newpatient, born 21 July 1990");
        await Expect(tab.Choice("service")).ToContainTextAsync($"{BrowserClinic.ServiceName} (30 minutes)");
        await tab.Field("Notes for the clinician (optional)").FillAsync("First visit, booked at the desk.");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("confirm");
        await tab.Button("Book appointment").ClickAsync();

        await tab.ExpectStepAsync("Appointment booked");
        var reference = await tab.Booked("reference").InnerTextAsync();
        await Expect(tab.Booked("patient")).ToHaveTextAsync("Nia Newpatient");
        await Expect(tab.Booked("service")).ToHaveTextAsync(BrowserClinic.ServiceName);
        await Expect(tab.Booked("when")).ToHaveTextAsync("Monday 4 March 2030, 08:30–09:00");
        await Expect(tab.Booked("clinician")).ToHaveTextAsync(BrowserClinic.ClinicianName);
        await Expect(tab.Booked("location")).ToHaveTextAsync(BrowserClinic.LocationName);
        await Expect(tab.Booked("status")).ToHaveTextAsync("confirmed");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("booked");

        // The API holds exactly what the page showed.
        var appointment = (await clinic.Api.GetAsync($"appointments/{reference}")).Expect(200).Data;
        var patient = (await clinic.Api.GetAsync($"patients/{appointment.GetProperty("patient_id").GetString()}")).Expect(200).Data;
        Assert.Equal(("Nia", "Newpatient", "1990-07-21", "nia.newpatient@example.com"), (patient.GetProperty("first_name").GetString(),
            patient.GetProperty("last_name").GetString(), patient.GetProperty("date_of_birth").GetString(), patient.GetProperty("email").GetString()));
        Assert.Equal((start, start.AddMinutes(30)), (appointment.GetProperty("start_time").GetDateTimeOffset(), appointment.GetProperty("end_time").GetDateTimeOffset()));
        Assert.Equal((clinic.Clinician, clinic.Template, clinic.Location), (appointment.GetProperty("clinician_profile_id").GetString(),
            appointment.GetProperty("appointment_type_id").GetString(), appointment.GetProperty("location_id").GetString()));
        Assert.Equal((BrowserClinic.ServiceName, "First visit, booked at the desk.", "confirmed"), (appointment.GetProperty("title").GetString(),
            appointment.GetProperty("description").GetString(), appointment.GetProperty("status").GetString()));
        Assert.Single(await clinic.AppointmentsAsync());
        Assert.DoesNotContain(await clinic.FirstWeekSlotsAsync(), s => s.GetProperty("start_time").GetDateTimeOffset() == start);
        tab.ExpectOnlyRequestsTo(clinic.BaseUrl);
    }

    [Fact]
    public async Task Two_tabs_booking_the_same_slot_give_one_appointment_and_a_slot_taken_message()
    {
        await using var clinic = await BrowserClinic.OpenAsync(server);
        await using var context = await BrowserClinic.NewContextAsync(chromium);
        var tabs = new[]
        {
            await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, "key=" + clinic.Key, "tab-a-"),
            await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, "key=" + clinic.Key, "tab-b-"),
        };
        foreach (var tab in tabs)
        {
            await tab.ChooseServiceAsync(BrowserClinic.ServiceName);
            Assert.Equal("08:30", await tab.ChooseFirstSlotAsync());
            await tab.ChooseExistingPatientAsync("testperson", BrowserClinic.PatientName);
            await tab.ExpectStepAsync("Check and book");
            await tab.ShotAsync("confirm");
        }

        // Both front desks press Book at the same moment.
        await Task.WhenAll(tabs.Select(tab => tab.Button("Book appointment").ClickAsync()));
        foreach (var tab in tabs)
        {
            await Expect(tab.Page.Locator("#step-done:not([hidden]), #step-slot:not([hidden])")).ToBeVisibleAsync();
        }
        var booked = new List<BookingTab>();
        foreach (var tab in tabs)
        {
            if (await tab.Page.Locator("#step-done").IsVisibleAsync())
            {
                booked.Add(tab);
            }
        }
        var winner = Assert.Single(booked);
        var loser = Assert.Single(tabs.Except(booked));

        await winner.ShotAsync("booked");
        await Expect(loser.Alert).ToHaveTextAsync("This time was just taken by another booking. Pick another time: the list below has been refreshed.");
        await Expect(loser.Alert).ToBeFocusedAsync();
        await Expect(loser.Heading).ToHaveTextAsync("Choose a free time");
        await Expect(loser.Choice("slot")).ToBeHiddenAsync();
        await Expect(loser.Choice("patient")).ToContainTextAsync(BrowserClinic.PatientName);
        // The refreshed list no longer offers 08:30, nor 08:45 (inside the 30-minute appointment).
        await Expect(loser.Slots.First).ToHaveTextAsync($"09:00 to 09:30, {BrowserClinic.ClinicianName}");
        await Expect(loser.Page.Locator("#days .day summary").First).ToHaveTextAsync("Monday 4 March35 free times");
        await loser.ExpectAccessibleAsync();
        await loser.ShotAsync("slot-taken");

        // The loser picks the next time; the patient is remembered, so it goes straight to the confirmation.
        await loser.Slots.First.ClickAsync();
        await loser.ExpectStepAsync("Check and book");
        await loser.Button("Book appointment").ClickAsync();
        await loser.ExpectStepAsync("Appointment booked");
        await loser.ShotAsync("booked-another-time");

        var appointments = await clinic.AppointmentsAsync();
        Assert.Equal([new DateTimeOffset(2030, 3, 4, 8, 30, 0, TimeSpan.Zero), new DateTimeOffset(2030, 3, 4, 9, 0, 0, TimeSpan.Zero)],
            appointments.Select(a => a.GetProperty("start_time").GetDateTimeOffset()).Order());
        Assert.All(appointments, a => Assert.Equal(clinic.Patient, a.GetProperty("patient_id").GetString()));
        Assert.Equal([await winner.Booked("reference").InnerTextAsync(), await loser.Booked("reference").InnerTextAsync()],
            appointments.OrderBy(a => a.GetProperty("start_time").GetDateTimeOffset()).Select(a => a.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Books_with_the_keyboard_alone_on_a_phone_width_screen()
    {
        await using var clinic = await BrowserClinic.OpenAsync(server);
        await using var context = await BrowserClinic.NewContextAsync(chromium, width: 375, height: 812);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots);
        var keyboard = tab.Page.Keyboard;

        await tab.TabToAsync(tab.Field("API key"));
        await keyboard.InsertTextAsync(clinic.Key);
        await tab.ShotAsync("key");
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Choose a service");
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.TabToAsync(tab.Page.GetByRole(AriaRole.Radio, new() { Name = BrowserClinic.ServiceName }));
        await keyboard.PressAsync("Space");
        await tab.ShotAsync("services");
        await tab.TabToAsync(tab.Button("Show free times"));
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Choose a free time");
        await Expect(tab.Slots.First).ToBeVisibleAsync();
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("free-times");
        // Next week and back, then the second day's first time (its day opened with Enter on its summary).
        await tab.TabToAsync(tab.Button("Next week"));
        await keyboard.PressAsync("Enter");
        await Expect(tab.Page.Locator("#week-label")).ToHaveTextAsync("11 Mar – 17 Mar 2030");
        await Expect(tab.Page.Locator("#days .day[open] h3")).ToHaveTextAsync("Monday 11 March");
        await keyboard.PressAsync("Shift+Tab");
        await Expect(tab.Button("Previous week")).ToBeFocusedAsync();
        await keyboard.PressAsync("Enter");
        await Expect(tab.Page.Locator("#week-label")).ToHaveTextAsync("4 Mar – 10 Mar 2030");
        // Back in the first week "Previous week" is disabled, and the focus moved on instead of being lost.
        await Expect(tab.Button("Previous week")).ToBeDisabledAsync();
        await Expect(tab.Button("Next week")).ToBeFocusedAsync();
        var tuesday = tab.Page.Locator("#days .day summary", new() { HasText = "Tuesday 5 March" });
        await tab.TabToAsync(tuesday, maxPresses: 60);
        await keyboard.PressAsync("Enter");
        var tuesdayFirst = tab.Page.Locator("#days .day[data-day=\"2030-03-05\"] .slot").First;
        await Expect(tuesdayFirst).ToBeVisibleAsync();
        await tab.ShotAsync("tuesday-opened");
        await tab.TabToAsync(tuesdayFirst, maxPresses: 3);
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Find or add the patient");
        await tab.TabToAsync(tab.Field("Search patients"));
        await keyboard.TypeAsync("pat testperson");
        await keyboard.PressAsync("Enter");
        var matches = tab.Page.Locator("#matches-heading");
        await Expect(matches).ToHaveTextAsync("Patients matching “pat testperson”");
        await Expect(matches).ToBeFocusedAsync();
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("patient-matches");
        await tab.TabToAsync(tab.Page.Locator(".match", new() { HasText = BrowserClinic.PatientName }));
        await keyboard.PressAsync("Enter");

        await tab.ExpectStepAsync("Check and book");
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("confirm");
        await tab.TabToAsync(tab.Button("Book appointment"));
        await keyboard.PressAsync("Space");

        await tab.ExpectStepAsync("Appointment booked");
        await Expect(tab.Booked("when")).ToHaveTextAsync("Tuesday 5 March 2030, 08:00–08:30");
        await ExpectNoSidewaysScrollingAsync(tab);
        await tab.ShotAsync("booked");
        var appointment = Assert.Single(await clinic.AppointmentsAsync());
        Assert.Equal((new DateTimeOffset(2030, 3, 5, 8, 0, 0, TimeSpan.Zero), clinic.Patient),
            (appointment.GetProperty("start_time").GetDateTimeOffset(), appointment.GetProperty("patient_id").GetString()));
        tab.ExpectOnlyRequestsTo(clinic.BaseUrl);
    }

    [Fact]
    public async Task The_clinician_filter_asks_for_one_clinicians_free_times()
    {
        await using var clinic = await BrowserClinic.OpenAsync(server, twoClinicians: true);
        await using var context = await BrowserClinic.NewContextAsync(chromium);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, "key=" + clinic.Key);
        await tab.ChooseServiceAsync(BrowserClinic.ServiceName);
        await Expect(tab.Page.Locator("#days .day summary").First).ToHaveTextAsync("Monday 4 March74 free times");
        await Expect(tab.Page.Locator("#clinician-filter option")).ToHaveTextAsync(["Any clinician", BrowserClinic.ClinicianName, BrowserClinic.SecondClinicianName]);
        await tab.ShotAsync("any-clinician");

        await tab.Field("Clinician").SelectOptionAsync(new SelectOptionValue { Label = BrowserClinic.SecondClinicianName });
        await Expect(tab.Page.Locator("#days .day summary").First).ToHaveTextAsync("Monday 4 March37 free times");
        Assert.All(await tab.Slots.Locator(".slot-who").AllTextContentsAsync(), name => Assert.Equal(BrowserClinic.SecondClinicianName, name));
        Assert.Contains(tab.Requests, url => url.Contains("/api/v1/availability?", StringComparison.Ordinal) && url.Contains("clinician_profile_id=cli_", StringComparison.Ordinal));
        await tab.ShotAsync("one-clinician");
    }

    [Fact]
    public async Task Validation_errors_are_shown_next_to_their_fields()
    {
        await using var clinic = await BrowserClinic.OpenAsync(server);
        await using var context = await BrowserClinic.NewContextAsync(chromium);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, "key=" + clinic.Key);
        await tab.ChooseServiceAsync(BrowserClinic.ServiceName);
        await tab.ChooseFirstSlotAsync();
        await tab.Button("Add a new patient").ClickAsync();
        await tab.Field("First name").FillAsync("Val");
        await tab.Field("Date of birth").FillAsync("2999-01-01");
        await tab.Field("Email (optional)").FillAsync("not-an-email");
        await tab.Field("Phone (optional)").FillAsync("12");
        await tab.Button("Add patient and continue").ClickAsync();

        await Expect(tab.Alert).ToHaveTextAsync("Some details need correcting: see the messages next to the fields.");
        await Expect(tab.Page.Locator("#pf-last_name-error")).ToHaveTextAsync("Last name is required.");
        await Expect(tab.Page.Locator("#pf-date_of_birth-error")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Date of birth must be between \d{4}-\d\d-\d\d and today\.$"));
        await Expect(tab.Page.Locator("#pf-email-error")).ToHaveTextAsync("Email must be an email address such as name@example.com.");
        await Expect(tab.Page.Locator("#pf-phone-error")).ToHaveTextAsync(
            "Phone must be a phone number of 7 to 15 digits, optionally starting with + (spaces, dashes and brackets allowed).");
        await Expect(tab.Page.Locator("#pf-first_name-error")).ToBeHiddenAsync();
        foreach (var field in new[] { "Last name", "Date of birth", "Email (optional)", "Phone (optional)" })
        {
            await Expect(tab.Field(field)).ToHaveAttributeAsync("aria-invalid", "true");
        }
        await Expect(tab.Field("First name")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(tab.Field("Last name")).ToBeFocusedAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("patient-errors");
        Assert.Empty((await clinic.Api.GetAsync("patients?search=val")).Expect(200).Ids());

        await tab.Field("Last name").FillAsync("Idated");
        await tab.Field("Date of birth").FillAsync("1970-01-02");
        await tab.Field("Email (optional)").FillAsync("val.idated@example.com");
        await tab.Field("Phone (optional)").FillAsync("");
        await tab.Button("Add patient and continue").ClickAsync();
        await tab.ExpectStepAsync("Check and book");
        await Expect(tab.Alert).ToBeHiddenAsync();
        var patient = Assert.Single((await clinic.Api.GetAsync("patients?search=idated")).Expect(200).Ids());

        // Someone archives the patient before the booking is confirmed: the API's 422 names patient_id,
        // which the page shows on the patient's row of the summary.
        (await clinic.Api.PatchAsync($"patients/{patient}", new { archived = true, archive_reason = "Registered twice" })).Expect(200);
        await tab.Button("Book appointment").ClickAsync();
        await Expect(tab.Page.Locator("#choice-patient-error")).ToHaveTextAsync($"Patient {patient} is archived and cannot be booked.");
        await Expect(tab.Page.Locator("#choice-patient-error")).ToBeFocusedAsync();
        await Expect(tab.Alert).ToHaveTextAsync("Some details need correcting: see the messages next to the fields.");
        await Expect(tab.Heading).ToHaveTextAsync("Check and book");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("booking-errors");
        Assert.Empty(await clinic.AppointmentsAsync());
    }

    [Fact]
    public async Task A_key_without_a_scope_or_over_its_rate_limit_is_explained()
    {
        await using var clinic = await BrowserClinic.OpenAsync(server, Scopes.All.Where(s => s != Scopes.ReadAvailability));
        await using var context = await BrowserClinic.NewContextAsync(chromium);
        var tab = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, "key=" + clinic.Key);
        await tab.ExpectStepAsync("Choose a service");
        await tab.Page.GetByRole(AriaRole.Radio, new() { Name = BrowserClinic.ServiceName }).CheckAsync();
        await tab.Button("Show free times").ClickAsync();
        await Expect(tab.Alert).ToHaveTextAsync("This API key is not allowed to do that. This API key lacks the 'read_availability' scope " +
            "required for GET /api/v1/availability. Ask an administrator for a key with that scope.");
        await Expect(tab.Alert).ToBeFocusedAsync();
        await tab.ShotAsync("missing-scope");

        // Opening the page costs three requests (services, locations, clinicians); the fourth is over the limit.
        var limited = await clinic.T.KeyAsync(Scopes.All, rateLimitPerHour: 3);
        var second = await BookingTab.OpenAsync(context, clinic.BaseUrl, shots, "key=" + limited.Key, "limited-");
        await second.ExpectStepAsync("Choose a service");
        await second.Page.GetByRole(AriaRole.Radio, new() { Name = BrowserClinic.ServiceName }).CheckAsync();
        await second.Button("Show free times").ClickAsync();
        // The clock reads 08:20 and the hourly window resets at 09:00.
        await Expect(second.Alert).ToHaveTextAsync("Too many requests with this API key. Wait about 40 minutes, then try again.");
        await second.ShotAsync("rate-limited");
    }

    [Fact]
    public async Task An_unknown_or_malformed_key_is_refused_next_to_the_field()
    {
        await using var context = await NewContextAsync();
        var tab = await BookingTab.OpenAsync(context, server.BaseUrl, shots);
        var field = tab.Field("API key");

        await tab.EnterKeyAsync("my-password");
        await Expect(tab.Page.Locator("#key-error")).ToHaveTextAsync("API key must start with pk_live_ or pk_test_ followed by letters and digits.");
        await Expect(field).ToBeFocusedAsync();
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.DoesNotContain(tab.Requests, url => url.Contains("/api/", StringComparison.Ordinal));
        await tab.ShotAsync("malformed");

        await tab.EnterKeyAsync("pk_test_" + new string('x', 40));
        await Expect(tab.Page.Locator("#key-error")).ToHaveTextAsync("API key was not accepted: Invalid API key.");
        await Expect(field).ToBeFocusedAsync();
        await Expect(tab.Heading).ToHaveTextAsync("Enter your API key");
        Assert.Null(await tab.StoredKeyAsync());
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("unknown");
        tab.ExpectOnlyRequestsTo(server.BaseUrl);
    }

    [Fact]
    public async Task The_demo_link_keeps_a_test_key_in_the_tab_only_and_never_sends_it_in_a_url()
    {
        var t = await server.NewTenantAsync();
        await t.CreateTemplateAsync(BrowserClinic.ServiceName);
        var key = t.Api.Key!;
        await using var context = await NewContextAsync();
        var tab = await BookingTab.OpenAsync(context, server.BaseUrl, shots, "key=" + key);

        await tab.ExpectStepAsync("Choose a service");
        Assert.Equal(server.BaseUrl + "/book/", tab.Page.Url);
        Assert.Equal(key, await tab.StoredKeyAsync());
        await Expect(tab.Page.Locator("#key-label")).ToHaveTextAsync("Key …" + key[^4..]);
        await tab.ShotAsync("opened-from-link");
        await tab.Page.ReloadAsync();
        await tab.ExpectStepAsync("Choose a service");

        // sessionStorage belongs to the tab: another tab starts without the key, and Forget key clears it.
        var other = await BookingTab.OpenAsync(context, server.BaseUrl, shots, prefix: "other-tab-");
        await Expect(other.Heading).ToHaveTextAsync("Enter your API key");
        await tab.Button("Forget key").ClickAsync();
        await tab.ExpectStepAsync("Enter your API key");
        Assert.Null(await tab.StoredKeyAsync());
        await tab.ShotAsync("forgotten");

        // A live key is never taken from a link (URLs end up in history and bookmarks).
        await tab.Page.GotoAsync(server.BaseUrl + "/book/#key=pk_live_" + new string('x', 40));
        await Expect(tab.Page.Locator("#key-error")).ToContainTextAsync("Only test keys can be passed in the link.");
        Assert.Equal(server.BaseUrl + "/book/", tab.Page.Url);
        Assert.Null(await tab.StoredKeyAsync());
        await tab.ShotAsync("live-key-refused");

        Assert.DoesNotContain(tab.Requests.Concat(other.Requests), url => url.Contains("pk_", StringComparison.Ordinal));
        tab.ExpectOnlyRequestsTo(server.BaseUrl);
    }

    private static async Task ExpectNoSidewaysScrollingAsync(BookingTab tab) =>
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "The page is wider than the 375px screen.");
}

public sealed class BookingPageOnSqlite(SqliteServer server, Chromium chromium) : BookingPageTests(server, chromium);

public sealed class BookingPageOnPostgres(PostgresServer server, Chromium chromium) : BookingPageTests(server, chromium);
