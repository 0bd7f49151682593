using System.Text.Json;
using Leap.Server.Notifications;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.OnlineBooking;

/// <summary>
/// Manage links: every appointment answer carries one; the patient sees, cancels or moves the appointment with it,
/// within the template's cancellation notice, through the same rules, idempotency and webhooks as staff, as the patient.
/// </summary>
public abstract class ManageLinkTests(LeapFixture server)
{
    /// <summary>Monday 1 June 2026, 08:00 UTC; the clinic works weekdays 09:00-17:00 London time (08:00-16:00 UTC).</summary>
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private const string Phone = "020 7946 0123";

    private async Task<(Clinic Clinic, string Patient, string Appointment, string Url)> BookAsync(string start = "2026-06-10T09:00:00Z", int noticeHours = 24)
    {
        var c = await Clinic.OpenAsync(server, Now);
        (await c.Api.PatchAsync($"appointment-templates/{c.Template}", new { cancellation_notice_hours = noticeHours })).Expect(200);
        (await c.Api.PatchAsync("organisation", new { phone = Phone, public_name = "Example Physio" })).Expect(200);
        var patient = await c.T.CreatePatientAsync("Manny", "Linkson", "1980-02-03", new { email = "manny.linkson@example.com" });
        var booked = (await c.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = patient, appointment_type_id = c.Template, clinician_profile_id = c.Clinician,
            location_id = c.Location, start_time = start, end_time = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(30),
        })).Expect(201);
        return (c, patient, booked.Id, booked.Data.GetProperty("manage_url").GetString()!);
    }

    private static string ApiPath(string url, string suffix = "") => "/api/v1" + new Uri(url).AbsolutePath + suffix;

    [Fact]
    public async Task Every_appointment_answer_carries_a_manage_url_with_nothing_readable_in_it()
    {
        var (c, patient, appointment, url) = await BookAsync();
        await using var clinic = c;
        Assert.StartsWith(c.Server.BaseUrl + "/manage/", url);
        var token = url[(c.Server.BaseUrl + "/manage/").Length..];
        Assert.True(token.Length > 40);
        foreach (var secret in new[] { appointment, patient, c.T.OrgId, "Manny", "Linkson", "1980", "apt_", "pat_", "org_" })
        {
            Assert.DoesNotContain(secret, token, StringComparison.OrdinalIgnoreCase);
        }
        Assert.StartsWith(c.Server.BaseUrl + "/manage/", (await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data.GetProperty("manage_url").GetString());
        var listed = (await c.Api.GetAsync($"appointments?patient_id={patient}")).Expect(200).Data.EnumerateArray().Single();
        Assert.StartsWith(c.Server.BaseUrl + "/manage/", listed.GetProperty("manage_url").GetString());

        var cancelled = (await c.Api.PostAsync($"appointments/{appointment}/cancel", new { })).Expect(200).Data;
        Assert.Equal(JsonValueKind.Null, cancelled.GetProperty("manage_url").ValueKind);
        // Cancelling ends the link.
        (await c.Server.Anonymous().GetAsync(ApiPath(url))).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task The_link_shows_the_patient_their_booking_and_an_altered_or_expired_link_opens_nothing()
    {
        var (c, _, _, url) = await BookAsync();
        await using var clinic = c;
        var patient = c.Server.Anonymous();
        var view = (await patient.GetAsync(ApiPath(url))).Expect(200);
        Assert.Equal("no-store", view.Header("Cache-Control"));
        var data = view.Data;
        Assert.Equal("confirmed", data.GetProperty("status").GetString());
        Assert.Equal("Consultation", data.GetProperty("service").GetString());
        Assert.Equal("2026-06-10T09:00:00Z", data.GetProperty("start_time").GetString());
        Assert.Equal("Dr Avail", data.GetProperty("clinician_name").GetString());
        Assert.Equal("Example Physio", data.GetProperty("clinic_name").GetString());
        Assert.Equal(Phone, data.GetProperty("clinic_phone").GetString());
        Assert.Equal("2026-06-09T09:00:00Z", data.GetProperty("change_deadline").GetString());
        Assert.True(data.GetProperty("can_change").GetBoolean());
        Assert.False(data.TryGetProperty("patient_id", out _));

        var token = new Uri(url).AbsolutePath["/manage/".Length..];
        var altered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        (await patient.GetAsync($"/api/v1/manage/{altered}")).ExpectError(404, "NOT_FOUND");
        (await patient.GetAsync("/api/v1/manage/not-a-token")).ExpectError(404, "NOT_FOUND");

        c.Server.Clock.Advance(TimeSpan.FromDays(366));
        (await patient.GetAsync(ApiPath(url))).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_link_opens_only_its_own_patients_appointment_in_its_own_organisation()
    {
        var (c, _, appointment, _) = await BookAsync();
        await using var clinic = c;
        var links = c.Server.Services.GetRequiredService<IManageLinks>();
        var otherPatient = await c.T.CreatePatientAsync();
        var other = await server.NewTenantAsync();
        var patient = c.Server.Anonymous();
        (await patient.GetAsync(ApiPath(links.UrlFor(c.T.OrgId, c.T.Mode, appointment, otherPatient)!))).ExpectError(404, "NOT_FOUND");
        (await patient.GetAsync(ApiPath(links.UrlFor(other.OrgId, c.T.Mode, appointment, otherPatient)!))).ExpectError(404, "NOT_FOUND");
        (await patient.GetAsync(ApiPath(links.UrlFor(c.T.OrgId, "live", appointment, otherPatient)!))).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Cancel_by_link_is_the_patients_with_its_webhook_and_a_repeat_with_the_same_key_replays()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (c, patientId, appointment, url) = await BookAsync();
        await using var clinic = c;
        (await c.Api.PostAsync("webhooks", new { url = receiver.Url, events = new[] { "appointment.cancelled" } })).Expect(201);
        var patient = c.Server.Anonymous();
        var key = Guid.NewGuid().ToString();
        var cancelled = (await patient.PostAsync(ApiPath(url, "/cancel"), new { cancellation_reason = "Feeling better" }, key)).Expect(200);
        Assert.Equal("cancelled", cancelled.Data.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, cancelled.Data.GetProperty("manage_url").ValueKind);
        var replay = (await patient.PostAsync(ApiPath(url, "/cancel"), new { cancellation_reason = "Feeling better" }, key)).Expect(200);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(cancelled.Raw, replay.Raw);

        var stored = (await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data;
        Assert.Equal("cancelled", stored.GetProperty("status").GetString());
        Assert.Equal("Feeling better", stored.GetProperty("cancellation_reason").GetString());
        var delivery = (await receiver.WaitForAsync(d => d.Any(x => x.Body.Contains(appointment, StringComparison.Ordinal))))
            .Select(d => d.Json).Single(p => p.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == appointment);
        Assert.Equal("appointment.cancelled", delivery.GetProperty("type").GetString());
        Assert.Equal("patient", delivery.GetProperty("actor").GetProperty("type").GetString());
        Assert.Equal(patientId, delivery.GetProperty("actor").GetProperty("id").GetString());

        // A second cancellation with a new key finds the link already ended.
        (await patient.PostAsync(ApiPath(url, "/cancel"), new { }, Guid.NewGuid().ToString())).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Reschedule_by_link_moves_to_a_free_slot_revokes_the_old_link_and_answers_a_new_one()
    {
        var (c, _, appointment, url) = await BookAsync();
        await using var clinic = c;
        var patient = c.Server.Anonymous();
        var slots = (await patient.GetAsync(ApiPath(url, "/availability?date_from=2026-06-11&date_to=2026-06-11"))).Expect(200)
            .Data.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("start_time").GetString()).ToList();
        Assert.Contains("2026-06-11T10:00:00Z", slots);
        (await patient.GetAsync(ApiPath(url, "/availability?date_from=2026-06-11&date_to=2026-06-11&appointment_template_id=x"))).ExpectError(400, "BAD_REQUEST");

        c.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        var moved = (await patient.PostAsync(ApiPath(url, "/reschedule"), new { start_time = "2026-06-11T10:00:00Z" }, Guid.NewGuid().ToString())).Expect(200).Data;
        Assert.Equal("2026-06-11T10:00:00Z", moved.GetProperty("start_time").GetString());
        Assert.Equal("2026-06-11T10:30:00Z", moved.GetProperty("end_time").GetString());
        var fresh = moved.GetProperty("manage_url").GetString()!;
        Assert.NotEqual(url, fresh);

        var stored = (await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data;
        Assert.Equal("2026-06-11T10:00:00Z", stored.GetProperty("start_time").GetString());
        Assert.Equal("confirmed", stored.GetProperty("status").GetString());
        // The old link, sent for the old time, opens nothing now; the new one does.
        (await patient.GetAsync(ApiPath(url))).ExpectError(404, "NOT_FOUND");
        (await patient.PostAsync(ApiPath(url, "/cancel"), new { }, Guid.NewGuid().ToString())).ExpectError(404, "NOT_FOUND");
        Assert.Equal("2026-06-11T10:00:00Z", (await patient.GetAsync(ApiPath(fresh))).Expect(200).Data.GetProperty("start_time").GetString());
        // A staff reschedule revokes the links sent before it too.
        c.Server.Clock.Advance(TimeSpan.FromMinutes(5));
        (await c.Api.PatchAsync($"appointments/{appointment}", new { start_time = "2026-06-11T11:00:00Z" })).Expect(200);
        (await patient.GetAsync(ApiPath(fresh))).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_taken_or_closed_time_is_refused_and_the_appointment_stays()
    {
        var (c, _, appointment, url) = await BookAsync();
        await using var clinic = c;
        await c.BookAsync("2026-06-11T10:00:00Z", "2026-06-11T10:30:00Z");
        var patient = c.Server.Anonymous();
        (await patient.PostAsync(ApiPath(url, "/reschedule"), new { start_time = "2026-06-11T10:00:00Z" })).ExpectError(409, "SLOT_UNAVAILABLE");
        (await patient.PostAsync(ApiPath(url, "/reschedule"), new { start_time = "2026-06-13T10:00:00Z" })).ExpectError(409, "SLOT_UNAVAILABLE");
        (await patient.PostAsync(ApiPath(url, "/reschedule"), new { })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal("2026-06-10T09:00:00Z", (await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data.GetProperty("start_time").GetString());
    }

    [Fact]
    public async Task Inside_the_notice_period_changes_are_refused_with_the_clinics_phone_number()
    {
        // 10 hours ahead, with 24 hours' notice required.
        var (c, _, appointment, url) = await BookAsync("2026-06-01T15:00:00Z", noticeHours: 24);
        await using var clinic = c;
        var patient = c.Server.Anonymous();
        var view = (await patient.GetAsync(ApiPath(url))).Expect(200).Data;
        Assert.False(view.GetProperty("can_change").GetBoolean());
        var refused = (await patient.PostAsync(ApiPath(url, "/cancel"), new { })).ExpectError(409, "INVALID_STATE");
        Assert.Contains(Phone, refused.Error.GetProperty("message").GetString());
        (await patient.PostAsync(ApiPath(url, "/reschedule"), new { start_time = "2026-06-11T10:00:00Z" })).ExpectError(409, "INVALID_STATE");
        Assert.Equal("confirmed", (await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data.GetProperty("status").GetString());

        // With no notice required, the same link may cancel.
        (await c.Api.PatchAsync($"appointment-templates/{c.Template}", new { cancellation_notice_hours = 0 })).Expect(200);
        (await patient.PostAsync(ApiPath(url, "/cancel"), new { })).Expect(200);
    }
}

public sealed class ManageLinkTestsOnSqlite(SqliteServer s) : ManageLinkTests(s);
public sealed class ManageLinkTestsOnPostgres(PostgresServer s) : ManageLinkTests(s);
