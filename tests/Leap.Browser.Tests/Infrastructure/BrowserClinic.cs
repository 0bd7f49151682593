using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Leap.Browser.Tests.Infrastructure;

/// <summary>
/// A practice of a test's own, seeded through the server's stores and API: one clinician (two when asked)
/// working every day 08:00-18:00 at a London location, one active service (and a retired one the page must not
/// offer), one existing patient. The server and the browser share a fixed "now", <see cref="Now"/>, so the free
/// times, the first week shown and every screenshot are the same on every run.
/// </summary>
public sealed record BrowserClinic(TestTenant T, ClockedServer Server, ApiClient Api, string Location, string Clinician, string Template, string Patient)
    : IAsyncDisposable
{
    public const string ServiceName = "Browser Consultation";
    public const string RetiredServiceName = "Retired Service";
    public const string ClinicianName = "Dr Bea Browserton";
    public const string SecondClinicianName = "Nurse Cy Second";
    public const string LocationName = "Browser Test Surgery";
    public const string Zone = "Europe/London";
    public const string PatientName = "Pat Testperson";

    /// <summary>Monday 4 March 2030, 08:20 in London (GMT, so also UTC): the first free time is 08:30.</summary>
    public static readonly DateTimeOffset Now = new(2030, 3, 4, 8, 20, 0, TimeSpan.Zero);

    private static readonly string[] EveryDay = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    public string Key => T.Api.Key!;
    public string BaseUrl => Server.BaseUrl;

    public static async Task<BrowserClinic> OpenAsync(LeapFixture fixture, IEnumerable<string>? scopes = null, bool twoClinicians = false,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var t = await fixture.NewTenantAsync(scopes ?? Scopes.All);
        var location = await t.CreateLocationAsync(LocationName, Zone);
        var clinician = await t.CreateClinicianAsync(ClinicianName, locationIds: location);
        await t.CreateSessionsAsync(clinician, location, "08:00", "18:00", EveryDay);
        if (twoClinicians)
        {
            var second = await t.CreateClinicianAsync(SecondClinicianName, locationIds: location);
            await t.CreateSessionsAsync(second, location, "08:00", "18:00", EveryDay);
        }
        var template = await t.CreateTemplateAsync(ServiceName, duration: 30, minNoticeMinutes: 0);
        await t.CreateTemplateAsync(RetiredServiceName, active: false);
        var patient = await t.CreatePatientAsync("Pat", "Testperson", "1985-03-15", new { email = "pat.testperson@example.com" });
        var server = ClockedServer.Start(fixture, Now, settings);
        return new BrowserClinic(t, server, server.Api(t), location, clinician, template, patient);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>
    /// A browser context like a front desk's (British English, a chosen viewport and time zone) whose clock
    /// reads <see cref="Now"/>.
    /// </summary>
    public static async Task<IBrowserContext> NewContextAsync(Chromium chromium, string timezone = Zone, int width = 1280, int height = 900)
    {
        var context = await chromium.Browser.NewContextAsync(new()
        {
            Locale = "en-GB",
            TimezoneId = timezone,
            ViewportSize = new() { Width = width, Height = height },
        });
        await context.Clock.SetFixedTimeAsync(Now.UtcDateTime);
        return context;
    }

    /// <summary>Today on the clinic's wall clock: the first day the page shows.</summary>
    public static DateOnly Today => DateOnly.FromDateTime(LocalTime(Now).DateTime);

    public static DateTimeOffset LocalTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, London);

    /// <summary>The free slots the API lists for the page's first week, earliest first.</summary>
    public async Task<List<JsonElement>> FirstWeekSlotsAsync()
    {
        var result = (await Api.GetAsync($"availability?appointment_template_id={Template}&date_from={Today:yyyy-MM-dd}&date_to={Today.AddDays(6):yyyy-MM-dd}")).Expect(200);
        return [.. result.Data.GetProperty("slots").EnumerateArray().OrderBy(s => s.GetProperty("start_time").GetDateTimeOffset())];
    }

    public async Task<List<JsonElement>> AppointmentsAsync()
    {
        var result = (await Api.GetAsync($"appointments?clinician_profile_id={Clinician}")).Expect(200);
        return [.. result.Data.EnumerateArray()];
    }
}
