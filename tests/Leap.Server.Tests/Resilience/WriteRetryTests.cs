using Dapper;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Leap.Server.Tests.Resilience;

/// <summary>
/// A write the database rolls back for contention is run again inside the server; one that keeps losing is a
/// 503 with Retry-After, never a 500. The contention is real: the test's own PostgreSQL transaction holds the
/// locks a booking needs (PostgreSQL only: SQLite's single writer never contends with itself).
/// </summary>
public sealed class WriteRetryTests(PostgresServer database)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A booking locks its patient, then (inserting the appointment) takes a share lock on its clinician. The test
    /// holds the clinician and, once the booking waits for it, asks for the patient: a real deadlock, which
    /// PostgreSQL settles by rolling back the booking (the first to wait is the first to look for a cycle).
    /// </summary>
    [Fact]
    public async Task A_booking_whose_transaction_deadlocks_is_run_again_and_answered_201()
    {
        var t = await database.NewTenantAsync();
        await using var connection = await OpenAsync();
        for (var attempt = 1; ; attempt++)
        {
            var clinician = await t.CreateClinicianAsync();
            var patient = await t.CreatePatientAsync();
            var key = Guid.NewGuid().ToString();
            var body = new { title = "Deadlocked once", patient_id = patient, clinician_profile_id = clinician, start_time = "2031-05-05T10:00:00Z", end_time = "2031-05-05T10:30:00Z" };
            await using var tx = await connection.BeginTransactionAsync(Ct);
            await connection.ExecuteAsync("SELECT 1 FROM clinician_profiles WHERE id = @clinician FOR UPDATE", new { clinician }, tx);
            var booking = t.Api.PostAsync("appointments", body, key);
            await WaitUntilBlockedByAsync(connection);
            try
            {
                // Returns only once the booking's first transaction, which held the patient, has been rolled back.
                await connection.ExecuteAsync("SELECT 1 FROM patients WHERE id = @patient FOR UPDATE", new { patient }, tx);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
                // The test's transaction was the one rolled back (the machine was slow to ask): try again.
                await tx.RollbackAsync(Ct);
                (await booking).Expect(201);
                continue;
            }
            Assert.False(booking.IsCompleted, "The booking answered while its transaction was rolled back and the test still held its locks.");
            await tx.CommitAsync(Ct);

            var created = (await booking).Expect(201);
            Assert.Equal("Deadlocked once", created.Data.GetProperty("title").GetString());
            Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM appointments WHERE patient_id = @patient", new { patient }));
            Assert.Equal([created.Id], await Db.Raw().ListAsync<string>("SELECT id FROM clinician_busy WHERE clinician_id = @clinician", new { clinician }));
            // The key stored the one answer: the same request replays it.
            var replay = (await t.Api.PostAsync("appointments", body, key)).Expect(201);
            Assert.Equal(created.Raw, replay.Raw);
            Assert.Equal("true", replay.Header("Idempotent-Replayed"));
            return;
        }
    }

    /// <summary>
    /// A server whose lock waits end after 100 ms (lock_timeout, SQLSTATE 55P03) books a patient the test keeps
    /// locked: every attempt times out, and the answer is 503 SERVICE_UNAVAILABLE with Retry-After, nothing
    /// written, the key free. Once the lock is gone the same request books, once.
    /// </summary>
    [Fact]
    public async Task A_booking_that_loses_every_attempt_is_503_with_Retry_After_and_writes_nothing()
    {
        var t = await database.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var patient = await t.CreatePatientAsync();
        var impatient = new NpgsqlConnectionStringBuilder(database.SchemaConnectionString) { Options = "-c lock_timeout=100" };
        await using var server = database.StartAnotherServer(new Dictionary<string, string?> { ["Storage:Postgres"] = impatient.ToString() });
        using var http = server.CreateHttpClient();
        var api = t.Api.Via(http);
        var key = Guid.NewGuid().ToString();
        var body = new { title = "Locked out", patient_id = patient, clinician_profile_id = clinician, start_time = "2031-05-06T10:00:00Z", end_time = "2031-05-06T10:30:00Z" };

        await using var connection = await OpenAsync();
        await using (var tx = await connection.BeginTransactionAsync(Ct))
        {
            await connection.ExecuteAsync("SELECT 1 FROM patients WHERE id = @patient FOR UPDATE", new { patient }, tx);
            var refused = (await api.PostAsync("appointments", body, key)).ExpectError(503, "SERVICE_UNAVAILABLE");
            Assert.Equal("1", refused.Header("Retry-After"));
            Assert.Contains("nothing was changed", refused.Error.GetProperty("message").GetString());
            var requestId = refused.Meta.GetProperty("request_id").GetString()!;
            Assert.Contains(TestLogs.All, line => line.Contains($"after {Database.MaxWriteAttempts} attempts", StringComparison.Ordinal)
                && line.Contains("(55P03)", StringComparison.Ordinal) && line.Contains(requestId, StringComparison.Ordinal));
            await tx.RollbackAsync(Ct);
        }
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM appointments WHERE patient_id = @patient", new { patient }));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM clinician_busy WHERE clinician_id = @clinician", new { clinician }));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM idempotency_keys WHERE key = @key", new { key }));

        var created = (await api.PostAsync("appointments", body, key)).Expect(201);
        Assert.Equal(created.Raw, (await api.PostAsync("appointments", body, key)).Expect(201).Raw);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM appointments WHERE patient_id = @patient", new { patient }));
    }

    private Database Db => database.Services.GetRequiredService<Database>();

    private Task<long> CountAsync(string sql, object param) => Db.Raw().ScalarAsync<long>(sql, param);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        Assert.SkipWhen(database.Unavailable is not null, database.Unavailable ?? "");
        var connection = new NpgsqlConnection(database.SchemaConnectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    /// <summary>Waits until a session (the server's) waits for a lock this connection holds.</summary>
    private async Task WaitUntilBlockedByAsync(NpgsqlConnection holder)
    {
        await using var watcher = new NpgsqlConnection(database.SchemaConnectionString);
        await watcher.OpenAsync(Ct);
        for (var i = 0; i < 600; i++)
        {
            if (await watcher.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE @pid = ANY (pg_blocking_pids(pid)))", new { pid = holder.ProcessID }))
            {
                return;
            }
            await Task.Delay(20, Ct);
        }
        Assert.Fail("The booking never waited for the test's lock.");
    }
}
