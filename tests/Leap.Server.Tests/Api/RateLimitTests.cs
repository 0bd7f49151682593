using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Server.Tests.Api;

public abstract class RateLimitTests(LeapFixture server)
{
    [Fact]
    public async Task Every_authenticated_response_carries_the_rate_limit_headers()
    {
        var t = await server.NewTenantAsync(rateLimitPerHour: 1000);
        var ok = (await t.Api.GetAsync("patients")).Expect(200);
        Assert.Equal("1000", ok.Header("X-RateLimit-Limit"));
        Assert.Equal("999", ok.Header("X-RateLimit-Remaining"));
        var reset = DateTimeOffset.FromUnixTimeSeconds(long.Parse(ok.Header("X-RateLimit-Reset")!));
        Assert.Equal(0, reset.Minute);
        Assert.InRange(reset - DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.FromHours(1));

        var error = (await t.Api.GetAsync("patients/pat_00000000-0000-7000-8000-000000000000")).ExpectError(404, "NOT_FOUND");
        Assert.Equal("998", error.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Over_the_limit_is_429_RATE_LIMITED_with_Retry_After_until_the_next_clock_hour()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 5, 6, 14, 59, 0, TimeSpan.Zero));
        await using var app = server.StartAnotherServer(services: s => s.AddSingleton<TimeProvider>(clock));
        using var http = app.CreateHttpClient();
        var t = await server.NewTenantAsync(rateLimitPerHour: 3);
        var api = t.Api.Via(http);
        for (var i = 0; i < 3; i++)
        {
            (await api.GetAsync("patients")).Expect(200);
        }
        var limited = (await api.GetAsync("patients")).ExpectError(429, "RATE_LIMITED");
        Assert.Equal("60", limited.Header("Retry-After"));
        Assert.Equal("0", limited.Header("X-RateLimit-Remaining"));
        Assert.Contains("3 requests per hour", limited.Error.GetProperty("message").GetString());
        (await api.PostAsync("patients", new { first_name = "No", last_name = "Way", date_of_birth = "1990-01-01" })).ExpectError(429, "RATE_LIMITED");
        Assert.Empty((await t.Api.GetAsync("patients")).Expect(200).Ids());

        clock.Advance(TimeSpan.FromMinutes(1));
        var fresh = (await api.GetAsync("patients")).Expect(200);
        Assert.Equal("2", fresh.Header("X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Limits_are_per_key()
    {
        var t = await server.NewTenantAsync(rateLimitPerHour: 1);
        var second = await t.KeyAsync(Leap.Server.Accounts.Scopes.All, rateLimitPerHour: 1);
        (await t.Api.GetAsync("patients")).Expect(200);
        (await t.Api.GetAsync("patients")).ExpectError(429, "RATE_LIMITED");
        (await second.GetAsync("patients")).Expect(200);
    }
}

public sealed class RateLimitTestsOnSqlite(SqliteServer server) : RateLimitTests(server);
public sealed class RateLimitTestsOnPostgres(PostgresServer server) : RateLimitTests(server);
