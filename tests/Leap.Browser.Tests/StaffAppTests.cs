using System.Text.Json;
using Leap.Browser.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leap.Browser.Tests;

/// <summary>
/// The staff app at /app in a real Chromium, signed in with a staff account of the test's own clinic (docs/staff-app.md):
/// the diary by day and week (at phone width too), an appointment's actions, booking free time by keyboard alone, and
/// the rota editor with its stranded-appointments warning. Every step is a numbered screenshot under
/// TestResults/screenshots/&lt;class&gt;/&lt;test&gt;/; each page is checked by axe; the API is asked what changed.
/// </summary>
public abstract class StaffAppTests(LeapFixture fixture, Chromium chromium)
{
    private const string Password = "correct horse battery";
    private const int PhoneWidth = 390;
    private const string Monday = "Monday 4 March 2030";
    private readonly Screenshots shots = new();

    /// <summary>Signs a new staff account of <paramref name="c"/>'s clinic in at /app; the diary opens on today.</summary>
    private async Task<BookingTab> SignInAsync(BrowserClinic c, string role = "reception", int width = 1280)
    {
        var email = $"{role}.{Guid.NewGuid():N}@clinic.example";
        (await c.Api.PostAsync("users", new { email, name = "Robin Staff", role, password = Password })).Expect(201);
        var context = await BrowserClinic.NewContextAsync(chromium, width: width, height: width < 600 ? 844 : 900);
        var tab = BookingTab.Watch(await context.NewPageAsync(), shots);
        var page = tab.Page;
        await page.GotoAsync(c.BaseUrl + "/app");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#diary-title")).ToHaveTextAsync(Monday);
        await Expect(page.Locator("#diary")).Not.ToHaveAttributeAsync("aria-busy", "true");
        return tab;
    }

    private static async Task<string> BookAsync(BrowserClinic c, string start, string end, string? clinician = null) =>
        (await c.Api.PostAsync("appointments", new
        {
            patient_id = c.Patient, appointment_type_id = c.Template, clinician_profile_id = clinician ?? c.Clinician, location_id = c.Location,
            title = BrowserClinic.ServiceName, start_time = start, end_time = end,
        }, Guid.NewGuid().ToString())).Expect(201).Id;

    private static async Task<JsonElement> AppointmentAsync(BrowserClinic c, string id) => (await c.Api.GetAsync($"appointments/{id}")).Expect(200).Data;

    private static ILocator Appointment(BookingTab tab, string id) => tab.Page.Locator($"[data-appointment=\"{id}\"]");

    private static ILocator Day(BookingTab tab, string date) => tab.Page.Locator("section.day", new() { Has = tab.Page.Locator($"#day-{date}") });

    /// <summary>Nothing is wider than a phone; a failure names the first elements that stick out.</summary>
    private static async Task ExpectNoSidewaysScrollAsync(IPage page)
    {
        var tooWide = await page.EvaluateAsync<string>(
            "width => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width)" +
            ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ')", PhoneWidth);
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= PhoneWidth,
            "The page scrolls sideways at phone width: " + tooWide);
    }

