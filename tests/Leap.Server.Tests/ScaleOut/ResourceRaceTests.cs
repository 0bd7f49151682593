using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.ScaleOut;

/// <summary>
/// Bookings race for a location's last room through two real server processes on one PostgreSQL database: the
/// clinicians are all free, so only the room decides. Exactly as many bookings win as there are rooms, every loser
/// is a 409 (never a 5xx), and the database holds one appointment per room.
/// </summary>
public sealed class ResourceRaceTests(PostgresServer database) : TwoProcessTests(database)
{
    private const int Rounds = 8;
    [Fact]
    public async Task Two_bookings_for_the_last_room_across_two_processes_book_it_once()
    {
        var (won, lost) = await RaceAsync(rooms: 1, bookings: 2);
        Assert.Equal(Rounds, won);
        Assert.Equal(Rounds, lost);
    }

    [Fact]
    public async Task Three_bookings_for_two_rooms_across_two_processes_take_both_rooms_once_each()
    {
        // Both losers of a pick race pick again and find the other room, so two win every round.
        var (won, lost) = await RaceAsync(rooms: 2, bookings: 3);
        Assert.Equal(2 * Rounds, won);
        Assert.Equal(Rounds, lost);
    }

    private async Task<(int Won, int Lost)> RaceAsync(int rooms, int bookings)
    {
        var t = await Postgres.NewTenantAsync();
        var (a, b) = Servers.Clients(t);
        var location = await t.CreateLocationAsync();
        var template = (await t.Api.PostAsync("appointment-templates", new { name = "Room consultation", duration = 30, required_resource_types = new[] { "room" } }))
            .Expect(201).Id;
        var roomIds = new List<string>();
        for (var r = 0; r < rooms; r++)
        {
            roomIds.Add((await t.Api.PostAsync("resources", new { name = $"Room {r + 1}", type = "room", location_id = location })).Expect(201).Id);
        }
        var clinicians = new List<string>();
        for (var i = 0; i < bookings; i++)
        {
            clinicians.Add(await t.CreateClinicianAsync($"Dr Race {i}", locationIds: location));
        }
        var patient = await t.CreatePatientAsync();
        var (won, lost) = (0, 0);
        for (var round = 0; round < Rounds; round++)
        {
            var start = new DateTimeOffset(2030, 6, 3, 9, 0, 0, TimeSpan.Zero).AddHours(round);
            var results = await Race.AllAtOnceAsync(bookings, i => (i % 2 == 0 ? a : b).PostAsync("appointments", new
            {
                title = "Race", patient_id = patient, appointment_type_id = template, clinician_profile_id = clinicians[i], location_id = location,
                start_time = Iso(start), end_time = Iso(start.AddMinutes(30)),
            }, Guid.NewGuid().ToString()));

            Assert.All(results, r => Assert.True(r.StatusCode is 201 or 409, $"round {round}: {r.StatusCode} {r.Raw}"));
            Assert.All(results.Where(r => r.StatusCode == 409), r => Assert.Equal("SLOT_UNAVAILABLE", r.ErrorCode));
            var winners = results.Where(r => r.StatusCode == 201).ToList();
            Assert.Equal(rooms, winners.Count);
            Assert.Equal(roomIds.Order(StringComparer.Ordinal), winners.Select(w => w.Data.GetProperty("resource_ids")[0].GetString()!).Order(StringComparer.Ordinal));
            won += winners.Count;
            lost += results.Length - winners.Count;

            // The database agrees: each room is taken once at that time, by an appointment that exists and is active.
            foreach (var room in roomIds)
            {
                Assert.Equal(1, await CountAsync(t,
                    """
                    SELECT COUNT(*) FROM resource_busy b JOIN appointments x ON x.id = b.appointment_id AND x.status = 'confirmed'
                    WHERE b.resource_id = @room AND b.busy_start = @start AND b.org_id = @OrgId
                    """, new { room, start }));
            }
            Assert.Equal(rooms, await CountAsync(t, "SELECT COUNT(*) FROM appointments WHERE start_time = @start AND org_id = @OrgId", new { start }));
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Rounds} rounds of {bookings} bookings for {rooms} room(s) through two processes: {won} booked, {lost} refused with 409, none 5xx.");
        return (won, lost);
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<long> CountAsync(TestTenant t, string sql, object args)
    {
        var parameters = new SqlArgs(args);
        parameters.Add("OrgId", t.OrgId);
        return await Postgres.Services.GetRequiredService<Database>().Raw().ScalarAsync<long>(sql, parameters);
    }
}
