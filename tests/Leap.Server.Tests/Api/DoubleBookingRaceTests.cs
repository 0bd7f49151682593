using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

/// <summary>Races that really race: many clients booking one clinician's slot at the same moment.</summary>
public abstract class DoubleBookingRaceTests(LeapFixture server)
{
    [Fact]
    public async Task Fifty_concurrent_bookings_of_one_slot_give_one_201_and_forty_nine_409s()
    {
        var t = await server.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var patients = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            patients.Add(await t.CreatePatientAsync($"Racer{i}"));
        }
        var results = await Race.AllAtOnceAsync(50, i => t.Api.PostAsync("appointments", new
        {
            title = "Same slot",
            patient_id = patients[i % patients.Count],
            clinician_profile_id = clinician,
            // Different but overlapping times as well as identical ones.
            start_time = i % 2 == 0 ? "2030-04-01T09:00:00Z" : "2030-04-01T09:10:00Z",
            end_time = i % 2 == 0 ? "2030-04-01T09:30:00Z" : "2030-04-01T09:40:00Z",
        }, Guid.NewGuid().ToString()));

        var winner = Assert.Single(results, r => r.StatusCode == 201);
        var losers = results.Where(r => r.StatusCode != 201).ToList();
        Assert.Equal(49, losers.Count);
        Assert.All(losers, r => Assert.Equal("SLOT_UNAVAILABLE", r.ErrorCode));
        Assert.All(losers, r => Assert.Equal(winner.Id, r.Error.GetProperty("conflicting_appointment_id").GetString()));

        var db = server.Services.GetRequiredService<Database>();
        Assert.Equal(1, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", new { t.OrgId }));
        Assert.Equal(1, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM clinician_busy WHERE clinician_id = @clinician", new { clinician }));
    }

    [Fact]
    public async Task Twenty_concurrent_reschedules_onto_one_slot_give_one_200_and_nineteen_409s()
    {
        var t = await server.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var patients = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            patients.Add(await t.CreatePatientAsync($"Mover{i}"));
        }
        var first = new DateTimeOffset(2030, 4, 2, 8, 0, 0, TimeSpan.Zero);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await t.Api.PostAsync("appointments", new
            {
                title = "To move", patient_id = patients[i % patients.Count], clinician_profile_id = clinician,
                start_time = first.AddMinutes(15 * i), end_time = first.AddMinutes(15 * i + 15),
            })).Expect(201).Id);
        }

        var results = await Race.AllAtOnceAsync(20, i => t.Api.PatchAsync($"appointments/{ids[i]}", new
        {
            start_time = "2030-04-02T14:00:00Z", end_time = "2030-04-02T14:15:00Z",
        }));

        var winner = Assert.Single(results, r => r.StatusCode == 200);
        var losers = results.Where(r => r != winner).ToList();
        Assert.All(losers, r => r.ExpectError(409, "SLOT_UNAVAILABLE"));
        Assert.All(losers, r => Assert.Equal(winner.Id, r.Error.GetProperty("conflicting_appointment_id").GetString()));
        // Only the winner moved, with its busy interval; every other appointment kept its time.
        var db = server.Services.GetRequiredService<Database>();
        var moved = ids.IndexOf(winner.Id);
        for (var i = 0; i < ids.Count; i++)
        {
            var start = i == moved ? new DateTimeOffset(2030, 4, 2, 14, 0, 0, TimeSpan.Zero) : first.AddMinutes(15 * i);
            Assert.Equal(1, await db.Raw().ScalarAsync<long>(
                "SELECT COUNT(*) FROM appointments a JOIN clinician_busy b ON b.id = a.id WHERE a.id = @id AND a.start_time = @start AND b.busy_start = @start",
                new { id = ids[i], start }));
        }
    }
}

public sealed class DoubleBookingRaceTestsOnSqlite(SqliteServer server) : DoubleBookingRaceTests(server);
public sealed class DoubleBookingRaceTestsOnPostgres(PostgresServer server) : DoubleBookingRaceTests(server);
