using System.Text.RegularExpressions;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Resilience;

/// <summary>
/// Logs never carry API key secrets or patient identifiers. A workload full of distinctive patient details
/// (successes, validation errors, searches, conflicts) runs, then every log line the test servers wrote so
/// far is searched. <c>scripts/test.sh</c> repeats the secret and email search over the whole run's log.
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

    [GeneratedRegex("pk_(live|test)_[0-9A-Za-z]{40}")]
    private static partial Regex KeySecret();
}

public sealed class LogHygieneTestsOnSqlite(SqliteServer server) : LogHygieneTests(server);
public sealed class LogHygieneTestsOnPostgres(PostgresServer server) : LogHygieneTests(server);
