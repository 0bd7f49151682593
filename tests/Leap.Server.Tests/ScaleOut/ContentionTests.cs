using System.Globalization;
using Dapper;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Leap.Server.Tests.ScaleOut;

/// <summary>
/// Races for one slot or one record across two real server processes on one PostgreSQL database, round after
/// round: whoever loses a race gets the resource's own 409, never a 5xx, and the database holds exactly the
/// winner's change. Requests alternate between the processes.
/// </summary>
public sealed class ContentionTests(PostgresServer database) : TwoProcessTests(database)
{
    private const int Rounds = 20;
    private static readonly DateTimeOffset FirstDay = new(2031, 3, 3, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Names the two processes' database sessions, so the test can see them wait (pg_stat_activity).</summary>
    private readonly string applicationName = "leap-contention-" + Guid.NewGuid().ToString("N")[..8];
    protected override Dictionary<string, string?> ProcessSettings()
    {
        var settings = Postgres.StorageSettings();
        settings["Storage:Postgres"] = new NpgsqlConnectionStringBuilder(settings["Storage:Postgres"]) { ApplicationName = applicationName }.ToString();
        return settings;
    }

    [Fact]
    public async Task A_hundred_bookings_of_one_slot_have_one_winner_and_99_SLOT_UNAVAILABLE_in_every_round()
    {
        // Ten patients: some bookings queue on a shared patient, all of them on the clinician's time.
        var (_, clinician, patients, a, b) = await PracticeAsync();
        var tally = new Tally();
        for (var round = 0; round < Rounds; round++)
        {
            var day = FirstDay.AddDays(round);
            var results = await Race.AllAtOnceAsync(100, i => (i % 2 == 0 ? a : b).PostAsync("appointments", new
            {
                title = "Contested",
                patient_id = patients[i % patients.Count],
                clinician_profile_id = clinician,
                // The same slot, and two others overlapping it.
                start_time = Iso(day.AddHours(10).AddMinutes(i % 3 * 10)),
                end_time = Iso(day.AddHours(10).AddMinutes(i % 3 * 10 + 30)),
            }, Guid.NewGuid().ToString()));
            tally.Add(results);

            var winner = OneWinnerAndSlotUnavailable(results, 201);
            Assert.Equal([winner.Id], await AppointmentsOnAsync(clinician, day));
            Assert.Equal([winner.Id], await BusyOnAsync(clinician, day));
        }
        tally.Report("bookings of one slot", Rounds);
    }

    [Fact]
    public async Task Twenty_reschedules_onto_one_slot_have_one_winner_and_19_SLOT_UNAVAILABLE_in_every_round()
    {
        var (_, clinician, patients, a, b) = await PracticeAsync();
        var tally = new Tally();
        for (var round = 0; round < Rounds; round++)
        {
            var day = FirstDay.AddDays(100 + round);
            // Twenty appointments back to back from 08:00, two per patient, all to be moved to 14:00.
            var starts = Enumerable.Range(0, 20).Select(i => day.AddHours(8).AddMinutes(15 * i)).ToList();
            var booked = await Task.WhenAll(starts.Select((start, i) => (i % 2 == 0 ? a : b).PostAsync("appointments", new
            {
                title = "To move", patient_id = patients[i % patients.Count], clinician_profile_id = clinician,
                start_time = Iso(start), end_time = Iso(start.AddMinutes(15)),
            })));
            var ids = booked.Select(r => r.Expect(201).Id).ToList();
            var target = day.AddHours(14);

            var results = await Race.AllAtOnceAsync(20, i => (i % 2 == 0 ? a : b).PatchAsync($"appointments/{ids[i]}", new
            {
                start_time = Iso(target), end_time = Iso(target.AddMinutes(15)),
            }));
            tally.Add(results);

            var winner = OneWinnerAndSlotUnavailable(results, 200);
            var moved = ids.IndexOf(winner.Id);
            Assert.Equal(Iso(target), winner.Data.GetProperty("start_time").GetString());
            // Every other appointment, and its busy interval, stayed where it was.
            var expected = ids.Select((id, i) => (id, i == moved ? target : starts[i])).OrderBy(x => x.Item2).ThenBy(x => x.id, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, await StartsOnAsync("appointments", clinician, day));
            Assert.Equal(expected, await StartsOnAsync("clinician_busy", clinician, day));
        }
        tally.Report("reschedules onto one slot", Rounds);
    }

    /// <summary>
    /// The deadlock measured on PostgreSQL, forced: a claim of the slot that others are queued behind rolls back.
    /// Inside the exclusion check each queued request would then find another queued request's row and wait for it,
    /// pairwise: a deadlock per request (SQLSTATE 40P01, each found only after deadlock_timeout). Queued in front
    /// of the check instead, the next request takes the slot and the rest are refused, with no write run twice.
    /// </summary>
    [Theory]
    [InlineData("booking")]
    [InlineData("reschedule")]
    public async Task Requests_queued_behind_a_claim_that_rolls_back_settle_without_a_deadlock(string kind)
    {
        var (t, clinician, patients, a, b) = await PracticeAsync();
        var day = FirstDay.AddDays(kind == "booking" ? 200 : 201);
        var slot = day.AddHours(16);
        var movable = kind == "booking" ? [] : await Task.WhenAll(patients.Select(async (patient, i) => (await a.PostAsync("appointments", new
        {
            title = "To move", patient_id = patient, clinician_profile_id = clinician,
            start_time = Iso(day.AddHours(8).AddMinutes(30 * i)), end_time = Iso(day.AddHours(8).AddMinutes(30 * i + 30)),
        })).Expect(201).Id));

        await using var connection = new NpgsqlConnection(Postgres.SchemaConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var claim = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO clinician_busy (id, org_id, mode, clinician_id, busy_start, busy_end, kind) VALUES ('apt_claim', @OrgId, @Mode, @clinician, @slot, @end, 'appointment')",
            new { t.OrgId, t.Mode, clinician, slot, end = slot.AddMinutes(30) }, claim);
        var (start, end) = (Iso(slot), Iso(slot.AddMinutes(30)));
        var logged = Servers.Output.Count();
        var racing = Race.AllAtOnceAsync(10, i => kind == "booking"
            ? (i % 2 == 0 ? a : b).PostAsync("appointments", new { title = "Contested", patient_id = patients[i], clinician_profile_id = clinician, start_time = start, end_time = end })
            : (i % 2 == 0 ? a : b).PatchAsync($"appointments/{movable[i]}", new { start_time = start, end_time = end }));
        await WaitUntilWaitingAsync(10);
        await claim.RollbackAsync(TestContext.Current.CancellationToken);
        var results = await racing;

        var winner = OneWinnerAndSlotUnavailable(results, kind == "booking" ? 201 : 200);
        Assert.Equal([winner.Id], await BusyIdsAsync(clinician, slot));
        var retried = Servers.Output.Skip(logged).Where(line => line.Contains("lost to concurrent writes", StringComparison.Ordinal)).ToList();
        Assert.True(retried.Count == 0, string.Join(Environment.NewLine, retried));
    }

    /// <summary>The other writes, each raced twenty times on one record: every loser gets its resource's own answer.</summary>
    [Fact]
    public async Task Every_other_write_raced_on_one_record_answers_its_own_conflict_and_never_5xx()
    {
        var t = await Postgres.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var (a, b) = Servers.Clients(t);
        var tally = new Tally();
        Task<ApiResult[]> RaceAsync(Func<ApiClient, int, Task<ApiResult>> send) => Tally(Race.AllAtOnceAsync(20, i => send(i % 2 == 0 ? a : b, i)));
        async Task<ApiResult[]> Tally(Task<ApiResult[]> race)
        {
            var results = await race;
            tally.Add(results);
            return results;
        }

        // Patient create, one Idempotency-Key: one patient, every answer the same 201.
        var key = Guid.NewGuid().ToString();
        var created = await RaceAsync((api, _) => api.PostAsync("patients", new { first_name = "Keyed", last_name = "Patient", date_of_birth = "1970-01-02" }, key));
        Assert.Single(created.Select(r => r.Expect(201).Raw).Distinct());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM patients WHERE org_id = @OrgId AND first_name = 'Keyed'", t));

        // Patient sync upsert of one external id: one create, nineteen updates, one patient.
        var synced = await RaceAsync((api, i) => api.SendAsync(HttpMethod.Put, "patients/external/EHR-7", new
        {
            first_name = "Synced", last_name = "Patient", date_of_birth = "1970-01-03", phone = $"+44 7700 9000{i:00}",
        }));
        Assert.Single(synced, r => r.StatusCode == 201);
        Assert.All(synced.Where(r => r.StatusCode != 201), r => r.Expect(200));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM patients WHERE org_id = @OrgId AND external_id = 'EHR-7'", t));

        // Cancel of one appointment: one 200, the rest already cancelled; its time is free again.
        var patient = created[0].Id;
        var appointment = (await a.PostAsync("appointments", new
        {
            title = "Cancelled", patient_id = patient, clinician_profile_id = clinician,
            start_time = Iso(FirstDay.AddDays(300).AddHours(9)), end_time = Iso(FirstDay.AddDays(300).AddHours(9).AddMinutes(30)),
        })).Expect(201).Id;
        var cancels = await RaceAsync((api, _) => api.PostAsync($"appointments/{appointment}/cancel", new { cancellation_reason = "Raced" }));
        OneWinnerAnd(cancels, 200, "INVALID_STATE");
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM clinician_busy WHERE id = @Id", new { Id = appointment }));

        // Episodes: twenty events on one episode all land; twenty closes close it once.
        var episode = (await a.PostAsync("episodes", new { patient_id = patient, title = "Raced episode" })).Expect(201).Id;
        var events = await RaceAsync((api, i) => api.PostAsync($"episodes/{episode}/events", new { event_type = "note", title = $"Note {i}" }));
        Assert.All(events, r => r.Expect(201));
        Assert.Equal(20, await CountAsync("SELECT COUNT(*) FROM episode_events WHERE episode_id = @Id AND event_type = 'note'", new { Id = episode }));
        OneWinnerAnd(await RaceAsync((api, _) => api.PostAsync($"episodes/{episode}/close", new { note = "Raced" })), 200, "INVALID_STATE");

        // Holds: twenty holds of one slot, twenty confirms of the winner, twenty releases of another.
        var location = await t.CreateLocationAsync(timezone: "UTC");
        var held = await t.CreateClinicianAsync("Dr Held", locationIds: location);
        await t.CreateSessionsAsync(held, location, "00:00", "23:59", ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
        var template = await t.CreateTemplateAsync("Held visit", minNoticeMinutes: 0);
        var slot = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(7).AddHours(10), TimeSpan.Zero);
        Task<ApiResult> HoldAsync(ApiClient api, DateTimeOffset start) =>
            api.PostAsync("holds", new { appointment_template_id = template, clinician_profile_id = held, start_time = Iso(start) }, Guid.NewGuid().ToString());
        var hold = OneWinnerAnd(await RaceAsync((api, _) => HoldAsync(api, slot)), 201, "SLOT_UNAVAILABLE").Id;
        var confirmed = OneWinnerAnd(await RaceAsync((api, _) => api.PostAsync($"holds/{hold}/confirm", new { patient_id = patient }, Guid.NewGuid().ToString())), 201, "INVALID_STATE");
        Assert.Equal([confirmed.Id], await BusyIdsAsync(held, slot));
        var released = (await HoldAsync(a, slot.AddHours(1))).Expect(201).Id;
        OneWinnerAnd(await RaceAsync((api, _) => api.DeleteAsync($"holds/{released}")), 200, "INVALID_STATE");
        Assert.Empty(await BusyIdsAsync(held, slot.AddHours(1)));

        tally.Report("other writes on one record", 8);
    }

    /// <summary>A tenant with a clinician, ten patients and a client for each process.</summary>
    private async Task<(TestTenant T, string Clinician, List<string> Patients, ApiClient A, ApiClient B)> PracticeAsync()
    {
        var t = await Postgres.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var patients = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            patients.Add(await t.CreatePatientAsync());
        }
        var (a, b) = Servers.Clients(t);
        return (t, clinician, patients, a, b);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Exactly one <paramref name="status"/>; every other answer 409 SLOT_UNAVAILABLE naming the winner.</summary>
    private static ApiResult OneWinnerAndSlotUnavailable(ApiResult[] results, int status)
    {
        var winner = OneWinnerAnd(results, status, "SLOT_UNAVAILABLE");
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(winner.Id, r.Error.GetProperty("conflicting_appointment_id").GetString()));
        return winner;
    }

