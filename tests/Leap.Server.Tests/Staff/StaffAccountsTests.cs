using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.StaffApp;
using Leap.Server.Tests.Infrastructure;
using OtpNet;

namespace Leap.Server.Tests.Staff;

/// <summary>
/// Staff accounts (docs/staff-accounts.md): sign-in through the real form with its antiforgery field, the session
/// cookie as an API credential with the role's scopes, lockout, the second factor, and everything that ends a session.
/// </summary>
public abstract class StaffAccountsTests(LeapFixture server)
{
    private const string Password = "correct horse battery";

    private static async Task<(string Id, string Email)> UserAsync(TestTenant t, string role, string? clinician = null, string? email = null)
    {
        email ??= $"{role}.{Guid.NewGuid():N}@clinic.example";
        var created = (await t.Api.PostAsync("users", new { email, name = $"Test {role}", role, password = Password, clinician_profile_id = clinician }))
            .Expect(201);
        return (created.Id, email);
    }

    private async Task<StaffBrowser> SignedInAsync(string email, string password = Password)
    {
        var browser = new StaffBrowser(server);
        var page = await browser.SignInAsync(email, password);
        Assert.True(page.Status == HttpStatusCode.Found, $"{page.Status}: {page.Alert}");
        Assert.Equal(StaffAppEndpoints.Path, page.Location);
        return browser;
    }

