namespace Leap.Server.Telemetry;

/// <summary>From the <c>Telemetry</c> configuration section and the standard <c>OTEL_*</c> variables (docs/observability.md).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Where OTLP goes: <c>Telemetry:Otlp:Endpoint</c>, else <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>; null leaves OTLP off.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>: <c>Telemetry:Otlp:Protocol</c>, else <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>.</summary>
    public string OtlpProtocol { get; init; } = "grpc";

    public bool PrometheusEnabled { get; init; }

    /// <summary>The scrape endpoint's own listener; never the API's.</summary>
    public string PrometheusUrl { get; init; } = "http://127.0.0.1:9464";

    /// <summary>When set, the scraper must send <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? PrometheusToken { get; init; }

    public string ServiceName { get; init; } = "leap";

    /// <summary>Anything listens at all: otherwise no OpenTelemetry is registered and every instrument stays idle.</summary>
    public bool Enabled => OtlpEndpoint is not null || PrometheusEnabled;

    public static TelemetryOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Telemetry");
        var defaults = new TelemetryOptions();
        var endpoint = section["Otlp:Endpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var options = new TelemetryOptions
        {
            OtlpEndpoint = string.IsNullOrWhiteSpace(endpoint) ? null : Absolute(endpoint, "Telemetry:Otlp:Endpoint (or OTEL_EXPORTER_OTLP_ENDPOINT)"),
            OtlpProtocol = section["Otlp:Protocol"] ?? configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? defaults.OtlpProtocol,
            PrometheusEnabled = section.GetValue("Prometheus:Enabled", defaults.PrometheusEnabled),
            PrometheusUrl = section["Prometheus:Url"] ?? defaults.PrometheusUrl,
            PrometheusToken = string.IsNullOrEmpty(section["Prometheus:Token"]) ? null : section["Prometheus:Token"],
            ServiceName = configuration["OTEL_SERVICE_NAME"] ?? defaults.ServiceName,
        };
        if (options.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            throw new InvalidOperationException("Telemetry:Otlp:Protocol (or OTEL_EXPORTER_OTLP_PROTOCOL) must be grpc or http/protobuf.");
        }
        if (options.PrometheusEnabled)
        {
            var url = Absolute(options.PrometheusUrl, "Telemetry:Prometheus:Url");
            if (url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/")
            {
                throw new InvalidOperationException("Telemetry:Prometheus:Url must be an http:// address with no path (the scrape path is /metrics).");
            }
        }
        return options;
    }

    private static Uri Absolute(string value, string setting) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new InvalidOperationException($"{setting} must be an absolute URL.");
}
