using System.Text.RegularExpressions;
using Leap.Server.Cli;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Resilience;

/// <summary>
/// Logs never carry API key secrets or patient identifiers. A workload full of distinctive patient details
/// (successes, validation errors, searches, conflicts) runs, then every log line the test servers wrote so
/// far is searched. <c>scripts/test.sh</c> repeats the search for key and webhook secrets, emails and the demo
/// patients' names over the whole run's log.
/// </summary>
public abstract partial class LogHygieneTests(LeapFixture server)
{
    [Fact]
    public async Task Logs_contain_no_key_secrets_or_patient_details()
    {
        var t = await server.NewTenantAsync();
        string[] secrets = ["Zebedee", "Quixoticus-Fernsby", "zebedee.quixoticus@example.com", "07700 900987", "900987", "9434765919", "1961-07-14"];
        var created = (await t.Api.PostAsync("patients", new
        {
            first_name = "Zebedee", last_name = "Quixoticus-Fernsby", date_of_birth = "1961-07-14",
            email = "zebedee.quixoticus@example.com", phone = "07700 900987", nhs_number = "943 476 5919",
        }, Guid.NewGuid().ToString())).Expect(201);
        (await t.Api.GetAsync("patients?search=Zebedee%20Quixoticus-Fernsby")).Expect(200);
        (await t.Api.GetAsync("patients?search=07700%20900987&status=bogus")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.PatchAsync($"patients/{created.Id}", new { email = "zebedee.quixoticus@example", nhs_number = "9434765910" })).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.PostAsync("patients", "{\"first_name\": \"Zebedee\", \"last_name\": ")).ExpectError(400, "BAD_REQUEST");
        (await t.Anonymous().GetAsync($"patients?search=Zebedee&key={t.Api.Key}")).ExpectError(401, "UNAUTHORISED");
        var clinician = await t.CreateClinicianAsync();
        var booking = new { title = "Zebedee Quixoticus-Fernsby", patient_id = created.Id, clinician_profile_id = clinician, start_time = "2031-06-01T09:00:00Z", end_time = "2031-06-01T09:30:00Z" };
        (await t.Api.PostAsync("appointments", booking)).Expect(201);
        (await t.Api.PostAsync("appointments", booking)).ExpectError(409, "SLOT_UNAVAILABLE");

        var logs = string.Join('\n', TestLogs.All);
        Assert.DoesNotMatch(KeySecret(), logs);
        Assert.DoesNotContain(t.Api.Key!, logs);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Logs_name_no_demo_patient_and_carry_no_webhook_secret()
    {
        var (app, _) = server.StartIsolatedServer();
        await using (app)
        {
            var api = new ApiClient(app.CreateHttpClient(), await DemoData.SeedAsync(app.Services));
            var patients = (await api.GetAsync("patients?limit=100")).Expect(200).Data.EnumerateArray()
                .Select(p => (Id: p.GetProperty("id").GetString()!, Name: $"{p.GetProperty("first_name").GetString()} {p.GetProperty("last_name").GetString()}"))
                .ToList();
            Assert.NotEmpty(patients);
            foreach (var (id, name) in patients)
            {
                (await api.GetAsync($"patients?search={Uri.EscapeDataString(name)}")).Expect(200);
                (await api.PatchAsync($"patients/{id}", new { email = name, date_of_birth = "tomorrow" })).ExpectError(422, "VALIDATION_ERROR");
                (await api.PostAsync("patients", new { first_name = name, last_name = name }, Guid.NewGuid().ToString())).ExpectError(422, "VALIDATION_ERROR");
            }
            var webhook = (await api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "patient.updated" } }, Guid.NewGuid().ToString())).Expect(201);
            var secret = webhook.Data.GetProperty("secret").GetString()!;
            (await api.PostAsync($"webhooks/{webhook.Id}/test")).Expect(201);
            (await api.PatchAsync($"patients/{patients[0].Id}", new { phone = "+44 7700 900999" })).Expect(200);

            var logs = string.Join('\n', TestLogs.All);
            Assert.DoesNotMatch(WebhookSecret(), logs);
            Assert.DoesNotContain(secret, logs);
            foreach (var (_, name) in patients)
            {
                Assert.DoesNotContain(name, logs, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [GeneratedRegex("pk_(live|test)_[0-9A-Za-z]{40}")]
    private static partial Regex KeySecret();

    [GeneratedRegex("whsec_[0-9A-Za-z]{32}")]
    private static partial Regex WebhookSecret();
}

public sealed class LogHygieneTestsOnSqlite(SqliteServer server) : LogHygieneTests(server);
public sealed class LogHygieneTestsOnPostgres(PostgresServer server) : LogHygieneTests(server);
