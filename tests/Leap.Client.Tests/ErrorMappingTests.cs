using Leap.Client.Tests.Infrastructure;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

/// <summary>Every error status of the server arrives as its typed exception, with code, message, details, request id and status, and is not retried.</summary>
public abstract class ErrorMappingTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertSentOnce(Sdk sdk) => Assert.Single(sdk.Handler.Attempts);

    [Fact]
    public async Task Unknown_key_is_LeapAuthenticationException()
    {
        Assert.SkipWhen(server.Unavailable is not null, server.Unavailable ?? "");
        using var sdk = new Sdk(server.BaseUrl + "/api/v1", "pk_test_0000000000000000000000000000000000000000");

        var e = await Assert.ThrowsAsync<LeapAuthenticationException>(() => sdk.Client.Patients.ListAsync(ct: Ct));

        Assert.Equal((401, LeapErrorCodes.Unauthorised, "Invalid API key."), (e.Status, e.Code, e.Message));
        Assert.StartsWith("req_", e.RequestId);
        AssertSentOnce(sdk);
    }

    [Fact]
    public async Task Missing_scope_is_LeapPermissionException_naming_the_scope()
    {
        var t = await server.NewTenantAsync([Scopes.ReadPatients]);
        using var sdk = Sdk.For(t);

        var e = await Assert.ThrowsAsync<LeapPermissionException>(() =>
            sdk.Client.Patients.CreateAsync(new PatientCreate { FirstName = "No", LastName = "Scope", DateOfBirth = new DateOnly(1990, 1, 1) }, ct: Ct));

        Assert.Equal((403, LeapErrorCodes.Forbidden), (e.Status, e.Code));
        Assert.Contains("write_patients", e.Message);
        AssertSentOnce(sdk);
    }

    [Fact]
    public async Task Unknown_record_is_LeapNotFoundException_and_ids_cannot_escape_their_path()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        await t.CreatePatientAsync();

        var e = await Assert.ThrowsAsync<LeapNotFoundException>(() => sdk.Client.Appointments.GetAsync("apt_00000000-0000-7000-8000-000000000000", Ct));
        Assert.Equal((404, LeapErrorCodes.NotFound), (e.Status, e.Code));
        Assert.Contains("apt_00000000-0000-7000-8000-000000000000", e.Message);

        // An id is one path segment: "../patients" must not turn a GET of one appointment into the patient list.
        await Assert.ThrowsAsync<LeapNotFoundException>(() => sdk.Client.Appointments.GetAsync("../patients", Ct));
        Assert.Equal("/api/v1/appointments/..%2Fpatients", sdk.Handler.Attempts[^1].Path);
        await Assert.ThrowsAsync<ArgumentException>(() => sdk.Client.Appointments.GetAsync(" ", Ct));
    }

    [Fact]
    public async Task Invalid_fields_are_LeapValidationException_listing_every_field()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);

        var e = await Assert.ThrowsAsync<LeapValidationException>(() => sdk.Client.Patients.CreateAsync(new PatientCreate
        {
            FirstName = "Val", LastName = "Idation", DateOfBirth = new DateOnly(2999, 1, 1), Email = "not-an-email", NhsNumber = "1234567890",
        }, ct: Ct));

        Assert.Equal((422, LeapErrorCodes.ValidationError), (e.Status, e.Code));
        Assert.Equal(["date_of_birth", "email", "nhs_number"], e.Details.Select(d => d.Field).Order());
        Assert.All(e.Details, d => Assert.False(string.IsNullOrWhiteSpace(d.Message)));
        Assert.Contains("3 fields are invalid", e.Message);
        Assert.Contains("nhs_number:", e.ToString());
        AssertSentOnce(sdk);
        Assert.Empty((await t.Api.GetAsync("patients")).Expect(200).Ids());
    }

    [Fact]
    public async Task A_malformed_idempotency_key_is_LeapBadRequestException()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);

        var e = await Assert.ThrowsAsync<LeapBadRequestException>(() => sdk.Client.AppointmentTemplates.CreateAsync(
            new AppointmentTemplateCreate { Name = "Bad key" }, idempotencyKey: "has spaces in it", ct: Ct));

        Assert.Equal((400, LeapErrorCodes.BadRequest), (e.Status, e.Code));
        Assert.Equal(["Idempotency-Key"], e.Details.Select(d => d.Field));
        AssertSentOnce(sdk);
    }
}

public sealed class ErrorMappingTestsOnSqlite(SqliteServer server) : ErrorMappingTests(server);
public sealed class ErrorMappingTestsOnPostgres(PostgresServer server) : ErrorMappingTests(server);

/// <summary>Error bodies no Leap server sends but other servers and proxies do: read as well as they can be.</summary>
public sealed class ForeignErrorBodyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Jumps_older_flat_429_body_is_read()
    {
        var stub = new StubHandler(429, """{"error": "Rate limit exceeded", "details": "100 requests per hour", "request_id": "req_abc123"}""");
        using var leap = StubHandler.Client(stub);

        var e = await Assert.ThrowsAsync<LeapRateLimitException>(() => leap.Patients.ListAsync(ct: Ct));

        Assert.Equal(("HTTP_429", "Rate limit exceeded: 100 requests per hour", "req_abc123"), (e.Code, e.Message, e.RequestId));
    }

    [Fact]
    public async Task Jumps_older_error_object_is_read()
    {
        var stub = new StubHandler(400, """{"error": {"code": "invalid_request", "message": "The patient_id parameter is required"}}""");
        using var leap = StubHandler.Client(stub);

        var e = await Assert.ThrowsAsync<LeapBadRequestException>(() => leap.Appointments.ListAsync(ct: Ct));

        Assert.Equal(("invalid_request", "The patient_id parameter is required"), (e.Code, e.Message));
        Assert.Null(e.RequestId);
    }

    [Fact]
    public async Task A_proxys_html_page_becomes_a_LeapServerException_quoting_it()
    {
        var stub = new StubHandler(502, "<html><body>Bad gateway</body></html>", "text/html");
        using var leap = StubHandler.Client(stub);

        var e = await Assert.ThrowsAsync<LeapServerException>(() => leap.Patients.GetAsync("pat_1", Ct));

        Assert.Equal((502, "HTTP_502"), (e.Status, e.Code));
        Assert.Contains("Bad gateway", e.Message);
        Assert.Empty(e.Details);
    }

    [Fact]
    public async Task A_success_that_is_not_json_is_a_LeapException_not_a_crash()
    {
        var stub = new StubHandler(200, "<html>login page</html>", "text/html");
        using var leap = StubHandler.Client(stub);

        var e = await Assert.ThrowsAsync<LeapException>(() => leap.Patients.GetAsync("pat_1", Ct));

        Assert.Contains("not the expected JSON", e.Message);
        Assert.Contains("https://api.example.com/api/v1/patients/pat_1", e.Message);
    }
}
