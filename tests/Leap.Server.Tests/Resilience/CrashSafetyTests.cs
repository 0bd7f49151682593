using System.Collections.Concurrent;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Resilience;

/// <summary>
/// Books under load, kills the server process with SIGKILL mid-run, restarts it and checks that nothing
/// acknowledged was lost, nothing exists twice, retried idempotency keys give one booking each, and each booking is
/// routed once.
/// </summary>
public abstract class CrashSafetyTests(LeapFixture database)
{
    private sealed record Attempt(string Key, object Body, int Slot)
    {
        public string? AcknowledgedId { get; set; }
        public string? AcknowledgedBody { get; set; }
    }

    [Fact]
    public async Task Acknowledged_bookings_survive_a_SIGKILL_and_retries_never_duplicate()
    {
        var t = await database.NewTenantAsync();
        var clinicians = new[] { await t.CreateClinicianAsync("Dr One"), await t.CreateClinicianAsync("Dr Two") };
        var patient = await t.CreatePatientAsync();
        var attempts = new ConcurrentBag<Attempt>();
        var slot = 0;

        var first = await ServerProcess.StartAsync(database.StorageSettings());
        var api = t.Api.Via(first.CreateHttpClient());
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref slot);
                var start = new DateTimeOffset(2032, 1, 5, 8, 0, 0, TimeSpan.Zero).AddMinutes(30 * (n / 2));
                var attempt = new Attempt(Guid.NewGuid().ToString(), new
                {
                    title = "Under fire",
                    patient_id = patient,
                    clinician_profile_id = clinicians[n % 2],
                    start_time = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                    end_time = start.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                }, n);
                attempts.Add(attempt);
                try
                {
                    var result = await api.PostAsync("appointments", attempt.Body, attempt.Key);
                    if (result.StatusCode == 201)
                    {
                        attempt.AcknowledgedId = result.Id;
                        attempt.AcknowledgedBody = result.Raw;
                    }
                }
                catch (HttpRequestException)
                {
                    // The server died with this request in flight: its outcome is unknown, so it is retried below.
                    return;
                }
            }
        })).ToList();

        // Kill mid-run: once enough bookings are acknowledged (a fixed delay would be too short on a busy machine).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (attempts.Count(a => a.AcknowledgedId is not null) < 30 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await first.KillAsync();
        stop.Cancel();
        await Task.WhenAll(clients);
        await first.DisposeAsync();
        Assert.True(attempts.Count(a => a.AcknowledgedId is not null) >= 30, "the load should have booked before the kill");

        await using var second = await ServerProcess.StartAsync(database.StorageSettings());
        var after = t.Api.Via(second.CreateHttpClient());
        foreach (var attempt in attempts.Where(a => a.AcknowledgedId is not null))
        {
            (await after.GetAsync($"appointments/{attempt.AcknowledgedId}")).Expect(200);
        }
        foreach (var attempt in attempts)
        {
            var retry = (await after.PostAsync("appointments", attempt.Body, attempt.Key)).Expect(201);
            if (attempt.AcknowledgedBody is not null)
            {
                Assert.Equal(attempt.AcknowledgedBody, retry.Raw);
                Assert.Equal("true", retry.Header("Idempotent-Replayed"));
            }
        }

        var db = database.Services.GetRequiredService<Database>();
        Assert.Equal(attempts.Count, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", new { t.OrgId }));
        Assert.Equal(attempts.Count, await db.Raw().ScalarAsync<long>(
            "SELECT COUNT(DISTINCT clinician_profile_id || ' ' || start_time) FROM appointments WHERE org_id = @OrgId", new { t.OrgId }));

        // Routing, cut short by the kill wherever it was, ends with every booking filed once on the patient's one episode.
        await t.RoutedAsync();
        var episode = Assert.Single(await db.Raw().ListAsync<string>("SELECT id FROM episodes WHERE org_id = @OrgId", new { t.OrgId }));
        Assert.Equal(attempts.Count, await db.Raw().ScalarAsync<long>(
            "SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId AND episode_id = @episode", new { t.OrgId, episode }));
        var filed = await db.Raw().ListAsync<string>(
            "SELECT related_object_id FROM episode_events WHERE org_id = @OrgId AND event_type = 'appointment'", new { t.OrgId });
        Assert.Equal(attempts.Count, filed.Count);
        Assert.Equal(attempts.Count, filed.Distinct().Count());
    }
}

public sealed class CrashSafetyTestsOnSqlite(SqliteServer server) : CrashSafetyTests(server);
public sealed class CrashSafetyTestsOnPostgres(PostgresServer server) : CrashSafetyTests(server);
