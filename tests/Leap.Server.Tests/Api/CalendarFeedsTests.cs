using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Calendar = Ical.Net.Calendar;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

/// <summary>
/// Private iCalendar feeds (docs/ical.md): each feed is fetched as a calendar app would, without a key, and parsed back
/// with Ical.Net.
/// </summary>
public abstract class CalendarFeedsTests(LeapFixture server)
{
    private static readonly DateTime Day = DateTime.UtcNow.Date.AddDays(3);

    private static string At(int hour, int days = 0) =>
        Day.AddDays(days).AddHours(hour).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed record Practice(TestTenant T, string Clinician, string Location, string Template, string Patient);

    private async Task<Practice> OpenAsync()
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync("Feed Surgery");
        var clinician = await t.CreateClinicianAsync("Dr Feed", locationIds: location);
        var template = await t.CreateTemplateAsync("Consultation");
        var patient = await t.CreatePatientAsync("Ada", "Lovelace");
        return new Practice(t, clinician, location, template, patient);
    }

    private static async Task<string> BookAsync(Practice p, string start, string end, string? clinician = null) =>
        (await p.T.Api.PostAsync("appointments", new
        {
            title = "Follow-up", patient_id = p.Patient, appointment_type_id = p.Template, clinician_profile_id = clinician ?? p.Clinician,
            location_id = p.Location, start_time = start, end_time = end,
        })).Expect(201).Id;

    private static async Task<Calendar> FetchAsync(TestTenant t, string url)
    {
        var answer = await t.Anonymous().GetAsync(new Uri(url).PathAndQuery);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("text/calendar", answer.ContentHeaders.ContentType?.MediaType);
        return Calendar.Load(answer.Raw)!;
    }

    private static CalendarEvent Only(Calendar calendar) => Assert.Single(calendar.Events);

    [Fact]
    public async Task A_feed_shows_initials_and_follows_moves_full_names_and_cancellations_until_revoked()
    {
        var p = await OpenAsync();
        var appointment = await BookAsync(p, At(10), At(10).Replace("T10:00", "T10:30", StringComparison.Ordinal));
        var other = await p.T.CreateClinicianAsync("Dr Elsewhere", locationIds: p.Location);
        await BookAsync(p, At(12), At(12).Replace("T12:00", "T12:30", StringComparison.Ordinal), other);
        await BookAsync(p, At(9, days: 200), At(9, days: 200).Replace("T09:00", "T09:30", StringComparison.Ordinal));

        var created = (await p.T.Api.PostAsync("calendar-feeds", new { clinician_profile_id = p.Clinician }, Guid.NewGuid().ToString())).Expect(201);
        Assert.StartsWith("calf_", created.Id);
        var url = created.Data.GetProperty("url").GetString()!;
        var token = url[(url.LastIndexOf('/') + 1)..^".ics".Length];
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        var db = server.Services.GetRequiredService<Database>();
        var stored = await db.Raw().ScalarAsync<string>("SELECT token_hash FROM calendar_feeds WHERE id = @Id", new { created.Id });
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), stored);
        Assert.DoesNotContain(token, stored);

        var first = Only(await FetchAsync(p.T, url));
        Assert.Equal($"{appointment}@leap", first.Uid);
        Assert.Equal("Consultation - A.L.", first.Summary);
        Assert.Equal(DateTime.Parse(At(10), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), first.Start!.AsUtc);
        Assert.Equal("Feed Surgery", first.Location);
        Assert.Equal(EventStatus.Confirmed, first.Status);

        (await p.T.Api.PatchAsync($"appointments/{appointment}", new { start_time = At(14), end_time = At(14).Replace("T14:00", "T14:30", StringComparison.Ordinal) })).Expect(200);
        var moved = Only(await FetchAsync(p.T, url));
        Assert.Equal(DateTime.Parse(At(14), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), moved.Start!.AsUtc);
        Assert.True(moved.Sequence >= first.Sequence, "a move must not lower SEQUENCE");
        Assert.Equal(first.Uid, moved.Uid);

        Assert.Equal("initials", (await p.T.Api.GetAsync("calendar-feeds/settings")).Expect(200).Data.GetProperty("patient_names").GetString());
        (await p.T.Api.PatchAsync("calendar-feeds/settings", new { patient_names = "full" })).Expect(200);
        Assert.Equal("Consultation - Ada Lovelace", Only(await FetchAsync(p.T, url)).Summary);
        (await p.T.Api.PatchAsync("calendar-feeds/settings", new { patient_names = "everything" })).ExpectError(422, "VALIDATION_ERROR");

        (await p.T.Api.PostAsync($"appointments/{appointment}/cancel", new { cancellation_reason = "Unwell" })).Expect(200);
        Assert.Equal(EventStatus.Cancelled, Only(await FetchAsync(p.T, url)).Status);

        var revoked = (await p.T.Api.DeleteAsync($"calendar-feeds/{created.Id}")).Expect(200).Data;
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, revoked.GetProperty("revoked_at").ValueKind);
        Assert.Equal(404, (await p.T.Anonymous().GetAsync(new Uri(url).PathAndQuery)).StatusCode);
        (await p.T.Api.DeleteAsync($"calendar-feeds/{created.Id}")).ExpectError(409, "INVALID_STATE");
        var listed = Assert.Single((await p.T.Api.GetAsync("calendar-feeds")).Expect(200).Data.EnumerateArray());
        Assert.False(listed.TryGetProperty("url", out _), "the secret URL is shown once, at creation");
    }

    [Fact]
    public async Task Feeds_keep_to_their_organisation_and_scopes_and_unknown_tokens_are_not_found()
    {
        var p = await OpenAsync();
        var feed = (await p.T.Api.PostAsync("calendar-feeds", new { clinician_profile_id = p.Clinician })).Expect(201);
        var stranger = await server.NewTenantAsync();

        (await stranger.Api.DeleteAsync($"calendar-feeds/{feed.Id}")).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await stranger.Api.GetAsync("calendar-feeds")).Expect(200).Data.EnumerateArray());
        (await stranger.Api.PostAsync("calendar-feeds", new { clinician_profile_id = p.Clinician })).ExpectError(422, "VALIDATION_ERROR");
        (await p.T.Api.PostAsync("calendar-feeds", new { })).ExpectError(422, "VALIDATION_ERROR");

        var readOnly = await p.T.KeyAsync([Scopes.ReadPatients]);
        (await readOnly.PostAsync("calendar-feeds", new { clinician_profile_id = p.Clinician })).ExpectError(403, "FORBIDDEN");
        var reader = await p.T.KeyAsync([Scopes.ReadAppointments]);
        (await reader.PatchAsync("calendar-feeds/settings", new { patient_names = "full" })).ExpectError(403, "FORBIDDEN");

        Assert.Equal(404, (await p.T.Anonymous().GetAsync("/ical/not-a-real-token.ics")).StatusCode);
        Assert.Empty((await FetchAsync(p.T, feed.Data.GetProperty("url").GetString()!)).Events);
    }

    [Fact]
    public async Task A_signed_in_clinician_makes_feeds_of_their_own_appointments_only()
    {
        var p = await OpenAsync();
        var colleague = await p.T.CreateClinicianAsync("Dr Colleague", locationIds: p.Location);
        var email = $"clinician.{Guid.NewGuid():N}@clinic.example";
        (await p.T.Api.PostAsync("users", new { email, name = "Dr Feed", role = "clinician", password = "correct horse battery", clinician_profile_id = p.Clinician }))
            .Expect(201);
        using var browser = new StaffBrowser(server);
        await browser.SignInAsync(email, "correct horse battery");
        await browser.UseAntiforgeryAsync();

        var own = (await browser.Api.PostAsync("calendar-feeds", new { })).Expect(201).Data;
        Assert.Equal(p.Clinician, own.GetProperty("clinician_profile_id").GetString());
        (await browser.Api.PostAsync("calendar-feeds", new { clinician_profile_id = colleague })).ExpectError(403, "FORBIDDEN");
        (await p.T.Api.PostAsync("calendar-feeds", new { clinician_profile_id = colleague })).Expect(201);
    }
}

public sealed class CalendarFeedsTestsOnSqlite(SqliteServer server) : CalendarFeedsTests(server);
public sealed class CalendarFeedsTestsOnPostgres(PostgresServer server) : CalendarFeedsTests(server);
