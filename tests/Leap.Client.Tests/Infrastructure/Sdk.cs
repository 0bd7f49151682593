using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests.Infrastructure;

/// <summary>An SDK client for a test: its own key or a tenant's, recorded attempts, and waits that take no time.</summary>
public sealed class Sdk : IDisposable
{
    private readonly HttpClient http;

    public Sdk(string baseUrl, string apiKey, Func<LeapClientOptions, LeapClientOptions>? configure = null, Action<TimeSpan>? onWait = null)
    {
        Time = new InstantTime(onWait);
        Handler = new RecordingHandler();
        http = new HttpClient(Handler);
        var options = new LeapClientOptions { BaseUrl = new Uri(baseUrl), ApiKey = apiKey, TimeProvider = Time };
        Client = new LeapClient(http, configure?.Invoke(options) ?? options);
    }

    /// <summary>The SDK as a tenant's key would use it, on the shared server of the test's engine.</summary>
    public static Sdk For(TestTenant tenant, Func<LeapClientOptions, LeapClientOptions>? configure = null) =>
        new(tenant.Fixture.BaseUrl + "/api/v1", tenant.Api.Key!, configure);

    public LeapClient Client { get; }
    public InstantTime Time { get; }
    public RecordingHandler Handler { get; }

    /// <summary>
    /// A booking's answer is sent before routing files it on an episode (docs/appointments.md, "Routing"): the answer
    /// has no episode, and once routed the stored appointment is the answer with the episode it was filed on (and a manage link of its own).
    /// </summary>
    public async Task AssertStoredOnceRoutedAsync(TestTenant tenant, Appointment answer, CancellationToken ct)
    {
        await tenant.RoutedAsync();
        var stored = await Client.Appointments.GetAsync(answer.Id, ct);
        Assert.Equal((null, true), (answer.EpisodeId, stored.EpisodeId?.StartsWith("ep_", StringComparison.Ordinal)));
        // Each answer issues its own manage link (docs/online-booking.md): both lead to the same booking.
        Assert.Equal((true, true), (answer.ManageUrl?.Contains("/manage/", StringComparison.Ordinal), stored.ManageUrl?.Contains("/manage/", StringComparison.Ordinal)));
        Assert.Equal(answer with { EpisodeId = stored.EpisodeId, ManageUrl = stored.ManageUrl }, stored);
    }

    public void Dispose()
    {
        Client.Dispose();
        http.Dispose();
    }
}
