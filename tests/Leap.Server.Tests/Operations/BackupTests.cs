using Dapper;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Leap.Server.Tests.Operations;

/// <summary>
/// <c>leap backup</c> and <c>leap restore</c> run as the published commands, against a real server process.
/// Backups are a SQLite matter (PostgreSQL has pg_dump), so these run on SQLite.
/// </summary>
public sealed class BackupTests(SqliteServer server) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("leap-backup-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Dictionary<string, string?> Sqlite(string path) => new() { ["Storage:Provider"] = "sqlite", ["Storage:Sqlite:Path"] = path };

    private string InFolder(string name) => Path.Combine(folder, name);

    [Fact]
    public async Task A_backup_taken_during_a_booking_load_restores_every_booking_acknowledged_before_it_started()
    {
        var t = await server.NewTenantAsync();
        var clinicians = new[] { await t.CreateClinicianAsync("Dr One"), await t.CreateClinicianAsync("Dr Two") };
        var patient = await t.CreatePatientAsync();
        await using var running = await ServerProcess.StartAsync(server.StorageSettings());
        var load = BookingLoad.Start(t.Api.Via(running.CreateHttpClient()), patient, clinicians, new DateTimeOffset(2033, 1, 3, 8, 0, 0, TimeSpan.Zero));
        await load.WaitForAcknowledgedAsync(30);

        var backupStarted = load.Now;
        var backup = await ServerProcess.RunCommandAsync(server.StorageSettings(), "backup", InFolder("leap-backup.db"));
        var backupEnded = load.Now;
        await load.WaitForAcknowledgedAsync(load.Acknowledged.Count + 10);
        await load.StopAsync();
        Assert.True(backup.ExitCode == 0, backup.Output + backup.Error);
        Assert.Contains("intact: schema", backup.Output);
        Assert.Contains("Backed up to", backup.Output);
        Assert.DoesNotContain(load.Requests, r => r.Status is not 201);

        var restore = await ServerProcess.RunCommandAsync(Sqlite(InFolder("fresh/leap.db")), "restore", InFolder("leap-backup.db"));
        Assert.True(restore.ExitCode == 0, restore.Output + restore.Error);

        var before = load.Acknowledged.Where(r => r.AnsweredAt < backupStarted).Select(r => r.AppointmentId!).ToList();
        var during = load.Acknowledged.Where(r => r.AnsweredAt >= backupStarted && r.AnsweredAt < backupEnded).Select(r => r.AppointmentId!).ToList();
        var restored = await RestoredAppointmentsAsync(InFolder("fresh/leap.db"), t.OrgId);
        Assert.Empty(before.Except(restored));
        // The restored server answers for them too: a restore is a working database, not only an intact file.
        await using (var again = await ServerProcess.StartAsync(Sqlite(InFolder("fresh/leap.db"))))
        {
            var api = t.Api.Via(again.CreateHttpClient());
            foreach (var id in before)
            {
                (await api.GetAsync($"appointments/{id}")).Expect(200);
            }
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"bookings acknowledged: {load.Acknowledged.Count} in all, {before.Count} before the backup started, {during.Count} while it ran " +
            $"({during.Intersect(restored).Count()} of these in it); after the restore {before.Intersect(restored).Count()} of {before.Count} present; " +
            $"{restored.Count} appointments of this organisation in the backup");
    }

    /// <summary>The organisation's appointments in a restored file, after checking the file with PRAGMA integrity_check.</summary>
    private static async Task<HashSet<string>> RestoredAppointmentsAsync(string path, string orgId)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        Assert.Equal(["ok"], await connection.QueryAsync<string>("PRAGMA integrity_check"));
        return (await connection.QueryAsync<string>("SELECT id FROM appointments WHERE org_id = @orgId", new { orgId })).ToHashSet();
    }

    [Fact]
    public async Task A_restore_refuses_to_replace_the_database_of_a_running_server()
    {
        var database = Sqlite(InFolder("live/leap.db"));
        await using var running = await ServerProcess.StartAsync(database);
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(database, "backup", InFolder("copy.db"))).ExitCode);
        var before = await File.ReadAllBytesAsync(InFolder("live/leap.db"));

        var refused = await ServerProcess.RunCommandAsync(database, "restore", InFolder("copy.db"));

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("is in use by a running Leap server", refused.Error);
        Assert.Equal(before, await File.ReadAllBytesAsync(InFolder("live/leap.db")));
        Assert.Equal(["leap.db", "leap.db-shm", "leap.db-wal", "leap.db.lock"], Directory.GetFiles(InFolder("live")).Select(Path.GetFileName).Order());
        using var http = running.CreateHttpClient();
        Assert.Equal(200, (int)(await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_restore_over_a_stopped_server_keeps_the_database_it_replaces()
    {
        var database = Sqlite(InFolder("stopped/leap.db"));
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(database, "orgs", "create", "Before the backup")).ExitCode);
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(database, "backup", InFolder("copy.db"))).ExitCode);
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(database, "orgs", "create", "After the backup")).ExitCode);

        var restore = await ServerProcess.RunCommandAsync(database, "restore", InFolder("copy.db"));

        Assert.True(restore.ExitCode == 0, restore.Output + restore.Error);
        var organisations = await ServerProcess.RunCommandAsync(database, "orgs", "list");
        Assert.Contains("Before the backup", organisations.Output);
        Assert.DoesNotContain("After the backup", organisations.Output);
        var kept = Assert.Single(Directory.GetFiles(InFolder("stopped"), "leap.db.replaced-*"));
        Assert.Contains($"kept as {kept}", restore.Output);
        var replaced = await ServerProcess.RunCommandAsync(Sqlite(kept), "orgs", "list");
        Assert.Contains("After the backup", replaced.Output);
    }

    [Fact]
    public async Task A_restore_refuses_a_file_that_is_not_a_Leap_database()
    {
        await File.WriteAllTextAsync(InFolder("notes.txt"), "not a database at all");
        await using (var other = new SqliteConnection($"Data Source={InFolder("other.db")};Pooling=false"))
        {
            await other.OpenAsync();
            await other.ExecuteAsync("CREATE TABLE recipes (name TEXT)");
        }
        var database = Sqlite(InFolder("target/leap.db"));
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(database, "migrate")).ExitCode);
        Assert.Equal(0, (await ServerProcess.RunCommandAsync(database, "backup", InFolder("good.db"))).ExitCode);
        var damaged = await File.ReadAllBytesAsync(InFolder("good.db"));
        damaged.AsSpan(4096, 8192).Fill(0x55); // pages 2 and 3
        await File.WriteAllBytesAsync(InFolder("damaged.db"), damaged);
        var before = await File.ReadAllBytesAsync(InFolder("target/leap.db"));

        foreach (var (file, reason) in new[]
                 {
                     ("notes.txt", "not a SQLite database"), ("other.db", "not a Leap database"), ("damaged.db", "nothing was changed"),
                     ("missing.db", "There is no file"),
                 })
        {
            var refused = await ServerProcess.RunCommandAsync(database, "restore", InFolder(file));
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains(reason, refused.Error);
        }
        Assert.Equal(before, await File.ReadAllBytesAsync(InFolder("target/leap.db")));
        Assert.Equal(["leap.db", "leap.db.lock"], Directory.GetFiles(InFolder("target")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_file_and_on_PostgreSQL_points_to_pg_dump()
    {
        await File.WriteAllTextAsync(InFolder("taken.db"), "an earlier backup");
        var exists = await ServerProcess.RunCommandAsync(server.StorageSettings(), "backup", InFolder("taken.db"));
        Assert.Equal(1, exists.ExitCode);
        Assert.Contains("already exists", exists.Error);
        Assert.Equal("an earlier backup", await File.ReadAllTextAsync(InFolder("taken.db")));

        var postgres = await ServerProcess.RunCommandAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "postgres", ["Storage:Postgres"] = "Host=db.invalid" }, "backup", InFolder("pg.db"));
        Assert.Equal(1, postgres.ExitCode);
        Assert.Contains("pg_dump", postgres.Error);
        Assert.False(File.Exists(InFolder("pg.db")));
    }
}
