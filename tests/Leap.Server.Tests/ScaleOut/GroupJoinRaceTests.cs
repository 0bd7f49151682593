using Leap.Server.Storage;
using Leap.Server.Tests.Groups;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Leap.Server.Tests.ScaleOut;

/// <summary>
/// A hundred patients join one group session with eight seats at the same moment, through two real server processes
/// on one PostgreSQL database: exactly eight get in, every other is a 409 SESSION_FULL, and the database agrees.
/// </summary>
public sealed class GroupJoinRaceTests(PostgresServer database) : TwoProcessTests(database)
{
    private const int Seats = 8;
    private const int Joiners = 100;
    private const int Rounds = 5;
    protected override Dictionary<string, string?> ProcessSettings()
    {
        var settings = Postgres.StorageSettings();
        // A modest pool per process (the test database serves other tests too): joins wait their turn for a connection as for the seat.
        settings["Storage:Postgres"] = new NpgsqlConnectionStringBuilder(settings["Storage:Postgres"]) { MaxPoolSize = 30 }.ToString();
        return settings;
    }

    [Fact]
    public async Task A_hundred_joins_for_eight_seats_let_in_exactly_eight()
    {
        var t = await Postgres.NewTenantAsync();
        var (a, b) = Servers.Clients(t);
        var template = (await t.Api.PostAsync("appointment-templates", new { name = "Spin class", duration = 45, max_participants = Seats })).Expect(201).Id;
        var patients = new List<string>();
        for (var i = 0; i < Joiners; i++)
        {
            patients.Add(await t.CreatePatientAsync());
        }
        var statuses = new Dictionary<int, int>();
        for (var round = 0; round < Rounds; round++)
        {
            var booker = await t.CreatePatientAsync();
            var start = new DateTimeOffset(2030, 6, 3, 9, 0, 0, TimeSpan.Zero).AddDays(round);
            var session = (await t.Api.PostAsync("appointments", new
            {
                title = "Spin class", patient_id = booker, appointment_type_id = template,
                start_time = Iso(start), end_time = Iso(start.AddMinutes(45)),
            })).Expect(201).Id;
            // The booking's patient leaves, so all eight seats are free for the race.
            (await t.Api.DeleteAsync($"appointments/{session}/participants/{booker}")).Expect(200);

            var results = await Joins.AllAtOnceAsync(Joiners, i => (i % 2 == 0 ? a : b)
                .PostAsync($"appointments/{session}/participants", new { patient_id = patients[i] }, i % 3 == 0 ? Guid.NewGuid().ToString() : null));

            foreach (var result in results)
            {
                statuses[result.StatusCode] = statuses.GetValueOrDefault(result.StatusCode) + 1;
            }
            Assert.All(results, r => Assert.True(r.StatusCode is 201 or 409, $"round {round}: {r.StatusCode} {r.Raw}"));
            Assert.Equal(Seats, results.Count(r => r.StatusCode == 201));
            Assert.All(results.Where(r => r.StatusCode == 409), r => Assert.Equal("SESSION_FULL", r.ErrorCode));
            var winners = results.Where(r => r.StatusCode == 201).Select(r => r.Data.GetProperty("patient_id").GetString()).Order().ToList();

            // The database agrees: eight joined rows, the winners', and a count of eight.
            Assert.Equal(winners, (await RawAsync(db => db.ListAsync<string>(
                "SELECT patient_id FROM appointment_participants WHERE appointment_id = @session AND status = 'joined' ORDER BY patient_id", new { session }))).Order());
            Assert.Equal(Seats, await RawAsync(db => db.ScalarAsync<long>("SELECT participant_count FROM appointments WHERE id = @session", new { session })));
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Rounds} rounds of {Joiners} joins for {Seats} seats through two processes: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} x {s.Key}")));
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private Task<T> RawAsync<T>(Func<CrossTenantDb, Task<T>> read) => read(Postgres.Services.GetRequiredService<Database>().Raw());
}