    private static ApiResult OneWinnerAnd(ApiResult[] results, int status, string loserCode)
    {
        Assert.All(results, r => Assert.True(r.StatusCode < 500, $"{r.StatusCode}: {r.Raw}"));
        var winner = Assert.Single(results, r => r.StatusCode == status);
        Assert.All(results.Where(r => r != winner), r => r.ExpectError(409, loserCode));
        return winner;
    }

    private Database Db => Postgres.Services.GetRequiredService<Database>();

    private Task<long> CountAsync(string sql, TestTenant t) => Db.Raw().ScalarAsync<long>(sql, new { t.OrgId });

    private Task<long> CountAsync(string sql, object param) => Db.Raw().ScalarAsync<long>(sql, param);

    private async Task<IReadOnlyList<string>> AppointmentsOnAsync(string clinician, DateTimeOffset day) =>
        (await StartsOnAsync("appointments", clinician, day)).Select(x => x.Id).ToList();

    private async Task<IReadOnlyList<string>> BusyOnAsync(string clinician, DateTimeOffset day) =>
        (await StartsOnAsync("clinician_busy", clinician, day)).Select(x => x.Id).ToList();

    private sealed record Row
    {
        public required string Id { get; init; }
        public DateTimeOffset At { get; init; }
    }

    /// <summary>The clinician's appointments or busy intervals starting on <paramref name="day"/>, as (id, start) in time order.</summary>
    private async Task<List<(string Id, DateTimeOffset At)>> StartsOnAsync(string table, string clinician, DateTimeOffset day)
    {
        var (clinicianColumn, startColumn) = table == "appointments" ? ("clinician_profile_id", "start_time") : ("clinician_id", "busy_start");
        var rows = await Db.Raw().ListAsync<Row>(
            $"SELECT id, {startColumn} AS at FROM {table} WHERE {clinicianColumn} = @clinician AND {startColumn} >= @day AND {startColumn} < @next ORDER BY 2, 1",
            new { clinician, day, next = day.AddDays(1) });
        return rows.Select(r => (r.Id, r.At)).ToList();
    }

