using System.Text.Json;
using System.Text.RegularExpressions;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;
using MimeKit;

namespace Leap.Server.Tests.OnlineBooking;

/// <summary>
/// The organisation's public settings and its public booking page's API: services and slots offered online, a hold,
/// a code emailed through a real SMTP server (smtp4dev), the booking by the patient, matching without disclosure,
/// the honeypot and the rate limits.
/// </summary>
public abstract partial class PublicBookingTests(LeapFixture server, SmtpFixture mail)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private const string Start = "2026-06-10T09:00:00Z";

    /// <summary>
    /// A clinic with online booking on, emailing through a real SMTP server. Per-address counts are shared by every server on a
    /// PostgreSQL database, so a test about them gets a clock hour of its own (<paramref name="now"/>).
    /// </summary>
    private async Task<(Clinic Clinic, string Root, SmtpServer Mail)> OpenAsync(Dictionary<string, string?>? extra = null, DateTimeOffset? now = null)
    {
        var smtp = await mail.ServerAsync();
        var settings = smtp.Settings();
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }
        var c = await Clinic.OpenAsync(server, now ?? Now, settings: settings);
        var slug = "clinic-" + Guid.NewGuid().ToString("N")[..10];
        (await c.Api.PatchAsync("organisation", new { slug, online_booking_enabled = true, public_name = "Example Physio", phone = "020 7946 0456" })).Expect(200);
        return (c, $"/api/v1/public/{slug}", smtp);
    }

    private static string NewEmail() => $"patient-{Guid.NewGuid():N}@example.com";

    private static async Task<string> HoldAsync(ApiClient patient, Clinic c, string root, string start = Start) =>
        (await patient.PostAsync($"{root}/holds", new { appointment_template_id = c.Template, clinician_profile_id = c.Clinician, start_time = start },
            Guid.NewGuid().ToString())).Expect(201).Id;

    private static object Details(string hold, string email, string dateOfBirth = "1984-05-06", string website = "") => new
    {
        hold_id = hold, first_name = "Olive", last_name = "Online", date_of_birth = dateOfBirth, email, phone = "07700 900321", website,
    };

    private static string CodeIn(MimeMessage message) => CodePattern().Match(message.TextBody ?? "").Value;

    [Fact]
    public async Task Organisation_settings_are_read_and_changed_by_an_admin_key_and_slugs_are_unique()
    {
        var t = await server.NewTenantAsync();
        var settings = (await t.Api.GetAsync("organisation")).Expect(200).Data;
        Assert.Equal(t.OrgId, settings.GetProperty("id").GetString());
        Assert.Equal("test", settings.GetProperty("mode").GetString());
        Assert.False(settings.GetProperty("online_booking_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("slug").ValueKind);

        (await t.Api.PatchAsync("organisation", new { online_booking_enabled = true })).ExpectError(422, "VALIDATION_ERROR");
        var invalid = (await t.Api.PatchAsync("organisation", new { slug = "Not A Slug", phone = "call me" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["slug", "phone"], invalid.ErrorFields);
        var slug = "settings-" + Guid.NewGuid().ToString("N")[..10];
        var saved = (await t.Api.PatchAsync("organisation", new { slug, online_booking_enabled = true, phone = "020 7946 0999" })).Expect(200).Data;
        Assert.Equal(slug, saved.GetProperty("slug").GetString());
        Assert.EndsWith($"/book/{slug}", saved.GetProperty("booking_url").GetString());
        Assert.Equal(slug, (await t.Api.GetAsync("organisation")).Expect(200).Data.GetProperty("slug").GetString());

        var other = await server.NewTenantAsync();
        (await other.Api.PatchAsync("organisation", new { slug })).ExpectError(409, "CONFLICT");
        var reader = await t.KeyAsync([Scopes.ReadPatients]);
        (await reader.GetAsync("organisation")).ExpectError(403, "FORBIDDEN");

        // Turned off, the page and its API are gone, as for an address that never existed.
        (await t.Anonymous().GetAsync($"/api/v1/public/{slug}")).Expect(200);
        (await t.Api.PatchAsync("organisation", new { online_booking_enabled = false })).Expect(200);
        (await t.Anonymous().GetAsync($"/api/v1/public/{slug}")).ExpectError(404, "NOT_FOUND");
        (await t.Anonymous().GetAsync("/api/v1/public/no-such-clinic-here")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task The_page_offers_only_what_is_bookable_online_with_free_slots_from_the_same_engine()
    {
        var (c, root, _) = await OpenAsync();
        await using var clinic = c;
        await c.T.CreateTemplateAsync("Staff only");
        var staffOnly = (await c.Api.GetAsync("appointment-templates?limit=100")).Expect(200).Data.EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == "Staff only").GetProperty("id").GetString();
        (await c.Api.PatchAsync($"appointment-templates/{staffOnly}", new { allow_online_booking = false })).Expect(200);
        await c.T.CreateClinicianAsync("Dr Offline", bookableOnline: false);
        var patient = c.Server.Anonymous();

        var page = (await patient.GetAsync(root)).Expect(200).Data;
        Assert.Equal("Example Physio", page.GetProperty("name").GetString());
        Assert.Equal(["Consultation"], page.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["Dr Avail"], page.GetProperty("clinicians").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.DoesNotContain("patient", page.GetRawText(), StringComparison.OrdinalIgnoreCase);

        var open = (await patient.GetAsync($"{root}/availability?appointment_template_id={c.Template}&date_from=2026-06-10&date_to=2026-06-10")).Expect(200);
        Assert.Equal(Clinic.Starts(await c.SlotsAsync("2026-06-10", "2026-06-10")), Clinic.Starts(open.Data.GetProperty("slots").EnumerateArray()));
        (await patient.GetAsync($"{root}/availability?appointment_template_id={staffOnly}&date_from=2026-06-10&date_to=2026-06-10"))
            .ExpectError(422, "VALIDATION_ERROR");
        // The public page reaches nothing else of the clinic's.
        (await patient.GetAsync($"{root}/patients")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task The_emailed_code_books_the_held_slot_for_a_new_patient_as_the_patient()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (c, root, smtp) = await OpenAsync();
        await using var clinic = c;
        (await c.Api.PostAsync("webhooks", new { url = receiver.Url, events = new[] { "appointment.created" } })).Expect(201);
        var patient = c.Server.Anonymous();
        var email = NewEmail();
        var hold = await HoldAsync(patient, c, root);
        // Held: no one else is offered the time meanwhile.
        Assert.DoesNotContain(Start, await c.StartsAsync("2026-06-10", "2026-06-10"));

        var request = (await patient.PostAsync($"{root}/booking-requests", Details(hold, email), Guid.NewGuid().ToString())).Expect(201).Data;
        var id = request.GetProperty("id").GetString()!;
        Assert.StartsWith("breq_", id);
        Assert.Equal("2026-06-01T08:15:00Z", request.GetProperty("expires_at").GetString());
        var message = Assert.Single(await smtp.WaitForAsync(email, 1));
        Assert.Equal("Your booking code for Example Physio", message.Subject);
        var code = CodeIn(message);
        Assert.Matches("^[0-9]{6}$", code);

        var wrong = code == "000000" ? "111111" : "000000";
        var refused = (await patient.PostAsync($"{root}/booking-requests/{id}/confirm", new { code = wrong })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["code"], refused.ErrorFields);
        Assert.Contains("4 tries left", refused.Raw);

        var booked = (await patient.PostAsync($"{root}/booking-requests/{id}/confirm", new { code }, Guid.NewGuid().ToString())).Expect(201).Data;
        Assert.Equal("confirmed", booked.GetProperty("status").GetString());
        Assert.Equal(Start, booked.GetProperty("start_time").GetString());
        var manage = booked.GetProperty("manage_url").GetString()!;
        Assert.Contains("/manage/", manage);
        (await patient.PostAsync($"{root}/booking-requests/{id}/confirm", new { code })).ExpectError(409, "INVALID_STATE");

        var appointment = (await c.Api.GetAsync($"appointments?start_time_gte=2026-06-10T00:00:00Z")).Expect(200).Data.EnumerateArray().Single();
        Assert.Equal("online", appointment.GetProperty("booking_source").GetString());
        var patientId = appointment.GetProperty("patient_id").GetString()!;
        var record = (await c.Api.GetAsync($"patients/{patientId}")).Expect(200).Data;
        Assert.Equal(email, record.GetProperty("email").GetString());
        Assert.Equal("1984-05-06", record.GetProperty("date_of_birth").GetString());
        Assert.Equal("confirmed", (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data.GetProperty("status").GetString());
        var created = (await receiver.WaitForAsync(d => d.Any(x => x.Body.Contains(appointment.GetProperty("id").GetString()!, StringComparison.Ordinal))))
            .Select(d => d.Json).Single(p => p.GetProperty("data").GetProperty("object").GetProperty("patient_id").GetString() == patientId);
        Assert.Equal("patient", created.GetProperty("actor").GetProperty("type").GetString());
        Assert.Equal(patientId, created.GetProperty("actor").GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_existing_patient_is_matched_on_email_and_date_of_birth_and_no_answer_says_so()
    {
        var (c, root, smtp) = await OpenAsync();
        await using var clinic = c;
        var email = NewEmail();
        var existing = await c.T.CreatePatientAsync("Olive", "Online", "1984-05-06", new { email = email.ToUpperInvariant() });
        var patient = c.Server.Anonymous();

        async Task<(ApiResult Request, ApiResult Booked)> BookAsync(string start, string dateOfBirth, int messageNumber)
        {
            var request = (await patient.PostAsync($"{root}/booking-requests", Details(await HoldAsync(patient, c, root, start), email, dateOfBirth))).Expect(201);
            var code = CodeIn((await smtp.WaitForAsync(email, messageNumber))[messageNumber - 1]);
            var booked = (await patient.PostAsync($"{root}/booking-requests/{request.Data.GetProperty("id").GetString()}/confirm", new { code })).Expect(201);
            return (request, booked);
        }

        var known = await BookAsync("2026-06-10T09:00:00Z", "1984-05-06", 1);
        var unknown = await BookAsync("2026-06-10T10:00:00Z", "1990-01-01", 2);
        // The same shapes whether or not a record matched.
        static IEnumerable<string> Fields(ApiResult r) => r.Data.EnumerateObject().Select(p => p.Name);
        Assert.Equal(Fields(known.Request), Fields(unknown.Request));
        Assert.Equal(Fields(known.Booked), Fields(unknown.Booked));
        Assert.DoesNotContain(existing, known.Booked.Raw);

        var appointments = (await c.Api.GetAsync("appointments?start_time_gte=2026-06-10T00:00:00Z")).Expect(200).Data.EnumerateArray()
            .ToDictionary(a => a.GetProperty("start_time").GetString()!, a => a.GetProperty("patient_id").GetString()!);
        Assert.Equal(existing, appointments["2026-06-10T09:00:00Z"]);
        Assert.NotEqual(existing, appointments["2026-06-10T10:00:00Z"]);
    }

    [Fact]
    public async Task A_filled_honeypot_is_answered_as_usual_but_nothing_is_recorded_or_sent()
    {
        var (c, root, smtp) = await OpenAsync();
        await using var clinic = c;
        var patient = c.Server.Anonymous();
        var robot = NewEmail();
        var hold = await HoldAsync(patient, c, root);
        var answer = (await patient.PostAsync($"{root}/booking-requests", Details(hold, robot, website: "https://spam.example"))).Expect(201).Data;
        Assert.StartsWith("breq_", answer.GetProperty("id").GetString());
        (await patient.PostAsync($"{root}/booking-requests/{answer.GetProperty("id").GetString()}/confirm", new { code = "123456" })).ExpectError(404, "NOT_FOUND");

        // A person's request after the robot's arrives; the robot's never does.
        var person = NewEmail();
        (await patient.PostAsync($"{root}/booking-requests", Details(hold, person))).Expect(201);
        await smtp.WaitForAsync(person, 1);
        Assert.Empty(await smtp.MessagesToAsync(robot));
    }

    [Fact]
    public async Task Requests_are_limited_per_address_and_per_organisation()
    {
        var hour = Now.AddHours(-Random.Shared.Next(1, 1500));
        var (c, root, _) = await OpenAsync(new() { ["OnlineBooking:RateLimits:PerIp"] = "4", ["OnlineBooking:RateLimits:CodesPerIp"] = "1" }, hour);
        await using var clinic = c;
        var patient = c.Server.Anonymous();
        var hold = await HoldAsync(patient, c, root);
        (await patient.PostAsync($"{root}/booking-requests", Details(hold, NewEmail()))).Expect(201);
        var codes = (await patient.PostAsync($"{root}/booking-requests", Details(hold, NewEmail()))).ExpectError(429, "RATE_LIMITED");
        Assert.NotNull(codes.Header("Retry-After"));
        (await patient.GetAsync(root)).Expect(200);
        var limited = (await patient.GetAsync(root)).ExpectError(429, "RATE_LIMITED");
        Assert.Contains("this network", limited.Error.GetProperty("message").GetString());

        var (d, otherRoot, _) = await OpenAsync(new() { ["OnlineBooking:RateLimits:PerOrganisation"] = "2" }, hour);
        await using var second = d;
        var visitor = d.Server.Anonymous();
        (await visitor.GetAsync(otherRoot)).Expect(200);
        (await visitor.GetAsync(otherRoot)).Expect(200);
        Assert.Contains("this clinic", (await visitor.GetAsync(otherRoot)).ExpectError(429, "RATE_LIMITED").Error.GetProperty("message").GetString());
    }

    [GeneratedRegex(@"\b[0-9]{6}\b")]
    private static partial Regex CodePattern();
}

public sealed class PublicBookingTestsOnSqlite(SqliteServer s, SmtpFixture m) : PublicBookingTests(s, m);
public sealed class PublicBookingTestsOnPostgres(PostgresServer s, SmtpFixture m) : PublicBookingTests(s, m);
