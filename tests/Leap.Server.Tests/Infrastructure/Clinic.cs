using System.Globalization;
using System.Text.Json;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// A small practice for availability and hold tests: one clinician working 09:00-17:00 (London time) on weekdays
/// at one location, one template, and a server whose clock the test controls.
/// </summary>
public sealed record Clinic(TestTenant T, ClockedServer Server, ApiClient Api, string Location, string Clinician, string Template) : IAsyncDisposable
{
    public static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"];

    public static async Task<Clinic> OpenAsync(LeapFixture fixture, DateTimeOffset now, int duration = 30, int bufferBefore = 0, int bufferAfter = 0,
        int minNotice = 0, int maxAdvance = 90, string[]? days = null, IReadOnlyDictionary<string, string?>? settings = null, bool isolated = false)
    {
        // An isolated clinic's server is alone on its database: its background work runs under the test's clock.
        var clocked = isolated ? ClockedServer.StartIsolated(fixture, now, settings) : null;
        var t = clocked is null ? await fixture.NewTenantAsync() : await TestTenant.OnAsync(fixture, clocked.App);
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync("Dr Avail", locationIds: location);
        await t.CreateSessionsAsync(clinician, location, "09:00", "17:00", days ?? Weekdays);
        var template = await t.CreateTemplateAsync("Consultation", duration, bufferBefore, bufferAfter, minNoticeMinutes: minNotice, maxAdvanceDays: maxAdvance);
        clocked ??= ClockedServer.Start(fixture, now, settings);
        return new Clinic(t, clocked, clocked.Api(t), location, clinician, template);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    public async Task<List<JsonElement>> SlotsAsync(string from, string to, string? template = null, string extra = "")
    {
        var result = (await Api.GetAsync($"availability?appointment_template_id={template ?? Template}&date_from={from}&date_to={to}{extra}")).Expect(200);
        return result.Data.GetProperty("slots").EnumerateArray().ToList();
    }

    public async Task<List<string>> StartsAsync(string from, string to, string? template = null, string extra = "") =>
        Starts(await SlotsAsync(from, to, template, extra));

    public async Task<string> BookAsync(string start, string end, string? template = null) =>
        (await Api.PostAsync("appointments", new
        {
            title = "Booked", patient_id = await T.CreatePatientAsync(), appointment_type_id = template ?? Template,
            clinician_profile_id = Clinician, location_id = Location, start_time = start, end_time = end,
        })).Expect(201).Id;

    /// <summary>A hold on this clinic's clinician and template.</summary>
    public Task<ApiResult> HoldAsync(string start, string? key = null) =>
        Api.PostAsync("holds", new { appointment_template_id = Template, clinician_profile_id = Clinician, start_time = start }, key);

    public static List<string> Starts(IEnumerable<JsonElement> slots) => slots.Select(s => s.GetProperty("start_time").GetString()!).ToList();

    /// <summary><paramref name="first"/> and every <paramref name="minutes"/> after it up to and including <paramref name="last"/>.</summary>
    public static List<string> Every(string first, string last, int minutes = 15)
    {
        var list = new List<string>();
        for (var t = At(first); t <= At(last); t = t.AddMinutes(minutes))
        {
            list.Add(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        return list;
    }

    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);
}