    /// <summary>The busy intervals of the clinician that overlap the half hour from <paramref name="start"/>.</summary>
    private async Task<IReadOnlyList<string>> BusyIdsAsync(string clinician, DateTimeOffset start) =>
        await Db.Raw().ListAsync<string>(
            "SELECT id FROM clinician_busy WHERE clinician_id = @clinician AND busy_start < @end AND busy_end > @start ORDER BY id",
            new { clinician, start, end = start.AddMinutes(30) });

    /// <summary>Waits until <paramref name="count"/> of the two processes' database sessions wait for a lock.</summary>
    private async Task WaitUntilWaitingAsync(int count)
    {
        await using var connection = new NpgsqlConnection(Postgres.SchemaConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        for (var i = 0; i < 600; i++)
        {
            var waiting = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = @applicationName AND wait_event_type = 'Lock'", new { applicationName });
            if (waiting >= count)
            {
                return;
            }
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        Assert.Fail($"{count} requests never waited for the test's claim.");
    }

    /// <summary>Counts answers across rounds, for the test output (the figures: requests, 5xx, 409s).</summary>
    private sealed class Tally
    {
        private readonly List<int> statuses = [];

        public void Add(IEnumerable<ApiResult> results) => statuses.AddRange(results.Select(r => r.StatusCode));

        public void Report(string what, int rounds) => TestContext.Current.TestOutputHelper?.WriteLine(
            $"{what}: {rounds} rounds, {statuses.Count} requests, {statuses.Count(s => s >= 500)} 5xx, {statuses.Count(s => s == 409)} 409, " +
            $"{statuses.Count(s => s is >= 200 and < 300)} 2xx");
    }
}
