using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Telemetry;
using Leap.Server.Tests.Api;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace Leap.Server.Tests.Telemetry;

/// <summary>
/// Metrics through the Prometheus scrape endpoint, read as Prometheus would. Servers with Prometheus on run as
/// processes of their own: the meters are per process, so each count below is exactly what the test did.
/// </summary>
public abstract class TelemetryTests(LeapFixture server) : IAsyncDisposable
{
    private const string ScrapeToken = "test-scrape-token-7f3a";
    private readonly List<IAsyncDisposable> cleanup = [];

    /// <summary>A server process with the scrape endpoint on (and a token required) on this fixture's database.</summary>
    private async Task<(ServerProcess Process, HttpClient Metrics)> StartWithPrometheusAsync()
    {
        Assert.SkipWhen(server.Unavailable is not null, server.Unavailable ?? "");
        var settings = server.StorageSettings();
        settings["Housekeeping:Enabled"] = "false";
        settings["Webhooks:DeliveryEnabled"] = "false";
        settings["Telemetry:Prometheus:Enabled"] = "true";
        settings["Telemetry:Prometheus:Url"] = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        settings["Telemetry:Prometheus:Token"] = ScrapeToken;
        var process = await ServerProcess.StartAsync(settings);
        cleanup.Add(process);
        return (process, new HttpClient { BaseAddress = new Uri(settings["Telemetry:Prometheus:Url"]!) });
    }

