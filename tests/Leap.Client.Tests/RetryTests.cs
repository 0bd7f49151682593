using Leap.Client.Tests.Infrastructure;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Client.Tests;

/// <summary>
/// Retries against a real server that misbehaves on purpose: what matters is what the server ends up holding
/// (exactly one appointment), the Idempotency-Key each attempt carried, and the waits in between.
/// </summary>
public abstract class RetryTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Nine = new(2030, 4, 1, 9, 0, 0, TimeSpan.Zero);

    private sealed record Setup(TestTenant T, LeapAppFactory App, FaultInjection Faults, Sdk Sdk, string Patient, string Template) : IAsyncDisposable
    {
        public LeapClient Client => Sdk.Client;

        public AppointmentCreate Booking(DateTimeOffset start) => new()
        {
            PatientId = Patient, AppointmentTypeId = Template, Title = "Consultation", StartTime = start, EndTime = start.AddMinutes(30),
        };

        public async Task<IReadOnlyList<string>> StoredAppointmentsAsync() => (await T.Api.GetAsync("appointments")).Expect(200).Ids();

        public async ValueTask DisposeAsync()
        {
            Sdk.Dispose();
            await App.DisposeAsync();
        }
    }

    /// <summary>A server of the test's own (same database as the shared one) with fault injection in front.</summary>
    private async Task<Setup> ArrangeAsync(Func<LeapClientOptions, LeapClientOptions>? configure = null)
    {
        var t = await server.NewTenantAsync();
        var faults = new FaultInjection();
        var app = server.StartAnotherServer(services: s => s.AddSingleton<IStartupFilter>(faults));
        return new Setup(t, app, faults, new Sdk(app.BaseUrl + "/api/v1", t.Api.Key!, configure),
            await t.CreatePatientAsync("Retry", "Patient"), await t.CreateTemplateAsync(duration: 30));
    }

    [Theory]
    [InlineData(429, LeapErrorCodes.RateLimited, 2)]
    [InlineData(503, LeapErrorCodes.InternalError, 3)]
    // A 409 with Retry-After is the server's word that it is temporary (the same key still in flight).
    [InlineData(409, LeapErrorCodes.Conflict, 1)]
    public async Task A_transient_error_then_201_books_exactly_one_appointment_under_one_idempotency_key(int status, string code, int retryAfter)
    {
        await using var s = await ArrangeAsync();
        s.Faults.Plan("POST", "/appointments", new FaultInjection.Reject(status, code, retryAfter));

        var appointment = await s.Client.Appointments.CreateAsync(s.Booking(Nine), ct: Ct);

        Assert.Equal([appointment.Id], await s.StoredAppointmentsAsync());
        Assert.Equal([TimeSpan.FromSeconds(retryAfter)], s.Sdk.Time.Waits);
        var keys = s.Faults.KeysSeen;
        Assert.Equal(2, keys.Count);
        Assert.NotNull(keys[0]);
        Assert.Equal(keys[0], keys[1]);
        Assert.Equal([status, 201], s.Sdk.Handler.To("POST", "/appointments").Select(a => a.Status));
    }

    [Fact]
    public async Task A_booking_whose_answer_was_lost_is_retried_and_replayed_not_made_twice()
    {
        await using var s = await ArrangeAsync();
        s.Faults.Plan("POST", "/appointments", new FaultInjection.LoseResponse());

        var appointment = await s.Client.Appointments.CreateAsync(s.Booking(Nine), ct: Ct);

        Assert.Equal([appointment.Id], await s.StoredAppointmentsAsync());
        var keys = s.Faults.KeysSeen;
        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_exponential_backoff_and_jitter()
    {
        await using var s = await ArrangeAsync(o => o with { InitialRetryDelay = TimeSpan.FromSeconds(1) });
        s.Faults.Plan("GET", "/patients", new FaultInjection.Reject(503, LeapErrorCodes.InternalError), times: 3);

        var page = await s.Client.Patients.ListAsync(ct: Ct);

        Assert.Equal([s.Patient], page.Data.Select(p => p.Id));
        var waits = s.Sdk.Time.Waits;
        Assert.Equal(3, waits.Count);
        Assert.InRange(waits[0], TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        Assert.InRange(waits[1], TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(waits[2], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Backoff_is_capped_by_MaxRetryDelay()
    {
        await using var s = await ArrangeAsync(o => o with
        {
            MaxRetries = 5, InitialRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(2), RetryBudget = TimeSpan.FromMinutes(1),
        });
        s.Faults.Plan("GET", "/patients", new FaultInjection.Reject(500, LeapErrorCodes.InternalError), times: 5);

        await s.Client.Patients.ListAsync(ct: Ct);

        Assert.Equal(5, s.Sdk.Time.Waits.Count);
        Assert.All(s.Sdk.Time.Waits.Skip(1), w => Assert.InRange(w, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task After_MaxRetries_the_last_error_is_thrown_with_the_attempt_count()
    {
        await using var s = await ArrangeAsync(o => o with { MaxRetries = 2 });
        s.Faults.Plan("POST", "/appointments", new FaultInjection.Reject(503, LeapErrorCodes.InternalError), times: 10);

        var e = await Assert.ThrowsAsync<LeapServerException>(() => s.Client.Appointments.CreateAsync(s.Booking(Nine), ct: Ct));

        Assert.Equal((503, LeapErrorCodes.InternalError, 3, "req_injected"), (e.Status, e.Code, e.Attempts, e.RequestId));
        Assert.Equal(3, s.Faults.KeysSeen.Count);
        Assert.Single(s.Faults.KeysSeen.Distinct());
        Assert.Equal(2, s.Sdk.Time.Waits.Count);
        Assert.Empty(await s.StoredAppointmentsAsync());
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_budget_is_not_waited_for()
    {
        await using var s = await ArrangeAsync();
        s.Faults.Plan("POST", "/appointments", new FaultInjection.Reject(429, LeapErrorCodes.RateLimited, RetryAfterSeconds: 3600));

        var e = await Assert.ThrowsAsync<LeapRateLimitException>(() => s.Client.Appointments.CreateAsync(s.Booking(Nine), ct: Ct));

        Assert.Equal((TimeSpan.FromHours(1), 1), (e.RetryAfter, e.Attempts));
        Assert.Empty(s.Sdk.Time.Waits);
        Assert.Empty(await s.StoredAppointmentsAsync());
    }

    [Fact]
    public async Task The_budget_bounds_the_total_wait_of_one_call()
    {
        await using var s = await ArrangeAsync(o => o with { RetryBudget = TimeSpan.FromSeconds(5) });
        s.Faults.Plan("GET", "/patients", new FaultInjection.Reject(429, LeapErrorCodes.RateLimited, RetryAfterSeconds: 2), times: 3);

        var e = await Assert.ThrowsAsync<LeapRateLimitException>(() => s.Client.Patients.ListAsync(ct: Ct));

        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], s.Sdk.Time.Waits);
        Assert.Equal(3, e.Attempts);
    }

    [Fact]
    public async Task A_cancel_whose_answer_was_lost_succeeds_on_retry()
    {
        await using var s = await ArrangeAsync();
        var appointment = await s.Client.Appointments.CreateAsync(s.Booking(Nine), ct: Ct);
        s.Faults.Plan("POST", "/cancel", new FaultInjection.LoseResponse());

        var cancelled = await s.Client.Appointments.CancelAsync(appointment.Id, "Unwell", Ct);

        Assert.Equal((AppointmentStatus.Cancelled, "Unwell"), (cancelled.Status, cancelled.CancellationReason));
        Assert.Equal(2, s.Faults.KeysSeen.Count);
    }

    [Fact]
    public async Task An_attempt_that_takes_longer_than_the_timeout_is_abandoned_and_retried()
    {
        // Generous enough that the second, healthy attempt never times out on a busy machine.
        await using var s = await ArrangeAsync(o => o with { Timeout = TimeSpan.FromSeconds(3) });
        s.Faults.Plan("GET", "/patients", new FaultInjection.Stall(TimeSpan.FromSeconds(30)));

        var page = await s.Client.Patients.ListAsync(ct: Ct);

        Assert.Equal([s.Patient], page.Data.Select(p => p.Id));
        Assert.Equal([null, 200], s.Sdk.Handler.Attempts.Select(a => a.Status));
        Assert.Single(s.Sdk.Time.Waits);
    }

    [Fact]
    public async Task Waiting_between_retries_stops_when_the_call_is_cancelled()
    {
        await using var s = await ArrangeAsync(o => o with { TimeProvider = TimeProvider.System, InitialRetryDelay = TimeSpan.FromSeconds(20) });
        s.Faults.Plan("GET", "/patients", new FaultInjection.Reject(503, LeapErrorCodes.InternalError), times: 5);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.Client.Patients.ListAsync(ct: cancel.Token));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Single(s.Sdk.Handler.Attempts);
    }

    [Fact]
    public async Task The_servers_own_rate_limit_is_waited_out_and_the_booking_made_once()
    {
        // The server's clock reads 09:59:30 and this key may make 1 request an hour: the booking after a
        // listing gets the real 429 with Retry-After: 30. The client's wait moves the server's clock as real
        // waiting would, into the next hour's window.
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync("Rate", "Limited");
        var limitedKey = (await t.KeyAsync(Scopes.All, rateLimitPerHour: 1)).Key!;
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 7, 1, 9, 59, 30, TimeSpan.Zero));
        await using var app = server.StartAnotherServer(services: s => s.AddSingleton<TimeProvider>(clock));
        using var sdk = new Sdk(app.BaseUrl + "/api/v1", limitedKey, onWait: clock.Advance);

        await sdk.Client.AppointmentTemplates.ListAsync(ct: Ct);
        var appointment = await sdk.Client.Appointments.CreateAsync(new AppointmentCreate
        {
            PatientId = patient, Title = "After the hour", StartTime = Nine, EndTime = Nine.AddMinutes(30),
        }, ct: Ct);

        Assert.Equal([TimeSpan.FromSeconds(30)], sdk.Time.Waits);
        Assert.Equal([429, 201], sdk.Handler.To("POST", "/appointments").Select(a => a.Status));
        Assert.Equal([appointment.Id], (await t.Api.GetAsync("appointments")).Expect(200).Ids());
    }
}

public sealed class RetryTestsOnSqlite(SqliteServer server) : RetryTests(server);
public sealed class RetryTestsOnPostgres(PostgresServer server) : RetryTests(server);

/// <summary>Network failures, injected on the client side before a request leaves.</summary>
public abstract class NetworkFailureTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failed_connection_is_retried_with_the_same_idempotency_key()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        sdk.Handler.FailNext(1);

        var patient = await sdk.Client.Patients.CreateAsync(new PatientCreate { FirstName = "Net", LastName = "Work", DateOfBirth = new DateOnly(1977, 7, 7) }, ct: Ct);

        var attempts = sdk.Handler.To("POST", "/patients");
        Assert.Equal([null, 201], attempts.Select(a => a.Status));
        Assert.Equal(attempts[0].IdempotencyKey, attempts[1].IdempotencyKey);
        Assert.Single(sdk.Time.Waits);
        Assert.Equal([patient.Id], (await t.Api.GetAsync("patients")).Expect(200).Ids());
    }

    [Fact]
    public async Task When_every_attempt_fails_to_connect_the_error_is_LeapConnectionException()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t, o => o with { MaxRetries = 2 });
        sdk.Handler.FailNext(10);

        var e = await Assert.ThrowsAsync<LeapConnectionException>(() => sdk.Client.Patients.GetAsync("pat_x", Ct));

        Assert.Equal(3, e.Attempts);
        Assert.IsType<HttpRequestException>(e.InnerException);
        Assert.Contains("/api/v1/patients/pat_x", e.Message);
        Assert.Equal(2, sdk.Time.Waits.Count);
    }

    [Fact]
    public async Task With_retries_off_one_failure_is_final()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t, o => o with { MaxRetries = 0 });
        sdk.Handler.FailNext(1);

        var e = await Assert.ThrowsAsync<LeapConnectionException>(() => sdk.Client.Patients.ListAsync(ct: Ct));

        Assert.Equal(1, e.Attempts);
        Assert.Empty(sdk.Time.Waits);
    }
}

public sealed class NetworkFailureTestsOnSqlite(SqliteServer server) : NetworkFailureTests(server);
public sealed class NetworkFailureTestsOnPostgres(PostgresServer server) : NetworkFailureTests(server);
