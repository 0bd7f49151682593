using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

/// <summary>One client for Leap's root and Jump's: only the base URL changes.</summary>
public abstract class BaseUrlTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_client_works_on_jumps_base_path_too()
    {
        var t = await server.NewTenantAsync();
        var template = await t.CreateTemplateAsync("Standard GP Consultation", duration: 15);
        using var sdk = new Sdk(server.BaseUrl + "/functions/v1/api-v1", t.Api.Key!);

        var patient = await sdk.Client.Patients.CreateAsync(new PatientCreate { FirstName = "Jump", LastName = "Path", DateOfBirth = new DateOnly(1988, 8, 8) }, ct: Ct);
        var active = await sdk.Client.AppointmentTemplates.ListAsync(new() { IsActive = true }, Ct);
        var appointment = await sdk.Client.Appointments.CreateAsync(new AppointmentCreate
        {
            PatientId = patient.Id, AppointmentTypeId = template, Title = "Standard GP Consultation",
            StartTime = new DateTimeOffset(2030, 2, 1, 9, 0, 0, TimeSpan.Zero), EndTime = new DateTimeOffset(2030, 2, 1, 9, 15, 0, TimeSpan.Zero),
        }, ct: Ct);
        var cancelled = await sdk.Client.Appointments.CancelAsync(appointment.Id, ct: Ct);

        Assert.Equal([template], active.Data.Select(x => x.Id));
        Assert.Equal(AppointmentStatus.Cancelled, cancelled.Status);
        Assert.Equal(patient.Id, (await t.Api.GetAsync($"appointments/{appointment.Id}")).Expect(200).Data.GetProperty("patient_id").GetString());
        Assert.All(sdk.Handler.Attempts, a => Assert.StartsWith("/functions/v1/api-v1/", a.Path));
        Assert.Equal(4, sdk.Handler.Attempts.Count);
    }

    [Theory]
    [InlineData("", "/api/v1/patients")]
    [InlineData("/", "/api/v1/patients")]
    [InlineData("/api/v1/", "/api/v1/patients")]
    [InlineData("/functions/v1/api-v1/", "/functions/v1/api-v1/patients")]
    public async Task A_host_alone_means_api_v1_and_trailing_slashes_do_not_matter(string path, string expected)
    {
        var t = await server.NewTenantAsync();
        using var sdk = new Sdk(server.BaseUrl + path, t.Api.Key!);

        await sdk.Client.Patients.ListAsync(ct: Ct);

        Assert.Equal(expected, Assert.Single(sdk.Handler.Attempts).Path);
    }
}

public sealed class BaseUrlTestsOnSqlite(SqliteServer server) : BaseUrlTests(server);
public sealed class BaseUrlTestsOnPostgres(PostgresServer server) : BaseUrlTests(server);

public sealed class ClientOptionsTests
{
    [Theory]
    [InlineData("/api/v1")]
    [InlineData("ftp://example.com/api/v1")]
    public void The_base_url_must_be_absolute_http(string url)
    {
        var e = Assert.Throws<ArgumentException>(() => new LeapClient(new LeapClientOptions { BaseUrl = new Uri(url, UriKind.RelativeOrAbsolute), ApiKey = "pk_test_x" }));
        Assert.Equal("BaseUrl", e.ParamName);
    }

    [Fact]
    public void Key_and_retry_settings_are_checked_at_construction()
    {
        var valid = new LeapClientOptions { BaseUrl = new Uri(LeapClientOptions.JumpBaseUrl), ApiKey = "pk_test_x" };
        using (new LeapClient(valid))
        {
        }
        Assert.Throws<ArgumentException>(() => new LeapClient(valid with { ApiKey = " " }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeapClient(valid with { MaxRetries = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeapClient(valid with { MaxRetryDelay = TimeSpan.FromMilliseconds(10) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeapClient(valid with { Timeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeapClient(valid with { Timeout = TimeSpan.FromDays(30) }));
        using (new LeapClient(valid with { Timeout = Timeout.InfiniteTimeSpan }))
        {
        }
    }
}
