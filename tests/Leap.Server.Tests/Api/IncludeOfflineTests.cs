using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>
/// <c>include_offline=true</c> on availability, next and verify: services not offered online and clinicians not bookable
/// online, for callers who may book appointments (reception systems booking by phone); nobody else.
/// </summary>
public abstract class IncludeOfflineTests(LeapFixture server)
{
    private static readonly DateTimeOffset WeekBefore = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private const string Monday = "date_from=2026-06-08&date_to=2026-06-08";

    private sealed record Practice(TestTenant T, ClockedServer Server, ApiClient Reception, ApiClient BookingSite, string Location,
        string Online, string Phone, string Template, string PhoneOnly) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    /// <summary>Two clinicians on Mondays 09:00-10:00 (London), one not bookable online; a service offered online and one that is not.</summary>
    private async Task<Practice> OpenAsync()
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync();
        var online = await t.CreateClinicianAsync("Dr Online", locationIds: location);
        var phone = await t.CreateClinicianAsync("Dr Phone", bookableOnline: false, locationIds: location);
        foreach (var clinician in new[] { online, phone })
        {
            await t.CreateSessionsAsync(clinician, location, "09:00", "10:00", ["monday"]);
        }
        var template = await t.CreateTemplateAsync(minNoticeMinutes: 0);
        var phoneOnly = (await t.Api.PostAsync("appointment-templates", new { name = "Phone only", duration = 30, allow_online_booking = false, min_notice_minutes = 0 }))
            .Expect(201).Id;
        var clocked = ClockedServer.Start(server, WeekBefore);
        return new Practice(t, clocked, clocked.Api(await t.KeyAsync([Scopes.ReadAvailability, Scopes.WriteAppointments])),
            clocked.Api(await t.KeyAsync([Scopes.ReadAvailability])), location, online, phone, template, phoneOnly);
    }

    private static async Task<List<(string Start, string Clinician)>> SlotsAsync(ApiClient api, string query) =>
        (await api.GetAsync($"availability?{query}")).Expect(200).Data.GetProperty("slots").EnumerateArray()
            .Select(s => (s.GetProperty("start_time").GetString()!, s.GetProperty("clinician_profile_id").GetString()!)).ToList();

    [Fact]
    public async Task Availability_with_include_offline_adds_offline_clinicians_and_services_for_a_booking_key()
    {
        await using var p = await OpenAsync();
        var online = await SlotsAsync(p.BookingSite, $"appointment_template_id={p.Template}&{Monday}");
        Assert.Equal(["2026-06-08T08:00:00Z", "2026-06-08T08:15:00Z", "2026-06-08T08:30:00Z"], online.Select(s => s.Start));
        Assert.All(online, s => Assert.Equal(p.Online, s.Clinician));
        Assert.Equal(online, await SlotsAsync(p.Reception, $"appointment_template_id={p.Template}&{Monday}"));
        Assert.Equal(online, await SlotsAsync(p.Reception, $"appointment_template_id={p.Template}&{Monday}&include_offline=false"));

        var everyone = await SlotsAsync(p.Reception, $"appointment_template_id={p.Template}&{Monday}&include_offline=true");
        Assert.Equal(6, everyone.Count);
        Assert.Equal([p.Online, p.Phone], everyone.Select(s => s.Clinician).Distinct().Order());
        var phoneOnly = await SlotsAsync(p.Reception, $"appointment_template_id={p.PhoneOnly}&clinician_profile_id={p.Phone}&{Monday}&include_offline=true");
        Assert.Equal(["2026-06-08T08:00:00Z", "2026-06-08T08:15:00Z", "2026-06-08T08:30:00Z"], phoneOnly.Select(s => s.Start));
        Assert.All(phoneOnly, s => Assert.Equal(p.Phone, s.Clinician));

        var refused = (await p.Reception.GetAsync($"availability?appointment_template_id={p.PhoneOnly}&clinician_profile_id={p.Phone}&{Monday}"))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_template_id", "clinician_profile_id"], refused.ErrorFields.Order());
        Assert.Contains("include_offline=true", refused.Raw);
        var retired = await p.T.CreateTemplateAsync("Retired", active: false);
        var inactive = (await p.Reception.GetAsync($"availability?appointment_template_id={retired}&{Monday}&include_offline=true")).ExpectError(422, "VALIDATION_ERROR");
        Assert.Contains("not active", inactive.Raw);
        var malformed = (await p.Reception.GetAsync($"availability?appointment_template_id={p.Template}&{Monday}&include_offline=maybe")).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["include_offline"], malformed.ErrorFields);
    }

    [Fact]
    public async Task Next_and_verify_take_include_offline_too()
    {
        await using var p = await OpenAsync();
        var next = (await p.Reception.GetAsync($"availability/next?appointment_template_id={p.PhoneOnly}&clinician_profile_id={p.Phone}&include_offline=true"))
            .Expect(200).Data;
        // The clock stands at Monday 2026-06-01 08:00Z, inside the session (09:00-10:00 London).
        Assert.StartsWith("2026-06-01T08:", next.GetProperty("start_time").GetString());
        Assert.Equal(p.Phone, next.GetProperty("clinician_profile_id").GetString());
        (await p.Reception.GetAsync($"availability/next?appointment_template_id={p.PhoneOnly}")).ExpectError(422, "VALIDATION_ERROR");

        var slot = new { appointment_template_id = p.PhoneOnly, clinician_profile_id = p.Phone, start_time = "2026-06-08T08:30:00Z" };
        var check = (await p.Reception.PostAsync("availability/verify?include_offline=true", slot)).Expect(200).Data;
        Assert.True(check.GetProperty("available").GetBoolean());
        Assert.Equal(p.Location, check.GetProperty("slot").GetProperty("location_id").GetString());
        Assert.False((await p.Reception.PostAsync("availability/verify?include_offline=true", slot with { start_time = "2026-06-08T09:00:00Z" }))
            .Expect(200).Data.GetProperty("available").GetBoolean());
        var refused = (await p.Reception.PostAsync("availability/verify", slot)).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_template_id", "clinician_profile_id"], refused.ErrorFields.Order());
        (await p.Reception.PostAsync("availability/verify?include_offline=yes", slot)).ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Include_offline_is_403_without_write_appointments_and_on_the_public_booking_page()
    {
        await using var p = await OpenAsync();
        var slot = new { appointment_template_id = p.Template, clinician_profile_id = p.Online, start_time = "2026-06-08T08:00:00Z" };
        foreach (var refused in new[]
        {
            await p.BookingSite.GetAsync($"availability?appointment_template_id={p.Template}&{Monday}&include_offline=true"),
            await p.BookingSite.GetAsync($"availability/next?appointment_template_id={p.Template}&include_offline=true"),
            await p.BookingSite.PostAsync("availability/verify?include_offline=true", slot),
        })
        {
            refused.ExpectError(403, "FORBIDDEN");
            Assert.Contains("write_appointments", refused.Error.GetProperty("message").GetString());
        }
        Assert.True((await p.BookingSite.PostAsync("availability/verify", slot)).Expect(200).Data.GetProperty("available").GetBoolean());

        var slug = "offline-" + Guid.NewGuid().ToString("N")[..10];
        (await p.T.Api.PatchAsync("organisation", new { slug, online_booking_enabled = true })).Expect(200);
        var page = p.Server.Anonymous();
        var publicSlots = (await page.GetAsync($"/api/v1/public/{slug}/availability?appointment_template_id={p.Template}&{Monday}")).Expect(200)
            .Data.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("clinician_profile_id").GetString()).Distinct();
        Assert.Equal([p.Online], publicSlots);
        (await page.GetAsync($"/api/v1/public/{slug}/availability?appointment_template_id={p.Template}&{Monday}&include_offline=true"))
            .ExpectError(403, "FORBIDDEN");
    }
}

public sealed class IncludeOfflineTestsOnSqlite(SqliteServer server) : IncludeOfflineTests(server);
public sealed class IncludeOfflineTestsOnPostgres(PostgresServer server) : IncludeOfflineTests(server);
