using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.ScaleOut;

/// <summary>
/// A series races single bookings of overlapping times, through two real server processes on one PostgreSQL
/// database: whatever order they commit in, no time is booked twice, a series is all or nothing (or skips exactly
/// the taken occurrences), and every loser is a 409.
/// </summary>
public sealed class SeriesRaceTests(PostgresServer database) : TwoProcessTests(database)
{
    private const int Occurrences = 8;
    private const int Rounds = 8;
    [Fact]
    public async Task A_series_racing_single_bookings_of_overlapping_times_never_double_books()
    {
        var t = await Postgres.NewTenantAsync();
        var (a, b) = Servers.Clients(t);
        var location = await t.CreateLocationAsync();
        var patient = await t.CreatePatientAsync();
        var (won, partly, lost, singlesBooked) = (0, 0, 0, 0);
        for (var round = 0; round < Rounds; round++)
        {
            var clinician = await t.CreateClinicianAsync($"Dr Race {round}", locationIds: location);
            var skip = round % 2 == 1;
            // Mondays in British Summer Time: 11:00 London is 10:00Z; each single booking overlaps one occurrence by 15 minutes.
            var mondays = Enumerable.Range(0, Occurrences).Select(w => new DateTimeOffset(2030, 6, 3, 10, 0, 0, TimeSpan.Zero).AddDays(7 * w)).ToList();
            // The series does more work before it claims any time, so the single bookings start a little later each
            // round, and one after another within it: early rounds they win, later ones the series does, in between they interleave.
            var results = await Race.AllAtOnceAsync(Occurrences + 1, async i => i == Occurrences
                ? await (round % 2 == 0 ? a : b).PostAsync("appointment-series", new
                {
                    title = "Course", patient_id = patient, clinician_profile_id = clinician, location_id = location,
                    start_time = Iso(mondays[0]), end_time = Iso(mondays[0].AddMinutes(30)),
                    recurrence = new { frequency = "weekly", count = Occurrences }, skip_conflicts = skip,
                }, Guid.NewGuid().ToString())
                : await SingleAfterAsync(TimeSpan.FromMilliseconds(15 * round + 5 * i), () => (i % 2 == 0 ? a : b).PostAsync("appointments", new
                {
                    title = "Walk-in", patient_id = patient, clinician_profile_id = clinician,
                    start_time = Iso(mondays[i].AddMinutes(15)), end_time = Iso(mondays[i].AddMinutes(45)),
                }, Guid.NewGuid().ToString())));

            var series = results[Occurrences];
            var singles = results[..Occurrences];
            Assert.All(results, r => Assert.True(r.StatusCode is 201 or 409, $"round {round}: {r.StatusCode} {r.Raw}"));
            Assert.All(singles.Where(r => r.StatusCode == 409), r => Assert.Equal("SLOT_UNAVAILABLE", r.ErrorCode));
            var occurrences = series.StatusCode == 201 ? series.Data.GetProperty("appointments").GetArrayLength() : 0;
            singlesBooked += singles.Count(r => r.StatusCode == 201);
            if (series.StatusCode == 201)
            {
                _ = occurrences == Occurrences ? won++ : partly++;
                Assert.Equal(skip ? Occurrences - singles.Count(r => r.StatusCode == 201) : Occurrences, occurrences);
                Assert.Equal(Occurrences - occurrences, series.Data.TryGetProperty("skipped", out var skipped) ? skipped.GetArrayLength() : 0);
            }
            else
            {
                lost++;
                Assert.Equal("SERIES_CONFLICT", series.ErrorCode);
            }
            Assert.Equal(Occurrences, occurrences + singles.Count(r => r.StatusCode == 201));

            // The database agrees: one active appointment per Monday, no two of the clinician's overlap, the series' rows only if it won.
            Assert.Equal(Occurrences, await CountAsync(t, clinician, "SELECT COUNT(*) FROM appointments WHERE clinician_profile_id = @clinician AND status = 'confirmed' AND org_id = @OrgId"));
            Assert.Equal(occurrences, await CountAsync(t, clinician, "SELECT COUNT(*) FROM appointments WHERE clinician_profile_id = @clinician AND series_id IS NOT NULL AND org_id = @OrgId"));
            Assert.Equal(series.StatusCode == 201 ? 1 : 0,
                await CountAsync(t, clinician, "SELECT COUNT(*) FROM appointment_series WHERE clinician_profile_id = @clinician AND org_id = @OrgId"));
            Assert.Equal(0, await CountAsync(t, clinician,
                """
                SELECT COUNT(*) FROM appointments x JOIN appointments y ON x.id < y.id AND x.clinician_profile_id = y.clinician_profile_id
                  AND x.start_time < y.end_time AND y.start_time < x.end_time AND y.status = 'confirmed'
                WHERE x.clinician_profile_id = @clinician AND x.status = 'confirmed' AND x.org_id = @OrgId
                """));
        }
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Rounds} rounds: the series booked every occurrence in {won}, the free ones in {partly}, nothing in {lost}; single bookings won {singlesBooked} of {Rounds * Occurrences}.");
    }

    private static async Task<ApiResult> SingleAfterAsync(TimeSpan headStart, Func<Task<ApiResult>> book)
    {
        await Task.Delay(headStart);
        return await book();
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<long> CountAsync(TestTenant t, string clinician, string sql) =>
        await Postgres.Services.GetRequiredService<Database>().Raw().ScalarAsync<long>(sql, new { t.OrgId, clinician });
}
