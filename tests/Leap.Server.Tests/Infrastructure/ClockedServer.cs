using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// Another server on the fixture's database whose clock the test sets and moves (a <see cref="FakeTimeProvider"/>):
/// for behaviour that depends on "now" (slots, notice and advance limits, clock changes, hold expiry).
/// Tenants made through the fixture talk to it through <see cref="Api(TestTenant)"/>.
/// </summary>
public sealed class ClockedServer : IAsyncDisposable
{
    private readonly LeapAppFactory app;
    private readonly HttpClient http;

    private ClockedServer(LeapAppFactory app, FakeTimeProvider clock)
    {
        this.app = app;
        Clock = clock;
        http = app.CreateHttpClient();
    }

    public FakeTimeProvider Clock { get; }
    public LeapAppFactory App => app;
    public string BaseUrl => app.BaseUrl;
    public IServiceProvider Services => app.Services;

    public static ClockedServer Start(LeapFixture fixture, DateTimeOffset now, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(now);
        return new ClockedServer(fixture.StartAnotherServer(settings, services: s => s.AddSingleton<TimeProvider>(clock)), clock);
    }

    /// <summary>
    /// A server like <see cref="Start"/>'s on a database of its own: the only server there, so its background work
    /// (routing, expiry rounds) runs under the test's clock too.
    /// </summary>
    public static ClockedServer StartIsolated(LeapFixture fixture, DateTimeOffset now, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(now);
        var all = fixture.NewIsolatedDatabase();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var app = new LeapAppFactory(all, s => s.AddSingleton<TimeProvider>(clock));
        _ = app.BaseUrl;
        return new ClockedServer(app, clock);
    }

    /// <summary>The tenant's key, talking to this server.</summary>
    public ApiClient Api(TestTenant tenant) => tenant.Api.Via(http);

    /// <summary>Another key, talking to this server.</summary>
    public ApiClient Api(ApiClient key) => key.Via(http);

    /// <summary>No key: a patient's browser.</summary>
    public ApiClient Anonymous() => new(http, null);

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
    }
}