    [Fact]
    public async Task Diary_shows_appointments_sessions_leave_and_closures_by_day_and_week_per_clinician_and_location()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture, twoClinicians: true);
        var appointment = await BookAsync(c, "2030-03-04T10:00:00Z", "2030-03-04T10:30:00Z");
        (await c.Api.PostAsync($"clinician-profiles/{c.Clinician}/blocks", new { start_time = "2030-03-05", end_time = "2030-03-05", reason = "leave", note = "Dentist" },
            Guid.NewGuid().ToString())).Expect(201);
        (await c.Api.PostAsync($"locations/{c.Location}/closures", new { start_time = "2030-03-06", end_time = "2030-03-06", reason = "bank_holiday", note = "Test holiday" },
            Guid.NewGuid().ToString())).Expect(201);
        var tab = await SignInAsync(c);
        var page = tab.Page;

        await Expect(Appointment(tab, appointment)).ToContainTextAsync("10:00–10:30 Pat Testperson");
        await Expect(page.Locator("#diary")).ToContainTextAsync($"Working 08:00–18:00 at {BrowserClinic.LocationName}");
        await Expect(page.Locator(".person h3")).ToHaveTextAsync([BrowserClinic.ClinicianName, BrowserClinic.SecondClinicianName]);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("day");

        await tab.Button("Week").ClickAsync();
        await Expect(page.Locator("#diary-title")).ToHaveTextAsync("Week of 4 Mar – 10 Mar 2030");
        await Expect(page.Locator("section.day")).ToHaveCountAsync(7);
        await Expect(Day(tab, "2030-03-05")).ToContainTextAsync("Leave: All day (Dentist)");
        await Expect(Day(tab, "2030-03-06")).ToContainTextAsync($"{BrowserClinic.LocationName} closed (Bank holiday): All day, Test holiday");
        await Expect(Day(tab, "2030-03-04").Locator($"[data-appointment=\"{appointment}\"]")).ToBeVisibleAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("week");

        await page.GetByLabel("Clinician").SelectOptionAsync(new SelectOptionValue { Label = BrowserClinic.SecondClinicianName });
        await Expect(Day(tab, "2030-03-05").Locator(".person h3")).ToHaveTextAsync(BrowserClinic.SecondClinicianName);
        await Expect(Day(tab, "2030-03-05")).Not.ToContainTextAsync("Leave");
        await Expect(Appointment(tab, appointment)).ToHaveCountAsync(0);
        await tab.ShotAsync("week-second-clinician");

        await page.GetByLabel("Clinician").SelectOptionAsync(new SelectOptionValue { Label = "Everyone" });
        await page.GetByLabel("Location").SelectOptionAsync(new SelectOptionValue { Label = BrowserClinic.LocationName });
        await Expect(Appointment(tab, appointment)).ToBeVisibleAsync();
        await Expect(Day(tab, "2030-03-06")).ToContainTextAsync("closed (Bank holiday)");
        await tab.ShotAsync("week-location");
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Diary_at_phone_width_by_keyboard_alone()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var appointment = await BookAsync(c, "2030-03-05T09:00:00Z", "2030-03-05T09:30:00Z");
        var tab = await SignInAsync(c, width: PhoneWidth);
        var page = tab.Page;
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("phone-day");

        await tab.TabToAsync(tab.Button("Next day"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#diary-title")).ToHaveTextAsync("Tuesday 5 March 2030");
        await Expect(Appointment(tab, appointment)).ToContainTextAsync("09:00–09:30 Pat Testperson");
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ShotAsync("phone-next-day");

        await tab.TabToAsync(Appointment(tab, appointment), 80);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Tuesday 5 March 2030, 09:00–09:30");
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("phone-appointment");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(Appointment(tab, appointment)).ToBeFocusedAsync();

        await PageChecks.TabToAsync(page, tab.Button("Week"), key: "Shift+Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("section.day")).ToHaveCountAsync(7);
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("phone-week");
    }

    [Fact]
    public async Task Reschedules_to_a_free_slot_and_cancels_with_a_reason()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var appointment = await BookAsync(c, "2030-03-04T10:00:00Z", "2030-03-04T10:30:00Z");
        var tab = await SignInAsync(c);
        var page = tab.Page;

        await Appointment(tab, appointment).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog.Locator("dd[data-field=\"When\"]")).ToHaveTextAsync("Monday 4 March 2030, 10:00–10:30");
        await Expect(dialog.Locator("dd[data-field=\"Status\"]")).ToHaveTextAsync("Confirmed");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("appointment");

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reschedule" }).ClickAsync();
        var target = dialog.GetByRole(AriaRole.Button, new() { Name = "Move to Tuesday 5 March 14:00", Exact = true });
        await Expect(target).ToBeVisibleAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("reschedule-slots");
        await target.ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("Moved to Tuesday 5 March 2030, 14:00–14:30.");
        await Expect(Appointment(tab, appointment)).ToHaveCountAsync(0);
        var moved = await AppointmentAsync(c, appointment);
        Assert.Equal(new DateTimeOffset(2030, 3, 5, 14, 0, 0, TimeSpan.Zero), moved.GetProperty("start_time").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2030, 3, 5, 14, 30, 0, TimeSpan.Zero), moved.GetProperty("end_time").GetDateTimeOffset());
        await tab.ShotAsync("rescheduled");

        await tab.Button("Next day").ClickAsync();
        await Expect(Appointment(tab, appointment)).ToContainTextAsync("14:00–14:30");
        await Appointment(tab, appointment).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel appointment" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm cancellation" }).ClickAsync();
        await Expect(page.Locator("#dialog-alert")).ToHaveTextAsync("Enter the reason for cancelling.");
        await dialog.GetByLabel("Reason for cancelling").FillAsync("Patient phoned: feeling better");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("cancel-reason");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm cancellation" }).ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("Appointment cancelled.");
        await Expect(Appointment(tab, appointment)).ToContainTextAsync("Cancelled");
        var cancelled = await AppointmentAsync(c, appointment);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("Patient phoned: feeling better", cancelled.GetProperty("cancellation_reason").GetString());
        await tab.ShotAsync("cancelled");
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Completes_and_records_a_no_show_once_started()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture, twoClinicians: true);
        var attended = await BookAsync(c, "2030-03-04T08:00:00Z", "2030-03-04T08:30:00Z");
        var second = (await c.Api.GetAsync("clinician-profiles")).Data.EnumerateArray().Single(p => p.GetProperty("name").GetString() == BrowserClinic.SecondClinicianName).GetProperty("id").GetString();
        var missed = await BookAsync(c, "2030-03-04T08:10:00Z", "2030-03-04T08:40:00Z", second);
        var later = await BookAsync(c, "2030-03-04T11:00:00Z", "2030-03-04T11:30:00Z");
        var tab = await SignInAsync(c, role: "clinician");
        var page = tab.Page;
        var dialog = page.GetByRole(AriaRole.Dialog);

        await Appointment(tab, later).ClickAsync();
        await Expect(dialog).ToContainTextAsync("Completed and no-show can be recorded once the appointment has started.");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Mark completed" })).ToHaveCountAsync(0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        await Appointment(tab, attended).ClickAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("started-appointment");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Mark completed" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Marked completed.");
        await Expect(Appointment(tab, attended)).ToContainTextAsync("Completed");

        await Appointment(tab, missed).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Mark no-show" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Marked as a no-show.");
        await Expect(Appointment(tab, missed)).ToContainTextAsync("No-show");
        await tab.ShotAsync("completed-and-no-show");

        Assert.Equal("completed", (await AppointmentAsync(c, attended)).GetProperty("status").GetString());
        Assert.Equal("no_show", (await AppointmentAsync(c, missed)).GetProperty("status").GetString());
        Assert.Equal("confirmed", (await AppointmentAsync(c, later)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Books_free_time_by_keyboard_alone_for_a_found_patient_and_for_a_new_one()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var tab = await SignInAsync(c);
        var page = tab.Page;
        var dialog = page.GetByRole(AriaRole.Dialog);

        await tab.TabToAsync(tab.Button($"Book 09:00 with {BrowserClinic.ClinicianName}"), 80);
        await tab.ShotAsync("free-time");
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = "Book 09:00 on Monday 4 March" })).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Search patients")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Testperson");
        await page.Keyboard.PressAsync("Enter");
        var match = dialog.GetByRole(AriaRole.Button, new() { Name = "Choose Pat Testperson, born 15 March 1985" });
        await Expect(match).ToBeVisibleAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("patient-found");
        await tab.TabToAsync(match);
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.Locator("#chosen-patient")).ToHaveTextAsync("Patient: Pat Testperson, born 15 March 1985");
        await Expect(tab.Button("Book")).ToBeFocusedAsync();
        await tab.ShotAsync("patient-chosen");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#status")).ToHaveTextAsync("Booked Pat Testperson at Monday 4 March 2030, 09:00–09:30.");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(tab.Button($"Book 09:00 with {BrowserClinic.ClinicianName}")).ToHaveCountAsync(0);
        var booked = Assert.Single(await c.AppointmentsAsync());
        Assert.Equal(c.Patient, booked.GetProperty("patient_id").GetString());
        Assert.Equal(c.Template, booked.GetProperty("appointment_type_id").GetString());
        Assert.Equal(new DateTimeOffset(2030, 3, 4, 9, 0, 0, TimeSpan.Zero), booked.GetProperty("start_time").GetDateTimeOffset());
        await Expect(Appointment(tab, booked.GetProperty("id").GetString()!)).ToContainTextAsync("09:00–09:30 Pat Testperson");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("booked");

        await tab.TabToAsync(tab.Button($"Book 10:00 with {BrowserClinic.ClinicianName}"), 80);
        await page.Keyboard.PressAsync("Enter");
        await tab.TabToAsync(dialog.GetByLabel("First name"));
        await page.Keyboard.TypeAsync("Nova");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("Newpatient");
        await page.Keyboard.PressAsync("Tab");
        // Headless Chromium's date field takes month, day, year in this order whatever the page's locale.
        await page.Keyboard.TypeAsync("03021990");
        await tab.ShotAsync("new-patient");
        await tab.TabToAsync(tab.Button("Add patient"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.Locator("#chosen-patient")).ToHaveTextAsync("Patient: Nova Newpatient, born 2 March 1990");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Booked Nova Newpatient at Monday 4 March 2030, 10:00–10:30.");
        await tab.ShotAsync("booked-new-patient");

        var appointments = await c.AppointmentsAsync();
        Assert.Equal(2, appointments.Count);
        var patients = (await c.Api.GetAsync("patients?search=Newpatient")).Expect(200).Data;
        var created = Assert.Single(patients.EnumerateArray());
        Assert.Equal("1990-03-02", created.GetProperty("date_of_birth").GetString());
        Assert.Contains(appointments, a => a.GetProperty("patient_id").GetString() == created.GetProperty("id").GetString());
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Rota_adds_sessions_and_leave_and_forces_past_stranded_appointments_only_when_asked()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var stranded = await BookAsync(c, "2030-03-12T09:00:00Z", "2030-03-12T09:30:00Z");
        var tab = await SignInAsync(c, role: "admin");
        var page = tab.Page;

        await tab.Button("Rota").ClickAsync();
        await Expect(page.Locator("#rota-title")).ToBeFocusedAsync();
        await Expect(page.Locator("#weekly-sessions li")).ToHaveCountAsync(7);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("rota");

        var weekly = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Add a weekly session" }) });
        await weekly.GetByLabel("Day of the week").SelectOptionAsync("saturday");
        await weekly.GetByLabel("Starts").FillAsync("19:00");
        await weekly.GetByLabel("Ends").FillAsync("20:30");
        await weekly.GetByRole(AriaRole.Button, new() { Name = "Add session" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Session saved.");
        await Expect(page.Locator("#weekly-sessions")).ToContainTextAsync($"Every Saturday, 19:00–20:30 at {BrowserClinic.LocationName}");

        var oneOff = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Add a one-off session" }) });
        await oneOff.GetByLabel("Date").FillAsync("2030-03-09");
        await oneOff.GetByLabel("Starts").FillAsync("06:00");
        await oneOff.GetByLabel("Ends").FillAsync("07:30");
        await oneOff.GetByRole(AriaRole.Button, new() { Name = "Add session" }).ClickAsync();
        await Expect(page.Locator("#one-off-sessions")).ToContainTextAsync("Saturday 9 March 2030, 06:00–07:30");
        await tab.ShotAsync("sessions-added");
        var sessions = (await c.Api.GetAsync($"clinician-profiles/{c.Clinician}/sessions")).Expect(200).Data.EnumerateArray().ToList();
        Assert.Contains(sessions, s => s.GetProperty("weekday").GetString() == "saturday" && s.GetProperty("start_time").GetString() == "19:00");
        Assert.Contains(sessions, s => s.GetProperty("type").GetString() == "one_off" && s.GetProperty("date").GetString() == "2030-03-09");

        await page.GetByLabel("First day").FillAsync("2030-03-11");
        await page.GetByLabel("Last day").FillAsync("2030-03-15");
        await page.GetByLabel("Note (optional)").FillAsync("Half-term week");
        await tab.Button("Add time away").ClickAsync();
        var alert = page.Locator("#alert");
        await Expect(alert.GetByRole(AriaRole.Heading)).ToHaveTextAsync("This change would leave 1 booked appointment outside working time");
        await Expect(alert).ToContainTextAsync(stranded);
        await Expect(alert).ToContainTextAsync("they are not cancelled or moved");
        await Expect(alert).ToBeFocusedAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("leave-would-strand");
        Assert.Empty((await c.Api.GetAsync($"clinician-profiles/{c.Clinician}/blocks")).Expect(200).Data.EnumerateArray());

        await tab.Button("Don’t save").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Nothing was changed.");
        await tab.Button("Add time away").ClickAsync();
        await tab.Button("Save anyway").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync($"Time away saved. 1 appointment stays booked outside working time: {stranded}.");
        await Expect(page.Locator("#blocks")).ToContainTextAsync("Leave: Monday 11 March to Friday 15 March 2030 (Half-term week)");
        await tab.ShotAsync("leave-forced");

        var block = Assert.Single((await c.Api.GetAsync($"clinician-profiles/{c.Clinician}/blocks")).Expect(200).Data.EnumerateArray());
        Assert.Equal("Half-term week", block.GetProperty("note").GetString());
        Assert.Equal("confirmed", (await AppointmentAsync(c, stranded)).GetProperty("status").GetString());

        await tab.Button("Remove leave from 2030-03-11").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Removal saved.");
        Assert.Empty((await c.Api.GetAsync($"clinician-profiles/{c.Clinician}/blocks")).Expect(200).Data.EnumerateArray());
        await tab.ShotAsync("leave-removed");
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Directory_sets_a_clinicians_services_adds_a_clinician_and_closes_a_location_past_a_booking_when_forced()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var other = await c.T.CreateTemplateAsync("Other Service", duration: 30, minNoticeMinutes: 0);
        var stranded = await BookAsync(c, "2030-03-12T09:00:00Z", "2030-03-12T09:30:00Z");
        var tab = await SignInAsync(c, role: "admin");
        var page = tab.Page;

        await tab.Button("Directory").ClickAsync();
        await Expect(page.Locator("#directory-title")).ToBeFocusedAsync();
        await page.GetByText(BrowserClinic.ClinicianName, new() { Exact = true }).ClickAsync();
        var clinician = page.GetByRole(AriaRole.Form, new() { Name = $"Edit {BrowserClinic.ClinicianName}" });
        await clinician.GetByLabel(BrowserClinic.ServiceName).CheckAsync();
        await clinician.GetByLabel("Job title").FillAsync("General practitioner");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("clinician-form");
        await clinician.GetByRole(AriaRole.Button, new() { Name = "Save clinician" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Clinician saved.");
        var profile = (await c.Api.GetAsync($"clinician-profiles/{c.Clinician}")).Expect(200).Data;
        Assert.Equal([c.Template], profile.GetProperty("appointment_template_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("General practitioner", profile.GetProperty("role").GetString());
        Assert.Empty((await c.Api.GetAsync($"availability?appointment_template_id={other}&date_from=2030-03-04&date_to=2030-03-04")).Expect(200)
            .Data.GetProperty("slots").EnumerateArray());

        await page.GetByText("Add a clinician", new() { Exact = true }).ClickAsync();
        var added = page.GetByRole(AriaRole.Form, new() { Name = "Add a clinician" });
        await added.GetByLabel("Name").FillAsync("Dr Newly Added");
        await added.GetByRole(AriaRole.Button, new() { Name = "Add clinician" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Clinician saved.");
        await Expect(page.GetByText("Dr Newly Added", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Contains((await c.Api.GetAsync("clinician-profiles")).Expect(200).Data.EnumerateArray(), p => p.GetProperty("name").GetString() == "Dr Newly Added");
        await tab.ShotAsync("clinician-added");

        await page.GetByText(BrowserClinic.LocationName, new() { Exact = true }).ClickAsync();
        var closure = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = $"Close {BrowserClinic.LocationName}" }) });
        await closure.GetByLabel("First day").FillAsync("2030-03-12");
        await closure.GetByLabel("Last day").FillAsync("2030-03-12");
        await closure.GetByLabel("Reason").SelectOptionAsync("closed");
        await closure.GetByLabel("Note (optional)").FillAsync("Boiler repair");
        await closure.GetByRole(AriaRole.Button, new() { Name = "Add closure" }).ClickAsync();
        var alert = page.Locator("#alert");
        await Expect(alert.GetByRole(AriaRole.Heading)).ToHaveTextAsync("This change would leave 1 booked appointment outside working time");
        await Expect(alert).ToContainTextAsync(stranded);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("closure-would-strand");
        Assert.Empty((await c.Api.GetAsync($"locations/{c.Location}/closures")).Expect(200).Data.EnumerateArray());

        await tab.Button("Save anyway").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync($"Closure saved. 1 appointment stays booked outside working time: {stranded}.");
        var saved = Assert.Single((await c.Api.GetAsync($"locations/{c.Location}/closures")).Expect(200).Data.EnumerateArray());
        Assert.Equal("Boiler repair", saved.GetProperty("note").GetString());
        Assert.Equal("confirmed", (await AppointmentAsync(c, stranded)).GetProperty("status").GetString());
        await page.GetByText(BrowserClinic.LocationName, new() { Exact = true }).ClickAsync();
        await Expect(page.Locator($"#closures-{c.Location}")).ToContainTextAsync("Closed: Tuesday 12 March 2030 (Boiler repair)");
        await tab.ShotAsync("closure-forced");
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Messages_sets_quiet_hours_rewords_and_resets_a_message_by_keyboard_alone_at_phone_width()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var tab = await SignInAsync(c, role: "admin", width: PhoneWidth);
        var page = tab.Page;
        var keyboard = page.Keyboard;

        await tab.TabToAsync(tab.Button("Messages"));
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("#messages-title")).ToBeFocusedAsync();
        await Expect(page.Locator("#messages")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(page.Locator("#messages")).ToContainTextAsync("Email goes to the server's pickup folder");
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("phone-messages");

        await tab.TabToAsync(tab.Field("From"));
        await keyboard.TypeAsync("21:00");
        await keyboard.PressAsync("Tab");
        await Expect(tab.Field("Until")).ToBeFocusedAsync();
        await keyboard.TypeAsync("08:00");
        await tab.TabToAsync(tab.Button("Save quiet hours"));
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Quiet hours saved.");
        var quiet = (await c.Api.GetAsync("notification-settings")).Expect(200).Data.GetProperty("quiet_hours");
        Assert.Equal(("21:00", "08:00"), (quiet.GetProperty("start").GetString(), quiet.GetProperty("end").GetString()));

        // The confirmation email, reworded; a placeholder the server does not know is refused, and said so.
        var confirmation = page.Locator("#template-booked-email");
        await tab.TabToAsync(confirmation.Locator("summary"));
        await keyboard.PressAsync("Enter");
        await tab.TabToAsync(tab.Field("Subject"));
        await keyboard.PressAsync("Control+A");
        await keyboard.TypeAsync("See you {{when}}");
        await tab.TabToAsync(tab.Button("Save wording"));
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("#alert")).ToContainTextAsync("subject");
        await Expect(page.Locator("#alert")).ToBeFocusedAsync();
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("phone-wording-refused");
        Assert.True((await c.Api.GetAsync("message-templates/booked/email")).Expect(200).Data.GetProperty("is_default").GetBoolean());

        await tab.TabToAsync(tab.Field("Subject"));
        await keyboard.PressAsync("Control+A");
        await keyboard.TypeAsync("See you on {{start_time}}");
        await tab.TabToAsync(tab.Button("Save wording"));
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Wording saved.");
        var stored = (await c.Api.GetAsync("message-templates/booked/email")).Expect(200).Data;
        Assert.Equal("See you on {{start_time}}", stored.GetProperty("subject").GetString());
        Assert.False(stored.GetProperty("is_default").GetBoolean());
        await Expect(confirmation.Locator("summary")).ToHaveTextAsync("Confirmation (email) (changed)");
        await tab.ShotAsync("phone-wording-saved");

        await tab.TabToAsync(confirmation.Locator("summary"));
        await keyboard.PressAsync("Enter");
        await tab.TabToAsync(tab.Button("Reset to Leap's wording"));
        await keyboard.PressAsync("Enter");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Default wording saved.");
        Assert.True((await c.Api.GetAsync("message-templates/booked/email")).Expect(200).Data.GetProperty("is_default").GetBoolean());
        await Expect(confirmation.Locator("summary")).ToHaveTextAsync("Confirmation (email)");
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("phone-wording-reset");
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Patient_page_shows_details_appointments_and_episodes()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var appointment = await BookAsync(c, "2030-03-04T10:00:00Z", "2030-03-04T10:30:00Z");
        var past = await BookAsync(c, "2030-02-25T10:00:00Z", "2030-02-25T10:30:00Z");
        (await c.Api.PostAsync("episodes", new { patient_id = c.Patient, title = "Knee pain" }, Guid.NewGuid().ToString())).Expect(201);
        var tab = await SignInAsync(c);
        var page = tab.Page;

        await Appointment(tab, appointment).ClickAsync();
        await tab.Button("Open patient page").ClickAsync();
        await Expect(page.Locator("#patient-title")).ToHaveTextAsync(BrowserClinic.PatientName);
        await Expect(page.Locator("#patient-title")).ToBeFocusedAsync();
        await Expect(page.Locator("dd[data-field=\"Date of birth\"]")).ToHaveTextAsync("15 March 1985");
        await Expect(page.Locator("dd[data-field=\"Email\"]")).ToHaveTextAsync("pat.testperson@example.com");
        await Expect(Appointment(tab, appointment)).ToContainTextAsync("Monday 4 March 2030, 10:00–10:30");
        await Expect(Appointment(tab, past)).ToContainTextAsync("Monday 25 February 2030, 10:00–10:30");
        await Expect(page.Locator("#episodes")).ToContainTextAsync("Knee pain · Open");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("patient");

        await Appointment(tab, past).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Dialog).Locator("dd[data-field=\"When\"]")).ToHaveTextAsync("Monday 25 February 2030, 10:00–10:30");
        await tab.ShotAsync("patient-appointment");
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Episodes_inbox_assigns_changes_priority_and_closes()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var episode = (await c.Api.PostAsync("episodes", new { patient_id = c.Patient, title = "Knee pain", description = "Referral letter to read" },
            Guid.NewGuid().ToString())).Expect(201).Id;
        var tab = await SignInAsync(c);
        var page = tab.Page;
        var me = (await c.Api.GetAsync("users")).Expect(200).Data.EnumerateArray().Single(u => u.GetProperty("role").GetString() == "reception").GetProperty("id").GetString();

        await tab.Button("Episodes").ClickAsync();
        await Expect(page.Locator("#inbox-title")).ToBeFocusedAsync();
        var item = page.Locator($"[data-episode=\"{episode}\"]");
        await Expect(item.Locator("summary")).ToHaveTextAsync("Knee pain · Open · priority medium");
        await item.Locator("summary").ClickAsync();
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("inbox");

        await item.GetByRole(AriaRole.Button, new() { Name = "Assign to me" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Assignment saved.");
        await Expect(item.Locator("summary")).ToHaveTextAsync("Knee pain · Open · priority medium · assigned to you");
        await item.Locator("summary").ClickAsync();
        await item.GetByLabel("Priority").SelectOptionAsync("urgent");
        await item.GetByRole(AriaRole.Button, new() { Name = "Change priority" }).ClickAsync();
        await Expect(item.Locator("summary")).ToHaveTextAsync("Knee pain · Open · priority urgent · assigned to you");
        await tab.ShotAsync("assigned-urgent");
        var changed = (await c.Api.GetAsync($"episodes/{episode}")).Expect(200).Data;
        Assert.Equal(me, changed.GetProperty("assigned_to").GetString());
        Assert.Equal("urgent", changed.GetProperty("priority").GetString());

        await item.Locator("summary").ClickAsync();
        await item.GetByLabel("Closing note (optional)").FillAsync("Letter filed");
        await item.GetByRole(AriaRole.Button, new() { Name = "Close episode" }).ClickAsync();
        await Expect(page.Locator("#inbox")).ToHaveTextAsync("Nothing in the inbox.");
        await tab.ShotAsync("closed");
        Assert.Equal("closed", (await c.Api.GetAsync($"episodes/{episode}")).Expect(200).Data.GetProperty("status").GetString());
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    /// <summary>Finds Pat Testperson with a patient picker (prefix <paramref name="prefix"/>) by keyboard.</summary>
    private static async Task PickPatientAsync(BookingTab tab, string prefix)
    {
        await tab.Page.Locator($"#{prefix}-patient-search").FocusAsync();
        await tab.Page.Keyboard.TypeAsync("Testperson");
        await tab.Page.Keyboard.PressAsync("Enter");
        await Expect(tab.Page.Locator($"#{prefix}-patient option")).ToHaveTextAsync(["Pat Testperson, born 15 March 1985"]);
    }

    private static async Task OpenViewAsync(BookingTab tab, string name, string heading)
    {
        await tab.Button("Diary").FocusAsync();
        await tab.TabToAsync(tab.Button(name), 10);
        await tab.Page.Keyboard.PressAsync("Enter");
        await Expect(tab.Page.Locator(heading)).ToBeFocusedAsync();
    }

    [Fact]
    public async Task Books_a_weekly_series_at_phone_width_showing_the_clash_then_skipping_it()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var taken = await BookAsync(c, "2030-03-11T09:00:00Z", "2030-03-11T09:30:00Z");
        var tab = await SignInAsync(c, width: PhoneWidth);
        var page = tab.Page;
        await OpenViewAsync(tab, "Series", "#series-title");
        await PickPatientAsync(tab, "series");
        await page.Locator("#series-date").FillAsync("2030-03-04");
        await page.GetByLabel("Repeats every").SelectOptionAsync("weekly");
        await page.GetByLabel("Number of appointments").FillAsync("3");
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("series-form");
        await tab.TabToAsync(tab.Button("Book series"), 40);
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#series-result-title")).ToHaveTextAsync("Nothing booked: 1 date is taken");
        await Expect(page.Locator("#series-conflicts")).ToHaveTextAsync("Monday 11 March 2030, 09:00–09:30: another appointment is booked");
        await Expect(page.Locator("#series-result-title")).ToBeFocusedAsync();
        Assert.Equal([taken], (await c.AppointmentsAsync()).Select(a => a.GetProperty("id").GetString()));
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("series-conflict");

        await page.Locator("#series-skip").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await tab.TabToAsync(tab.Button("Book series"), 40);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#series-result-title")).ToHaveTextAsync("Series booked: 2 appointments");
        await Expect(page.Locator("#series-booked li")).ToHaveTextAsync(["Monday 4 March 2030, 09:00–09:30 · Confirmed", "Monday 18 March 2030, 09:00–09:30 · Confirmed"]);
        await Expect(page.Locator("#series-result")).ToContainTextAsync("Not booked (taken): 1");
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("series-booked");
        var inSeries = (await c.AppointmentsAsync()).Where(a => a.GetProperty("series_id").ValueKind == JsonValueKind.String).ToList();
        Assert.Equal([new DateTimeOffset(2030, 3, 4, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 3, 18, 9, 0, 0, TimeSpan.Zero)],
            inSeries.Select(a => a.GetProperty("start_time").GetDateTimeOffset()).Order());
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Adds_and_removes_group_participants_and_shows_a_full_session_refusal()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var group = (await c.Api.PostAsync("appointment-templates", new { name = "Back Class", duration = 30, max_participants = 2 }, Guid.NewGuid().ToString())).Expect(201).Id;
        var session = (await c.Api.PostAsync("appointments", new
        {
            patient_id = c.Patient, appointment_type_id = group, clinician_profile_id = c.Clinician, location_id = c.Location,
            title = "Back Class", start_time = "2030-03-04T10:00:00Z", end_time = "2030-03-04T10:30:00Z",
        }, Guid.NewGuid().ToString())).Expect(201).Id;
        var second = await c.T.CreatePatientAsync("Sam", "Testperson", "1990-01-02", new { email = "sam.testperson@example.com" });
        await c.T.CreatePatientAsync("Lee", "Testperson", "1991-02-03", new { email = "lee.testperson@example.com" });
        var tab = await SignInAsync(c);
        var page = tab.Page;
        var dialog = page.GetByRole(AriaRole.Dialog);

        await tab.TabToAsync(Appointment(tab, session), 80);
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.Locator("#participants-title")).ToHaveTextAsync("Participants: 1 of 2");
        await Expect(dialog.Locator("#seats-left")).ToHaveTextAsync("1 place left.");
        await dialog.Locator("#participant-patient-search").FocusAsync();
        await page.Keyboard.TypeAsync("Sam");
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.Locator("#participant-patient option")).ToHaveTextAsync(["Sam Testperson, born 2 January 1990"]);
        await tab.TabToAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "Add participant" }), 20);
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.Locator("#participants-title")).ToHaveTextAsync("Participants: 2 of 2");
        await Expect(dialog.Locator("#seats-left")).ToHaveTextAsync("This session is full.");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("session-full");

        await dialog.Locator("#participant-patient-search").FocusAsync();
        await page.Keyboard.TypeAsync("Lee");
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.Locator("#participant-patient option")).ToHaveTextAsync(["Lee Testperson, born 3 February 1991"]);
        await tab.TabToAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "Add participant" }), 20);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#dialog-alert")).ToHaveTextAsync("This session is full: all 2 places are taken. Nobody was added.");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("full-refusal");

        await PageChecks.TabToAsync(page, dialog.GetByRole(AriaRole.Button, new() { Name = "Remove Sam Testperson" }), 40, key: "Shift+Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(dialog.Locator("#seats-left")).ToHaveTextAsync("1 place left.");
        await tab.ShotAsync("removed");
        var joined = (await c.Api.GetAsync($"appointments/{session}/participants")).Expect(200).Data.EnumerateArray()
            .Where(p => p.GetProperty("status").GetString() == "joined").Select(p => p.GetProperty("patient_id").GetString());
        Assert.Equal([c.Patient], joined);
        var left = (await c.Api.GetAsync($"appointments/{session}/participants")).Expect(200).Data.EnumerateArray()
            .Single(p => p.GetProperty("patient_id").GetString() == second);
        Assert.Equal("cancelled", left.GetProperty("status").GetString());
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Adds_and_deactivates_a_room_and_books_it_by_name()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var tab = await SignInAsync(c, role: "admin");
        var page = tab.Page;
        await OpenViewAsync(tab, "Rooms and equipment", "#resources-title");
        await Expect(page.Locator("#resources")).ToContainTextAsync("None yet.");
        await page.Locator("#resource-name").FocusAsync();
        await page.Keyboard.TypeAsync("Room 1");
        await tab.TabToAsync(tab.Button("Add"), 10);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#resource-list li")).ToHaveTextAsync([$"Room 1 · Room · {BrowserClinic.LocationName} Deactivate"]);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Room or equipment saved.");
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("room-added");
        var room = Assert.Single((await c.Api.GetAsync("resources")).Expect(200).Data.EnumerateArray());
        Assert.Equal(("Room 1", "room", c.Location, true),
            (room.GetProperty("name").GetString(), room.GetProperty("type").GetString(), room.GetProperty("location_id").GetString(), room.GetProperty("is_active").GetBoolean()));

        (await c.Api.PatchAsync($"appointment-templates/{c.Template}", new { required_resource_types = new[] { "room" } })).Expect(200);
        await page.ReloadAsync();
        await Expect(page.Locator("#diary")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await tab.TabToAsync(tab.Button($"Book 09:00 with {BrowserClinic.ClinicianName}"), 80);
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.TypeAsync("Testperson");
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose Pat Testperson, born 15 March 1985" }).ClickAsync();
        await page.GetByLabel("Room").SelectOptionAsync(new SelectOptionValue { Label = "Room 1" });
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("room-chosen");
        await tab.Button("Book").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Booked Pat Testperson at Monday 4 March 2030, 09:00–09:30. In Room 1.");
        var booked = Assert.Single(await c.AppointmentsAsync());
        Assert.Equal([room.GetProperty("id").GetString()], booked.GetProperty("resource_ids").EnumerateArray().Select(r => r.GetString()));
        await Appointment(tab, booked.GetProperty("id").GetString()!).ClickAsync();
        await Expect(page.Locator("dd[data-field=\"Rooms and equipment\"]")).ToHaveTextAsync("Room 1");
        await page.Keyboard.PressAsync("Escape");

        await OpenViewAsync(tab, "Rooms and equipment", "#resources-title");
        await tab.TabToAsync(tab.Button("Deactivate Room 1"), 40);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#resource-list li")).ToHaveTextAsync([$"Room 1 · Room · {BrowserClinic.LocationName} · inactive"]);
        await tab.ShotAsync("room-deactivated");
        Assert.False((await c.Api.GetAsync($"resources/{room.GetProperty("id").GetString()}")).Expect(200).Data.GetProperty("is_active").GetBoolean());
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }

    [Fact]
    public async Task Adds_and_removes_a_waitlist_entry_by_keyboard_alone()
    {
        await using var c = await BrowserClinic.OpenAsync(fixture);
        var tab = await SignInAsync(c, width: PhoneWidth);
        var page = tab.Page;
        await OpenViewAsync(tab, "Waitlist", "#waitlist-title");
        await Expect(page.Locator("#waitlist")).ToContainTextAsync("Nobody is waiting.");
        await PickPatientAsync(tab, "waitlist");
        await page.Locator("#waitlist-priority").FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("5");
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("waitlist-form");
        await tab.TabToAsync(tab.Button("Add to waitlist"), 20);
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#waitlist-entries li")).ToHaveTextAsync([$"Pat Testperson · {BrowserClinic.ServiceName} · priority 5 · Waiting Remove"]);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Waitlist entry saved.");
        var entry = Assert.Single((await c.Api.GetAsync("waitlist-entries")).Expect(200).Data.EnumerateArray());
        Assert.Equal((c.Patient, c.Template, 5, "waiting"), (entry.GetProperty("patient_id").GetString(), entry.GetProperty("appointment_template_id").GetString(),
            entry.GetProperty("priority").GetInt32(), entry.GetProperty("status").GetString()));
        await ExpectNoSidewaysScrollAsync(page);
        await tab.ExpectAccessibleAsync();
        await tab.ShotAsync("waitlist-added");

        await PageChecks.TabToAsync(page, tab.Button("Remove Pat Testperson from the waitlist"), 40, key: "Shift+Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#waitlist")).ToContainTextAsync("Nobody is waiting.");
        await tab.ShotAsync("waitlist-removed");
        var removed = (await c.Api.GetAsync($"waitlist-entries/{entry.GetProperty("id").GetString()}")).Expect(200).Data;
        Assert.Equal("removed", removed.GetProperty("status").GetString());
        tab.ExpectOnlyRequestsTo(c.BaseUrl);
    }
}

public sealed class StaffAppOnSqlite(SqliteServer server, Chromium chromium) : StaffAppTests(server, chromium);

public sealed class StaffAppOnPostgres(PostgresServer server, Chromium chromium) : StaffAppTests(server, chromium);
