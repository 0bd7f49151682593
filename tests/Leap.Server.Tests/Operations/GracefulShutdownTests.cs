using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Leap.Server.Tests.Operations;

/// <summary>
/// SIGTERM to a real server process, as systemd or a container runtime stops a service (docs/deploy.md, "Graceful
/// shutdown"): what was in progress is answered, nothing acknowledged is lost, and webhook deliveries carry on after
/// the restart.
/// </summary>
public abstract class GracefulShutdownTests(LeapFixture database)
{
    /// <summary>The line the server logs when it begins to stop (GracefulShutdown.LogShutdown).</summary>
    private const string Stopping = "No new connections are accepted";

    private static void Report(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task A_SIGTERM_under_booking_load_answers_what_is_in_progress_and_loses_nothing()
    {
        var t = await database.NewTenantAsync();
        var clinicians = new[] { await t.CreateClinicianAsync("Dr One"), await t.CreateClinicianAsync("Dr Two") };
        var patient = await t.CreatePatientAsync();
        var server = await ServerProcess.StartAsync(database.StorageSettings());
        var load = BookingLoad.Start(t.Api.Via(server.CreateHttpClient()), patient, clinicians, new DateTimeOffset(2034, 1, 2, 8, 0, 0, TimeSpan.Zero));
        await load.WaitForAcknowledgedAsync(30);
        // Certainly in progress at the signal: the server has begun reading its body (it asked for it with 100 Continue).
        using var unfinished = await HalfSentBooking.StartAsync(server.BaseUrl, t.Api.Key!, new
        {
            title = "Body still arriving", patient_id = patient, clinician_profile_id = clinicians[0],
            start_time = "2034-06-01T09:00:00Z", end_time = "2034-06-01T09:30:00Z",
        });

        var signalled = load.Now;
        var exited = server.TerminateAsync();
        await WaitForOutputAsync(server, Stopping);
        var (status, body) = await unfinished.FinishAsync();
        var exitCode = await exited;
        await load.EndedAsync();
        await server.DisposeAsync();

        Assert.Equal(0, exitCode);
        Assert.True(status == 201, body);
        var lastBooking = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        var unexpected = load.Requests.Where(r => r.Status is not (201 or null)).ToList();
        Assert.True(unexpected.Count == 0, "Answers other than 201: " + string.Join("; ", unexpected.Select(r => $"{r.Status} {r.Raw}")));
        var inFlight = load.Requests.Where(r => r.SentAt < signalled && r.AnsweredAt > signalled).ToList();
        var acknowledged = load.Acknowledged.Select(r => r.AppointmentId!).Append(lastBooking).ToList();

        await using var restarted = await ServerProcess.StartAsync(database.StorageSettings());
        var api = t.Api.Via(restarted.CreateHttpClient());
        foreach (var id in acknowledged)
        {
            (await api.GetAsync($"appointments/{id}")).Expect(200);
        }
        // Nothing was written without its answer reaching the client: every stored booking is an acknowledged one.
        var stored = await database.Services.GetRequiredService<Database>().Raw().ScalarAsync<long>(
            "SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", new { t.OrgId });
        Assert.Equal(acknowledged.Count, stored);
        Report($"{database.Engine}: {load.Requests.Count + 1} booking requests; in flight at SIGTERM: {inFlight.Count + 1} " +
               $"({inFlight.Count(r => r.Status == 201) + 1} answered 201, {inFlight.Count(r => r.Unanswered)} connection closed, 0 other); " +
               $"sent after SIGTERM: {load.Requests.Count(r => r.SentAt >= signalled)} ({load.Requests.Count(r => r.SentAt >= signalled && r.Status == 201)} answered 201 " +
               $"before the connections closed, {load.Requests.Count(r => r.SentAt >= signalled && r.Unanswered)} refused or closed); " +
               $"after the restart {acknowledged.Count} of {acknowledged.Count} acknowledged bookings present, {stored} stored");
    }

    [Fact]
    public async Task Webhook_deliveries_pending_at_a_SIGTERM_are_delivered_after_the_restart()
    {
        var settings = database.NewIsolatedDatabase();
        // Only the processes deliver; this in-process server creates the data and reads the delivery log.
        await using var setup = new LeapAppFactory(new Dictionary<string, string?>(settings) { ["Webhooks:DeliveryEnabled"] = "false" });
        var accounts = setup.Services.GetRequiredService<AccountStore>();
        var organisation = await accounts.CreateOrganisationAsync("Shutdown webhook org");
        var (_, secret) = await accounts.CreateKeyAsync(organisation.Id, "k", Modes.Test, Scopes.All);
        var api = new ApiClient(setup.CreateHttpClient(), secret);
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.DefaultStatus = 503;
        var webhook = (await api.PostAsync("webhooks", new { url = receiver.Url, events = new[] { "patient.created" } })).Expect(201).Id;

        var delivering = new Dictionary<string, string?>(settings)
        {
            ["Webhooks:PollInterval"] = "00:00:00.050",
            ["Webhooks:Timeout"] = "00:00:02",
            ["Webhooks:RetryDelays"] = string.Join(',', Enumerable.Repeat("00:00:01", 60)),
        };
        var first = await ServerProcess.StartAsync(delivering);
        var viaFirst = api.Via(first.CreateHttpClient());
        for (var i = 0; i < 5; i++)
        {
            (await viaFirst.PostAsync("patients", new { first_name = $"Pending{i}", last_name = "Hooked", date_of_birth = "1980-02-02" })).Expect(201);
        }
        await receiver.WaitForAsync(r => r.Select(d => d.EventId).Distinct().Count() == 5);
        // The next attempt hangs: it is under way when the signal comes.
        receiver.AnswerNext(WebhookReceiver.Hang);
        var hung = (await receiver.WaitForAsync(r => r.Any(d => d.AnsweredWith == WebhookReceiver.Hang))).First(d => d.AnsweredWith == WebhookReceiver.Hang);
        Assert.Equal(0, await first.TerminateAsync());
        await first.DisposeAsync();

        var pending = (await api.GetAsync($"webhooks/{webhook}/deliveries")).Expect(200).Data.EnumerateArray().ToList();
        Assert.Equal(5, pending.Count);
        Assert.All(pending, d => Assert.Equal("pending", d.GetProperty("status").GetString()));
        // The attempt under way was finished (it timed out) and recorded, not abandoned to wait for its claim to expire.
        var cut = pending.Single(d => d.GetProperty("event_id").GetString() == hung.EventId);
        Assert.Contains("No response within 2 seconds", cut.GetProperty("last_error").GetString());

        receiver.DefaultStatus = 200;
        await using var restarted = await ServerProcess.StartAsync(delivering);
        var delivered = await receiver.WaitForAsync(r => r.Where(d => d.AnsweredWith == 200).Select(d => d.EventId).Distinct().Count() == 5);
        var log = await WaitForDeliveredAsync(api, webhook, 5);
        Assert.Equal(pending.Select(d => d.GetProperty("event_id").GetString()).Order(), log.Select(d => d.GetProperty("event_id").GetString()).Order());
        Report($"{database.Engine}: webhook deliveries pending at SIGTERM: {pending.Count} (one attempt under way, finished and recorded); " +
               $"delivered after the restart: {log.Count}; requests the receiver got in all: {delivered.Count}");
    }

    [Fact]
    public async Task Shutdown_Timeout_bounds_a_stop_and_a_request_still_unfinished_then_is_cut_without_a_5xx()
    {
        var settings = new Dictionary<string, string?>(database.StorageSettings()) { ["Shutdown:Timeout"] = "00:00:02" };
        await using (var configured = database.StartAnotherServer(settings))
        {
            Assert.Equal(TimeSpan.FromSeconds(2), configured.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        }
        var t = await database.NewTenantAsync();
        var server = await ServerProcess.StartAsync(settings);
        using var neverFinished = await HalfSentBooking.StartAsync(server.BaseUrl, t.Api.Key!, new { title = "Abandoned" });

        Assert.Equal(0, await server.TerminateAsync());
        await server.DisposeAsync();

        Assert.Contains(server.Output, line => line.Contains(Stopping, StringComparison.Ordinal) && line.Contains("00:00:02", StringComparison.Ordinal));
        var answer = await neverFinished.ReadAnswerAsync();
        Assert.True(answer is null || !answer.StartsWith("HTTP/1.1 5", StringComparison.Ordinal), answer);
    }

    private static async Task WaitForOutputAsync(ServerProcess server, string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!server.Output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The server never printed '{text}'. It printed: {string.Join(Environment.NewLine, server.Output.TakeLast(20))}");
            await Task.Delay(20);
        }
    }

    private static async Task<IReadOnlyList<JsonElement>> WaitForDeliveredAsync(ApiClient api, string webhook, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var delivered = (await api.GetAsync($"webhooks/{webhook}/deliveries?status=delivered")).Expect(200).Data.EnumerateArray().ToList();
            if (delivered.Count == count)
            {
                return delivered;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{delivered.Count} of {count} deliveries delivered after 30 s.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// A booking sent over a raw socket with <c>Expect: 100-continue</c>: the headers go first, and the server answers
    /// "100 Continue" only once the application starts reading the body, so the request is known to be in progress.
    /// </summary>
    private sealed class HalfSentBooking : IDisposable
    {
        private readonly TcpClient client;
        private readonly NetworkStream stream;
        private readonly byte[] body;

        private HalfSentBooking(TcpClient client, byte[] body)
        {
            this.client = client;
            stream = client.GetStream();
            this.body = body;
        }

        public static async Task<HalfSentBooking> StartAsync(string baseUrl, string key, object booking)
        {
            var url = new Uri(baseUrl);
            var client = new TcpClient();
            await client.ConnectAsync(url.Host, url.Port);
            var request = new HalfSentBooking(client, JsonSerializer.SerializeToUtf8Bytes(booking));
            var head = $"POST /api/v1/appointments HTTP/1.1\r\nHost: {url.Authority}\r\nAuthorization: Bearer {key}\r\n" +
                       $"Content-Type: application/json\r\nIdempotency-Key: {Guid.NewGuid()}\r\nContent-Length: {request.body.Length}\r\n" +
                       "Expect: 100-continue\r\nConnection: close\r\n\r\n";
            await request.stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            var interim = await request.ReadAnswerAsync(headOnly: true);
            Assert.StartsWith("HTTP/1.1 100", interim);
            return request;
        }

        /// <summary>Sends the body and reads the answer: its status and (de-chunked) body.</summary>
        public async Task<(int Status, string Body)> FinishAsync()
        {
            await stream.WriteAsync(body);
            var answer = await ReadAnswerAsync() ?? throw new InvalidOperationException("The connection closed without an answer.");
            var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var head = answer[..split];
            var content = answer[(split + 4)..];
            if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                var joined = new StringBuilder();
                for (var at = 0; ;)
                {
                    var lineEnd = content.IndexOf("\r\n", at, StringComparison.Ordinal);
                    var size = Convert.ToInt32(content[at..lineEnd], 16);
                    if (size == 0)
                    {
                        break;
                    }
                    joined.Append(content, lineEnd + 2, size);
                    at = lineEnd + 2 + size + 2;
                }
                content = joined.ToString();
            }
            return (int.Parse(head[9..12], System.Globalization.CultureInfo.InvariantCulture), content);
        }

        /// <summary>What the server sent until it closed the connection (or, with <paramref name="headOnly"/>, one head); null if nothing came.</summary>
        public async Task<string?> ReadAnswerAsync(bool headOnly = false)
        {
            var received = new List<byte>();
            var buffer = new byte[1];
            try
            {
                while (await stream.ReadAsync(buffer) == 1)
                {
                    received.Add(buffer[0]);
                    if (headOnly && received.Count >= 4 && received[^4] == '\r' && received[^3] == '\n' && received[^2] == '\r' && received[^1] == '\n')
                    {
                        break;
                    }
                }
            }
            catch (IOException)
            {
                // Reset by the server: what arrived before the reset is the answer.
            }
            return received.Count == 0 ? null : Encoding.UTF8.GetString([.. received]);
        }

        public void Dispose() => client.Dispose();
    }
}

public sealed class GracefulShutdownTestsOnSqlite(SqliteServer server) : GracefulShutdownTests(server);
public sealed class GracefulShutdownTestsOnPostgres(PostgresServer server) : GracefulShutdownTests(server);