    private static async Task<string> ScrapeAsync(HttpClient metrics)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, PrometheusListener.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ScrapeToken);
        using var response = await metrics.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of a metric's samples whose labels include every one of <paramref name="labels"/> (0 when it has none).</summary>
    private static double Sample(string scrape, string metric, params string[] labels) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static object Booking(string patient, string clinician) => new
    {
        title = "Measured", patient_id = patient, clinician_profile_id = clinician,
        start_time = "2031-03-03T10:00:00Z", end_time = "2031-03-03T10:30:00Z",
    };

    [Fact]
    public async Task The_scrape_lists_Leap_metrics_that_move_with_a_booking_a_conflict_a_replay_and_a_429()
    {
        var (process, metrics) = await StartWithPrometheusAsync();
        using var http = process.CreateHttpClient();
        var t = await server.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var (first, second) = (await t.CreatePatientAsync(), await t.CreatePatientAsync());
        var api = t.Api.Via(http);
        var limited = (await t.KeyAsync(Scopes.All, rateLimitPerHour: 1)).Via(http);
        const string appointments = "http_route=\"/api/v1/appointments/\"";

        var before = await ScrapeAsync(metrics);
        var key = Guid.NewGuid().ToString();
        (await api.PostAsync("appointments", Booking(first, clinician), key)).Expect(201);
        Assert.Equal("true", (await api.PostAsync("appointments", Booking(first, clinician), key)).Expect(201).Header("Idempotent-Replayed"));
        (await api.PostAsync("appointments", Booking(second, clinician), Guid.NewGuid().ToString())).ExpectError(409, "SLOT_UNAVAILABLE");
        (await limited.GetAsync("patients")).Expect(200);
        (await limited.GetAsync("patients")).ExpectError(429, "RATE_LIMITED");
        // The scrape endpoint may answer from its short cache: scrape until the replay shows (or a few seconds pass).
        var after = await ScrapeAsync(metrics);
        for (var tries = 0; tries < 50 && Sample(after, "leap_idempotent_replays_total", appointments) == 0; tries++)
        {
            await Task.Delay(100);
            after = await ScrapeAsync(metrics);
        }

        Assert.Equal((0d, 1d), (Sample(before, "leap_bookings_total"), Sample(after, "leap_bookings_total", "leap_booking_source=\"appointment\"")));
        Assert.True(Sample(after, "leap_idempotent_replays_total", appointments) == 1, after);
        Assert.Equal(0d, Sample(before, "leap_idempotent_replays_total"));
        Assert.Equal((0d, 1d), (Sample(before, "leap_conflicts_total"),
            Sample(after, "leap_conflicts_total", "leap_error_code=\"SLOT_UNAVAILABLE\"", appointments)));
        Assert.Equal((0d, 1d), (Sample(before, "leap_rate_limited_total"), Sample(after, "leap_rate_limited_total", "http_route=\"/api/v1/patients/\"")));
        // Request rate and latency per route: ASP.NET Core's own histogram, one series per status.
        Assert.Equal(2, Sample(after, "http_server_request_duration_seconds_count", appointments, "http_response_status_code=\"201\""));
        Assert.Equal(1, Sample(after, "http_server_request_duration_seconds_count", appointments, "http_response_status_code=\"409\""));
        Assert.Equal(3, Sample(after, "http_server_request_duration_seconds_bucket", appointments, "le=\"+Inf\""));
        Assert.Contains("# TYPE leap_bookings_total counter", after);

        if (server.Engine == Engine.Sqlite)
        {
            // The booking and the replay's failed claim went through the writer: more batches, none left queued.
            Assert.True(Sample(after, "leap_sqlite_writer_batch_size_count") > Sample(before, "leap_sqlite_writer_batch_size_count"), after);
            Assert.True(Sample(after, "leap_sqlite_writer_batch_size_sum") >= Sample(after, "leap_sqlite_writer_batch_size_count"));
            Assert.Contains("leap_sqlite_writer_queue_depth{", after);
            Assert.Equal(0, Sample(after, "leap_sqlite_writer_queue_depth"));
        }
        else
        {
            // Npgsql's own meter: its pools' connections by state, and the pools' size limit.
            Assert.True(Sample(after, "db_client_connection_count", "db_client_connection_pool_name=\"leap\"") >= 1, after);
            Assert.True(Sample(after, "db_client_connection_max", "db_client_connection_pool_name=\"leap\"") >= 1, after);
            Assert.DoesNotContain("leap_sqlite_writer_batch_size", after);
        }
    }

    [Fact]
    public async Task A_tenant_key_cannot_read_the_metrics_on_either_listener()
    {
        var (process, metrics) = await StartWithPrometheusAsync();
        using var http = process.CreateHttpClient();
        var t = await server.NewTenantAsync();
        var api = t.Api.Via(http);

        // The API's listener does not serve them at all, under any of its roots.
        foreach (var path in new[] { "/metrics", "/api/v1/metrics", "/functions/v1/api-v1/metrics", "/METRICS" })
        {
            Assert.DoesNotContain("leap_", (await api.GetAsync(path)).ExpectError(404, "NOT_FOUND").Raw);
        }

        // The scrape listener wants its own token; an API key (or nothing, or a wrong token) is refused.
        foreach (var authorization in new[] { $"Bearer {t.Api.Key}", null, "Bearer not-the-token", ScrapeToken })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, PrometheusListener.Path);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var refused = await metrics.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.ToString());
            Assert.DoesNotContain("leap_", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
        Assert.Contains("# TYPE ", await ScrapeAsync(metrics));

        // And it serves nothing but the scrape: not the API, not the health checks.
        foreach (var path in new[] { "/api/v1/patients", "/healthz", "/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t.Api.Key);
            using var other = await metrics.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
    }

    [Fact]
    public async Task Without_Prometheus_nothing_collects_and_the_scrape_path_is_a_404_in_the_envelope()
    {
        var t = await server.NewTenantAsync();
        Assert.Null(server.Services.GetService<PrometheusListener>());
        Assert.Null(server.Services.GetService<MeterProvider>());
        (await t.Anonymous().GetAsync("/metrics")).ExpectError(404, "NOT_FOUND");
        Assert.DoesNotContain("leap_", (await t.Api.GetAsync("/metrics")).ExpectError(404, "NOT_FOUND").Raw);
    }

    [Fact]
    public async Task Healthz_is_503_in_the_envelope_when_the_database_does_not_answer_and_livez_stays_200()
    {
        var t = await server.NewTenantAsync();
        var healthy = (await t.Anonymous().GetAsync("/healthz")).Expect(200);
        Assert.Equal(("ok", server.Engine.ToString().ToLowerInvariant()),
            (healthy.Data.GetProperty("status").GetString(), healthy.Data.GetProperty("engine").GetString()));

        var database = server.Services.GetRequiredService<Database>();
        await using var broken = server.StartAnotherServer(services: s => s.AddSingleton<Database>(new PipelineTests.UnreachableDatabase(database)));
        using var http = broken.CreateHttpClient();
        var anonymous = t.Anonymous().Via(http);
        var down = (await anonymous.GetAsync("/healthz")).ExpectError(503, "SERVICE_UNAVAILABLE");
        Assert.Contains("database", down.Error.GetProperty("message").GetString());
        Assert.Equal("ok", (await anonymous.GetAsync("/livez")).Expect(200).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_traces_and_metrics_reach_the_collector_and_deliveries_carry_their_trace_context()
    {
        var collector = await OtlpCollector.StartAsync();
        cleanup.Add(collector);
        var receiver = await WebhookReceiver.StartAsync();
        cleanup.Add(receiver);
        // A database of its own: this process delivers webhooks, and must not take other tests' deliveries.
        var database = server.NewIsolatedDatabase();
        await using var setup = new LeapAppFactory(new Dictionary<string, string?>(database) { ["Webhooks:DeliveryEnabled"] = "false" });
        var accounts = setup.Services.GetRequiredService<AccountStore>();
        var organisation = await accounts.CreateOrganisationAsync("Traced");
        var (_, key) = await accounts.CreateKeyAsync(organisation.Id, "k", Modes.Test, Scopes.All);
        var settings = new Dictionary<string, string?>(database)
        {
            ["Telemetry:Otlp:Endpoint"] = collector.Url,
            ["Telemetry:Otlp:Protocol"] = "http/protobuf",
            ["Webhooks:PollInterval"] = "00:00:00.050",
            // Export every fraction of a second rather than every 5 s (traces) and 60 s (metrics).
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        };
        var process = await ServerProcess.StartAsync(settings);
        cleanup.Add(process);
        using var http = process.CreateHttpClient();
        var api = new ApiClient(http, key);
        (await api.PostAsync("webhooks", new { url = receiver.Url, events = new[] { "patient.created" } })).Expect(201);
        (await api.PostAsync("patients", new { first_name = "Traced", last_name = "Patient", date_of_birth = "1970-07-07" })).Expect(201);

        // The delivery carries its trace's context (W3C Trace Context), for a receiver that traces too.
        var delivery = Assert.Single(await receiver.WaitForAsync(r => r.Count == 1));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", delivery.Headers["traceparent"]);
        // OTLP/protobuf carries names and attribute values as plain UTF-8, so they can be found in the bytes.
        await collector.WaitForAsync("/v1/traces", "POST /api/v1/patients/", "webhook delivery", "leap.webhook.delivery_id");
        await collector.WaitForAsync("/v1/metrics", "leap.webhook.delivery.attempts", "http.server.request.duration");
    }

    [Fact]
    public async Task A_manage_link_token_reaches_no_span_metric_or_log_line()
    {
        var collector = await OtlpCollector.StartAsync();
        cleanup.Add(collector);
        var database = server.NewIsolatedDatabase();
        database["Notifications:Enabled"] = "false";
        database["Webhooks:DeliveryEnabled"] = "false";
        await using var setup = new LeapAppFactory(database);
        var t = await TestTenant.OnAsync(server, setup);
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync("Dr Traced", locationIds: location);
        var template = await t.CreateTemplateAsync("Traced visit", 30);
        var patient = await t.CreatePatientAsync("Tracy", "Token", "1975-05-05");
        var process = await ServerProcess.StartAsync(new Dictionary<string, string?>(database)
        {
            ["Telemetry:Otlp:Endpoint"] = collector.Url,
            ["Telemetry:Otlp:Protocol"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });
        cleanup.Add(process);
        using var http = process.CreateHttpClient();
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(10), TimeSpan.Zero).AddHours(9);
        var booked = (await t.Api.Via(http).PostAsync("appointments", new
        {
            title = "Traced visit", patient_id = patient, appointment_type_id = template, clinician_profile_id = clinician, location_id = location,
            start_time = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            end_time = start.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        })).Expect(201).Data;
        var token = new Uri(booked.GetProperty("manage_url").GetString()!).AbsolutePath["/manage/".Length..];

        // The page, the API, Jump's alias of it, an unknown path under it (no route matches) and a change through it.
        var patientBrowser = t.Anonymous().Via(http);
        using (var page = await http.GetAsync($"/manage/{token}"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        (await patientBrowser.GetAsync($"/api/v1/manage/{token}/")).Expect(200);
        (await patientBrowser.GetAsync($"/functions/v1/api-v1/manage/{token}/")).Expect(200);
        (await patientBrowser.GetAsync($"/api/v1/manage/{token}/nothing-here")).ExpectError(404, "NOT_FOUND");
        // A waitlist offer's claim link carries the same kind of token (an appointment's opens no offer).
        (await patientBrowser.GetAsync($"/api/v1/waitlist-offers/{token}")).ExpectError(404, "NOT_FOUND");
        (await patientBrowser.PostAsync($"/api/v1/manage/{token}/cancel", new { }, Guid.NewGuid().ToString())).Expect(200);

        await collector.WaitForAsync("/v1/traces", "GET /manage/{token}", "/api/v1/manage/{token}/", "/functions/v1/api-v1/manage/{token}/",
            "/api/v1/manage/{token}/nothing-here", "/api/v1/waitlist-offers/{token}", "POST /api/v1/manage/{token}/cancel");
        await collector.WaitForAsync("/v1/metrics", "/api/v1/manage/{token}/cancel");
        await collector.WaitForAsync("/v1/logs", "Now listening on");
        foreach (var signal in new[] { "/v1/traces", "/v1/metrics", "/v1/logs" })
        {
            Assert.DoesNotContain(token, collector.Exported(signal), StringComparison.Ordinal);
        }
        Assert.DoesNotContain(process.Output, line => line.Contains(token, StringComparison.Ordinal));
    }

    /// <summary>An OTLP/HTTP receiver that keeps what it is sent, by path (/v1/traces, /v1/metrics, /v1/logs).</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Path, byte[] Body)> received = new();

        private OtlpCollector(WebApplication app) => this.app = app;

        public string Url => app.Urls.First();

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var collector = new OtlpCollector(builder.Build());
            collector.app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector.received.Enqueue((context.Request.Path, body.ToArray()));
                context.Response.ContentType = "application/x-protobuf";
            });
            await collector.app.StartAsync();
            return collector;
        }

        /// <summary>Everything exported to <paramref name="path"/> so far, as text (OTLP/protobuf carries strings as plain UTF-8).</summary>
        public string Exported(string path) =>
            string.Join("\n", received.Where(r => r.Path == path).Select(r => System.Text.Encoding.UTF8.GetString(r.Body)));

        /// <summary>Waits until the exports to <paramref name="path"/> mention every one of <paramref name="texts"/>.</summary>
        public async Task WaitForAsync(string path, params string[] texts)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (true)
            {
                var exported = Exported(path);
                var missing = texts.Where(t => !exported.Contains(t, StringComparison.Ordinal)).ToList();
                if (missing.Count == 0)
                {
                    return;
                }
                Assert.True(DateTime.UtcNow < deadline, $"No export to {path} mentioned {string.Join(", ", missing)} in 20 s.");
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(cleanup))
        {
            await item.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class TelemetryTestsOnSqlite(SqliteServer server) : TelemetryTests(server);
public sealed class TelemetryTestsOnPostgres(PostgresServer server) : TelemetryTests(server);
