using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using OpenTelemetry.Metrics;

namespace Leap.Server.Telemetry;

/// <summary>
/// The Prometheus scrape endpoint (<c>GET /metrics</c>) on a listener of its own, at <c>Telemetry:Prometheus:Url</c>
/// (loopback by default), which serves nothing else. The API's listener never serves metrics, so no API key of
/// any tenant reaches them there; with <c>Telemetry:Prometheus:Token</c> set, this listener also refuses every
/// request without that bearer token (for a scraper on another machine). A web host of its own, not a second
/// address of the API's: none of the API's configuration, middleware or routes applies to it.
/// </summary>
public sealed class PrometheusListener(TelemetryOptions options, MeterProvider meters, ILogger<PrometheusListener> logger)
    : IHostedService, IAsyncDisposable
{
    public const string Path = "/metrics";

    private WebApplication? app;

    /// <summary>Where it listens, once started (the port is the system's choice when the configured one is 0).</summary>
    public IReadOnlyList<string> Urls => app is null ? [] : [.. app.Urls];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The empty builder reads no configuration: the API's Kestrel endpoints and URLs must not apply here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.AddServerHeader = false).UseUrls(options.PrometheusUrl);
        app = builder.Build();
        // Scrapes are not API traffic: keep them out of the request metrics they would otherwise join.
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
            {
                metrics.MetricsDisabled = true;
            }
            return next(context);
        });
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, context => context.Request.Path == Path, null,
            branch => branch.Use(next => context => Authorised(context.Request) ? next(context) : Refuse(context.Response)), null);
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync(cancellationToken);
        logger.LogInformation("Prometheus metrics at {Url}{Path}{Token}", string.Join(", ", app.Urls), Path,
            options.PrometheusToken is null ? "" : " (bearer token required)");
    }

    private bool Authorised(HttpRequest request)
    {
        if (options.PrometheusToken is not { } token)
        {
            return true;
        }
        // Hashes have one length whatever was sent, so the comparison's time tells nothing about the token.
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes("Bearer " + token));
        var sent = SHA256.HashData(Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString()));
        return CryptographicOperations.FixedTimeEquals(expected, sent);
    }

    private static Task Refuse(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (app is not null)
        {
            await app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
