using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// The real server (Program.cs, real Kestrel socket, real database) with test settings: every request a
/// test makes crosses HTTP exactly as a client's would.
/// </summary>
public sealed class LeapAppFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? configureServices;

    public LeapAppFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        this.settings = settings;
        this.configureServices = configureServices;
        UseKestrel();
    }

    public string BaseUrl
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        }
    }

    /// <summary>A client for this server's real socket (the factory's own CreateClient is for the in-memory host).</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = new Uri(BaseUrl) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        // Test webhook receivers listen on loopback; tests of the guard itself turn this off.
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        // Every statement the suite runs is checked for the tenant rule (docs/storage.md).
        builder.UseSetting("Storage:TenantGuard", "true");
        // Servers plan notifications but send none: the notification tests run the worker's rounds themselves, under their clock.
        builder.UseSetting("Notifications:Enabled", "false");
        // Every request of the suite comes from 127.0.0.1, and on PostgreSQL the servers share their counts: unrelated tests
        // (the hostile-input sweeps) would spend the patients' per-address budgets. The tests of those limits set their own.
        builder.UseSetting("OnlineBooking:RateLimits:PerIp", "1000000");
        builder.UseSetting("OnlineBooking:RateLimits:CodesPerIp", "1000000");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(new TestLogs()));
        if (configureServices is not null)
        {
            builder.ConfigureTestServices(configureServices);
        }
    }
}
