using Leap.Server.Http;
using Leap.Server.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using HealthStatus = Leap.Server.Http.HealthStatus;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Leap.Server.Telemetry;

/// <summary>Health checks, metrics and traces (docs/observability.md): the services, and the health endpoint.</summary>
public static class TelemetrySetup
{
    public const string HealthPath = "/healthz";

    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = TelemetryOptions.From(builder.Configuration);
        services.AddSingleton(options);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        if (!options.Enabled)
        {
            // Nothing registered, nothing listening: every instrument and activity source stays idle.
            return;
        }

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName))
            .WithMetrics(metrics =>
            {
                // Npgsql publishes its connection pools' usage (and command durations) on its own meter.
                metrics.AddMeter(LeapMetrics.Name, "Npgsql", "System.Runtime")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (options.PrometheusEnabled)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (options.PrometheusEnabled)
        {
            services.AddSingleton<PrometheusListener>();
            services.AddHostedService(sp => sp.GetRequiredService<PrometheusListener>());
        }
        if (options.OtlpEndpoint is { } endpoint)
        {
            // Traces only go somewhere through OTLP: without it, no request pays for an activity.
            telemetry.WithTracing(tracing => tracing
                .AddSource(LeapMetrics.Name, "Npgsql")
                .AddAspNetCoreInstrumentation(aspNetCore =>
                {
                    aspNetCore.Filter = context => !IsProbe(context.Request.Path);
                    aspNetCore.EnrichWithHttpRequest = RedactSecretPath;
                })
                .AddHttpClientInstrumentation());
            telemetry.UseOtlpExporter(options.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf, endpoint);
        }
    }

    /// <summary><c>/healthz</c>: 200 with the engine while the database answers, else 503, both in the envelope.</summary>
    public static void MapHealth(this WebApplication app) =>
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = WriteHealthAsync, AllowCachingResponses = false });

    private static Task WriteHealthAsync(HttpContext context, HealthReport report) =>
        report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy
            ? ApiResponse.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable,
                new ErrorBody(ErrorCodes.ServiceUnavailable, "The database is not answering; see the server's log."))
            : ApiResponse.WriteDataAsync(context,
                new HealthStatus("ok", context.RequestServices.GetRequiredService<Database>().Engine.ToString().ToLowerInvariant()));

    /// <summary>Runs after the instrumentation has tagged the request's span: a token in the path is replaced before anything exports it.</summary>
    private static void RedactSecretPath(System.Diagnostics.Activity activity, HttpRequest request)
    {
        if (SecretPaths.Redact(request.Path.Value ?? "") is { } redacted)
        {
            activity.SetTag("url.path", request.PathBase.Value + redacted);
        }
    }

    private static bool IsProbe(PathString path) => path.StartsWithSegments(HealthPath) || path.StartsWithSegments("/livez");
}