    [Fact]
    public async Task Signing_in_sets_a_strict_http_only_cookie_and_the_session_names_user_role_organisation_and_token()
    {
        var t = await server.NewTenantAsync();
        var (id, email) = await UserAsync(t, "reception");
        using var browser = new StaffBrowser(server);

        var page = await browser.SignInAsync(email.ToUpperInvariant(), Password);

        Assert.Equal(HttpStatusCode.Found, page.Status);
        var cookie = Assert.Single(page.SetCookies, c => c.StartsWith(StaffSessions.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        var session = (await browser.Api.GetAsync("/app/session")).Expect(200).Data;
        Assert.Equal(id, session.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal("reception", session.GetProperty("user").GetProperty("role").GetString());
        Assert.Equal(t.OrgId, session.GetProperty("organisation").GetProperty("id").GetString());
        Assert.Equal(Modes.Test, session.GetProperty("user").GetProperty("mode").GetString());
        Assert.Contains("write_patients", session.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(StaffSessions.AntiforgeryHeader, session.GetProperty("antiforgery").GetProperty("header_name").GetString());
        Assert.False(session.GetProperty("user").TryGetProperty("password_hash", out _));

        var landing = await browser.GetAsync("/app");
        Assert.Equal(HttpStatusCode.OK, landing.Status);
        Assert.Contains("Test reception", landing.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_or_unknown_email_gets_the_same_refusal_and_no_session()
    {
        var t = await server.NewTenantAsync();
        var (_, email) = await UserAsync(t, "admin");
        using var browser = new StaffBrowser(server);

        var wrong = await browser.SignInAsync(email, "not the password");
        var unknown = await browser.SignInAsync("nobody@clinic.example", Password);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(wrong.Alert, unknown.Alert);
        Assert.Equal("The email or password is not right.", wrong.Alert);
        Assert.Null(browser.SessionCookie);
        Assert.Equal(401, (await browser.Api.GetAsync("patients")).StatusCode);
        Assert.Equal(401, (await browser.Api.GetAsync("/app/session")).StatusCode);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/app")).Status);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_for_fifteen_minutes_until_an_admin_resets_the_password()
    {
        var t = await server.NewTenantAsync();
        var (id, email) = await UserAsync(t, "reception");
        using var browser = new StaffBrowser(server);
        for (var i = 0; i < StaffSessions.MaxFailures - 1; i++)
        {
            Assert.Equal("The email or password is not right.", (await browser.SignInAsync(email, "wrong " + i)).Alert);
        }

        var fifth = await browser.SignInAsync(email, "wrong again");
        var rightButLocked = await browser.SignInAsync(email, Password);

        Assert.Contains("locked for 15 minutes", fifth.Alert, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, rightButLocked.Status);
        Assert.Contains("locked", rightButLocked.Alert, StringComparison.Ordinal);
        Assert.Null(browser.SessionCookie);
        var user = (await t.Api.GetAsync($"users/{id}")).Expect(200).Data;
        var lockedUntil = user.GetProperty("locked_until").GetDateTimeOffset();
        Assert.InRange(lockedUntil - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        (await t.Api.PostAsync($"users/{id}/reset-password", new { password = "a brand new passphrase" })).Expect(200);

        using var after = await SignedInAsync(email, "a brand new passphrase");
        Assert.Equal(JsonValueKind.Null, (await t.Api.GetAsync($"users/{id}")).Expect(200).Data.GetProperty("locked_until").ValueKind);
    }

    [Fact]
    public async Task The_sign_in_form_without_its_antiforgery_field_is_refused()
    {
        var t = await server.NewTenantAsync();
        var (_, email) = await UserAsync(t, "admin");
        using var browser = new StaffBrowser(server);

        var page = await browser.PostFormAsync(StaffAppEndpoints.SignInPath, "", ("email", email), ("password", Password));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Null(browser.SessionCookie);
    }

    [Fact]
    public async Task A_session_calls_the_api_with_its_role_scopes_and_changes_need_the_antiforgery_header()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync("Scoped", "Patient");
        var (_, receptionEmail) = await UserAsync(t, "reception");
        var clinician = await t.CreateClinicianAsync();
        var (_, clinicianEmail) = await UserAsync(t, "clinician", clinician);
        using var reception = await SignedInAsync(receptionEmail);
        using var doctor = await SignedInAsync(clinicianEmail);

        (await reception.Api.GetAsync($"patients/{patient}")).Expect(200);
        (await reception.Api.GetAsync("webhooks")).ExpectError(403, "FORBIDDEN");
        (await reception.Api.GetAsync("users")).ExpectError(403, "FORBIDDEN");
        var noToken = (await reception.Api.PostAsync("patients", new { first_name = "No", last_name = "Token", date_of_birth = "1990-01-01" }))
            .ExpectError(403, "FORBIDDEN");
        Assert.Contains(StaffSessions.AntiforgeryHeader, noToken.Error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty((await t.Api.GetAsync("patients?search=Token")).Expect(200).Ids());

        await reception.UseAntiforgeryAsync();
        (await reception.Api.PostAsync("patients", new { first_name = "With", last_name = "Token", date_of_birth = "1990-01-01" })).Expect(201);

        await doctor.UseAntiforgeryAsync();
        (await doctor.Api.GetAsync($"patients/{patient}")).Expect(200);
        var denied = (await doctor.Api.PatchAsync($"patients/{patient}", new { first_name = "Changed" })).ExpectError(403, "FORBIDDEN");
        Assert.Contains("write_patients", denied.Error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_token_than_the_sessions_own_is_refused_for_changes()
    {
        var t = await server.NewTenantAsync();
        var (_, email) = await UserAsync(t, "admin");
        using var browser = await SignedInAsync(email);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients")
        {
            Content = JsonContent.Create(new { first_name = "Forged", last_name = "Token", date_of_birth = "1990-01-01" }),
        };
        request.Headers.Add(StaffSessions.AntiforgeryHeader, "CfDJ8-forged");

        (await browser.Api.SendAsync(request)).ExpectError(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_for_every_copy_of_the_cookie()
    {
        var t = await server.NewTenantAsync();
        var (_, email) = await UserAsync(t, "admin");
        using var browser = await SignedInAsync(email);
        var stolen = browser.SessionCookie!;
        var landing = await browser.GetAsync("/app");

        var signedOut = await browser.PostFormAsync("/app/sign-out", landing.Html);

        Assert.Equal(HttpStatusCode.Found, signedOut.Status);
        Assert.Equal(StaffAppEndpoints.SignInPath, signedOut.Location);
        using var replay = new StaffBrowser(server);
        replay.Cookies.Add(new Uri(server.BaseUrl), new Cookie(StaffSessions.CookieName, stolen));
        (await replay.Api.GetAsync("patients")).ExpectError(401, "UNAUTHORISED");
        (await replay.Api.GetAsync("/app/session")).ExpectError(401, "UNAUTHORISED");
    }

    [Fact]
    public async Task Disabling_a_user_or_resetting_their_password_ends_their_sessions()
    {
        var t = await server.NewTenantAsync();
        var (disabledId, disabledEmail) = await UserAsync(t, "reception");
        var (resetId, resetEmail) = await UserAsync(t, "clinician");
        using var disabled = await SignedInAsync(disabledEmail);
        using var reset = await SignedInAsync(resetEmail);
        (await disabled.Api.GetAsync("patients")).Expect(200);
        (await reset.Api.GetAsync("patients")).Expect(200);

        var patched = (await t.Api.PatchAsync($"users/{disabledId}", new { is_disabled = true })).Expect(200).Data;
        (await t.Api.PostAsync($"users/{resetId}/reset-password", new { password = "another long passphrase" })).Expect(200);

        Assert.True(patched.GetProperty("is_disabled").GetBoolean());
        (await disabled.Api.GetAsync("patients")).ExpectError(401, "UNAUTHORISED");
        (await reset.Api.GetAsync("patients")).ExpectError(401, "UNAUTHORISED");
        using var again = new StaffBrowser(server);
        Assert.Equal("This account is disabled. Ask an administrator.", (await again.SignInAsync(disabledEmail, Password)).Alert);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.SignInAsync(resetEmail, Password)).Status);
        using var withNew = await SignedInAsync(resetEmail, "another long passphrase");
    }

    [Fact]
    public async Task A_second_factor_is_enrolled_with_a_code_and_then_asked_for_at_sign_in_once_per_code()
    {
        var t = await server.NewTenantAsync();
        var (id, email) = await UserAsync(t, "admin");
        string secret;
        using (var first = await SignedInAsync(email))
        {
            await first.UseAntiforgeryAsync();
            var setup = (await first.Api.PostAsync("/app/second-factor")).Expect(200).Data;
            secret = setup.GetProperty("secret").GetString()!;
            Assert.StartsWith("otpauth://totp/Leap:", setup.GetProperty("otpauth_uri").GetString(), StringComparison.Ordinal);
            (await first.Api.PostAsync("/app/second-factor/confirm", new { code = "000000" })).ExpectError(422, "VALIDATION_ERROR");
            var confirmed = (await first.Api.PostAsync("/app/second-factor/confirm", new { code = Code(secret, -30) })).Expect(200).Data;
            Assert.True(confirmed.GetProperty("second_factor_enabled").GetBoolean());
        }

        using var browser = new StaffBrowser(server);
        var codePage = await browser.SignInAsync(email, Password);
        Assert.Equal(HttpStatusCode.OK, codePage.Status);
        Assert.Contains("authentication code", codePage.Html, StringComparison.OrdinalIgnoreCase);
        (await browser.Api.GetAsync("patients")).ExpectError(401, "UNAUTHORISED");

        var wrong = await browser.PostFormAsync("/app/sign-in/code", codePage.Html, ("code", "123456"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        var code = Code(secret);
        var right = await browser.PostFormAsync("/app/sign-in/code", wrong.Html, ("code", code));
        Assert.Equal(HttpStatusCode.Found, right.Status);
        (await browser.Api.GetAsync("patients")).Expect(200);

        using var replay = new StaffBrowser(server);
        var replayPage = await replay.SignInAsync(email, Password);
        var reused = await replay.PostFormAsync("/app/sign-in/code", replayPage.Html, ("code", code));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.Status);
        Assert.True((await t.Api.GetAsync($"users/{id}")).Expect(200).Data.GetProperty("second_factor_enabled").GetBoolean());
    }

    private static string Code(string secret, int offsetSeconds = 0) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(offsetSeconds));

    [Fact]
    public async Task Users_belong_to_one_organisation_and_mode_with_emails_unique_per_organisation_whatever_their_case()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        var (id, email) = await UserAsync(a, "reception");

        (await a.Api.PostAsync("users", new { email = email.ToUpperInvariant(), name = "Twin", role = "admin", password = Password }))
            .ExpectError(409, "CONFLICT");
        var live = await a.KeyAsync(Scopes.All, Modes.Live);
        (await live.PostAsync("users", new { email, name = "Live twin", role = "admin", password = Password })).ExpectError(409, "CONFLICT");
        (await b.Api.PostAsync("users", new { email, name = "Same person elsewhere", role = "admin", password = Password })).Expect(201);

        (await b.Api.GetAsync($"users/{id}")).ExpectError(404, "NOT_FOUND");
        (await live.GetAsync($"users/{id}")).ExpectError(404, "NOT_FOUND");
        (await b.Api.PatchAsync($"users/{id}", new { is_disabled = true })).ExpectError(404, "NOT_FOUND");
        (await b.Api.PostAsync($"users/{id}/reset-password", new { password = "taken over, I hope" })).ExpectError(404, "NOT_FOUND");
        Assert.DoesNotContain(id, (await b.Api.GetAsync("users")).Expect(200).Ids());
        Assert.Equal([id], (await a.Api.GetAsync("users")).Expect(200).Ids());
        using var original = await SignedInAsync(email);
        Assert.Equal(a.OrgId, (await original.Api.GetAsync("/app/session")).Expect(200).Data.GetProperty("organisation").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Creating_a_user_checks_every_field_and_a_clinician_link_of_the_same_organisation()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        var theirs = await b.CreateClinicianAsync();

        var invalid = (await a.Api.PostAsync("users", new { email = "not-an-email", role = "boss", password = "short" })).ExpectError(422, "VALIDATION_ERROR");
        var foreign = (await a.Api.PostAsync("users", new { email = "doc@clinic.example", name = "Doc", role = "clinician", password = Password, clinician_profile_id = theirs }))
            .ExpectError(422, "VALIDATION_ERROR");
        var wrongRole = (await a.Api.PostAsync("users", new { email = "doc@clinic.example", name = "Doc", role = "reception", password = Password, clinician_profile_id = theirs }))
            .ExpectError(422, "VALIDATION_ERROR");

        Assert.Equal(["email", "name", "password", "role"], invalid.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["clinician_profile_id"], foreign.ErrorFields);
        Assert.Equal(["clinician_profile_id"], wrongRole.ErrorFields);
        Assert.Empty((await a.Api.GetAsync("users")).Expect(200).Ids());
    }

    [Fact]
    public async Task Changes_record_their_actor_in_webhook_payloads_and_episode_events()
    {
        var t = await server.NewTenantAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        (await t.Api.PostAsync("webhooks", new { url = receiver.Url, events = new[] { "patient.created", "appointment.created" } })).Expect(201);
        var template = await t.CreateTemplateAsync();
        var (userId, email) = await UserAsync(t, "reception");
        using var browser = await SignedInAsync(email);
        await browser.UseAntiforgeryAsync();

        var byKey = (await t.Api.PostAsync("patients", new { first_name = "Keyed", last_name = "Actor", date_of_birth = "1980-01-01" })).Expect(201).Id;
        var byUser = (await browser.Api.PostAsync("patients", new { first_name = "Staffed", last_name = "Actor", date_of_birth = "1980-01-01" })).Expect(201).Id;
        (await browser.Api.PostAsync("appointments", new
        {
            title = "Booked at the desk", patient_id = byUser, appointment_type_id = template,
            start_time = "2031-05-05T10:00:00Z", end_time = "2031-05-05T10:30:00Z",
        })).Expect(201);
        var episode = (await browser.Api.PostAsync("episodes", new { patient_id = byUser, title = "Follow-up" })).Expect(201).Id;
        (await browser.Api.PostAsync($"episodes/{episode}/events", new { event_type = "note", title = "Called the patient", created_by = "someone else" })).Expect(201);

        var deliveries = await receiver.WaitForAsync(d => d.Count >= 3);
        JsonElement Actor(string type, string objectId) => deliveries.Select(d => d.Json)
            .Single(p => p.GetProperty("type").GetString() == type && p.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == objectId)
            .GetProperty("actor");
        var keyActor = Actor("patient.created", byKey);
        Assert.Equal("api_key", keyActor.GetProperty("type").GetString());
        Assert.Equal(t.Api.KeyId, keyActor.GetProperty("id").GetString());
        var userActor = Actor("patient.created", byUser);
        Assert.Equal("user", userActor.GetProperty("type").GetString());
        Assert.Equal(userId, userActor.GetProperty("id").GetString());
        var booking = deliveries.Select(d => d.Json).Single(p => p.GetProperty("type").GetString() == "appointment.created");
        Assert.Equal(userId, booking.GetProperty("actor").GetProperty("id").GetString());

        var events = (await t.Api.GetAsync($"episodes/{episode}/events")).Expect(200).Data.EnumerateArray().ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e =>
        {
            Assert.Equal("user", e.GetProperty("created_by_type").GetString());
            Assert.Equal(userId, e.GetProperty("created_by").GetString());
        });
    }

    [Fact]
    public async Task The_last_enabled_admin_is_kept_even_when_two_admins_are_disabled_at_once()
    {
        for (var round = 0; round < 5; round++)
        {
            var t = await server.NewTenantAsync();
            var admins = new[] { (await UserAsync(t, "admin")).Id, (await UserAsync(t, "admin")).Id };
            var answers = await Task.WhenAll(admins.Select(id => t.Api.PatchAsync($"users/{id}", new { is_disabled = true })));

            Assert.Equal([200, 409], answers.Select(a => a.StatusCode).Order());
            Assert.Contains("last enabled admin", answers.Single(a => a.StatusCode == 409).ExpectError(409, "CONFLICT").Error.GetProperty("message").GetString());
            var enabled = new List<string>();
            foreach (var id in admins)
            {
                if (!(await t.Api.GetAsync($"users/{id}")).Expect(200).Data.GetProperty("is_disabled").GetBoolean())
                {
                    enabled.Add(id);
                }
            }
            var kept = Assert.Single(enabled);
            if (round > 0)
            {
                continue;
            }

            (await t.Api.PatchAsync($"users/{kept}", new { role = "reception" })).ExpectError(409, "CONFLICT");
            Assert.Equal("admin", (await t.Api.GetAsync($"users/{kept}")).Expect(200).Data.GetProperty("role").GetString());
            var cli = await LeapCommand.RunAsync(server, false, "users", "disable", kept);
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("last enabled admin", cli.Error, StringComparison.Ordinal);
            // With another admin made first, the change goes through.
            var next = (await UserAsync(t, "admin")).Id;
            (await t.Api.PatchAsync($"users/{kept}", new { role = "reception" })).Expect(200);
            Assert.False((await t.Api.GetAsync($"users/{next}")).Expect(200).Data.GetProperty("is_disabled").GetBoolean());
        }
    }

    [Fact]
    public async Task The_command_line_creates_lists_resets_and_disables_users()
    {
        var t = await server.NewTenantAsync();
        var created = await LeapCommand.RunAsync(server, true, "users", "create", "--org", t.OrgId, "--email", "desk@clinic.example",
            "--name", "Desk Person", "--role", "reception");
        var id = LeapCommand.FirstWord(created.Output);
        var generated = created.Output.Split("Password (shown once): ")[1].Trim();
        using (await SignedInAsync("desk@clinic.example", generated))
        {
        }

        var listed = await LeapCommand.RunAsync(server, true, "users", "list", "--org", t.OrgId);
        Assert.Contains(id, listed.Output, StringComparison.Ordinal);
        Assert.Contains("reception", listed.Output, StringComparison.Ordinal);
        var duplicate = await LeapCommand.RunAsync(server, false, "users", "create", "--org", t.OrgId, "--email", "DESK@clinic.example",
            "--name", "Again", "--role", "admin", "--password", Password);
        Assert.Equal(1, duplicate.ExitCode);
        var weak = await LeapCommand.RunAsync(server, false, "users", "reset", id, "--password", "short");
        Assert.Equal(1, weak.ExitCode);

        using var before = await SignedInAsync("desk@clinic.example", generated);
        await LeapCommand.RunAsync(server, true, "users", "reset", id, "--password", Password);
        (await before.Api.GetAsync("patients")).ExpectError(401, "UNAUTHORISED");
        using var after = await SignedInAsync("desk@clinic.example", Password);
        await LeapCommand.RunAsync(server, true, "users", "disable", id);
        (await after.Api.GetAsync("patients")).ExpectError(401, "UNAUTHORISED");
        Assert.True((await t.Api.GetAsync($"users/{id}")).Expect(200).Data.GetProperty("is_disabled").GetBoolean());
        Assert.Equal(1, (await LeapCommand.RunAsync(server, false, "users", "disable", "usr_00000000-0000-7000-8000-000000000000")).ExitCode);
    }
}

public sealed class StaffAccountsTestsOnSqlite(SqliteServer server) : StaffAccountsTests(server);
public sealed class StaffAccountsTestsOnPostgres(PostgresServer server) : StaffAccountsTests(server);
