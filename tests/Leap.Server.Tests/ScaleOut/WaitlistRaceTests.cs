using System.Globalization;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.ScaleOut;

/// <summary>
/// Cancellations racing to offer their slots to one waitlist, through two real server processes (and the fixture's
/// server) on one PostgreSQL database, each routing what it can take: whatever order the offers commit in, one slot is
/// held for one entry at most, one entry holds one slot at most, the best entries get them, and a cancellation sent
/// twice at once is one cancellation and one offer.
/// </summary>
public sealed class WaitlistRaceTests(PostgresServer database) : TwoProcessTests(database)
{
    private const int Rounds = 8;
    private static readonly string[] EveryDay = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    [Fact]
    public async Task Cancellations_racing_across_processes_never_offer_one_slot_twice_nor_one_entry_two_slots()
    {
        var t = await Postgres.NewTenantAsync();
        var (a, b) = Servers.Clients(t);
        (await a.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "waitlist.offered" } })).Expect(201);
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync("Dr Race", locationIds: location);
        await t.CreateSessionsAsync(clinician, location, "09:00", "17:00", EveryDay);
        var booker = await t.CreatePatientAsync();
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var (freed, offered, doubleCancels) = (0, 0, 0);
        for (var round = 0; round < Rounds; round++)
        {
            // Even rounds free more slots than there are entries, odd rounds fewer.
            var (slots, entries) = round % 2 == 0 ? (6, 4) : (2, 3);
            var template = await t.CreateTemplateAsync($"Race {round}", 30);
            var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3 + round);
            var starts = Enumerable.Range(0, slots)
                .Select(i => new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(9 + i, 0)), london), TimeSpan.Zero)).ToList();
            var waiting = new List<string>();
            for (var i = 0; i < entries; i++)
            {
                waiting.Add((await a.PostAsync("waitlist-entries", new { patient_id = await t.CreatePatientAsync(), appointment_template_id = template, priority = entries - i }))
                    .Expect(201).Id);
            }
            var appointments = new List<string>();
            foreach (var start in starts)
            {
                appointments.Add((await b.PostAsync("appointments", new
                {
                    title = "To cancel", patient_id = booker, appointment_type_id = template, clinician_profile_id = clinician, location_id = location,
                    start_time = Iso(start), end_time = Iso(start.AddMinutes(30)),
                })).Expect(201).Id);
            }
            await t.RoutedAsync();

            // Every slot cancelled at once, alternately through each process; the first also a second time through the other.
            var results = await Race.AllAtOnceAsync(slots + 1, i => (i % 2 == 0 ? a : b).PostAsync(
                $"appointments/{appointments[i == slots ? 0 : i]}/cancel", new { cancellation_reason = "Race" }, Guid.NewGuid().ToString()));
            Assert.All(results, r => Assert.True(r.StatusCode is 200 or 409, $"round {round}: {r.StatusCode} {r.Raw}"));
            Assert.Equal(slots, results.Count(r => r.StatusCode == 200));
            Assert.Equal("INVALID_STATE", Assert.Single(results, r => r.StatusCode == 409).ErrorCode);
            doubleCancels++;
            await t.RoutedAsync();

            var offers = await t.Db.ListAsync<(string Id, string Status, string? HoldId, DateTimeOffset? Start)>(
                $"""
                SELECT e.id, e.status, e.hold_id, h.start_time AS start FROM waitlist_entries e LEFT JOIN holds h ON h.id = e.hold_id AND {TenantSql.Of("h")}
                WHERE e.appointment_template_id = @template AND {TenantSql.Of("e")} ORDER BY e.priority DESC
                """, new { template });
            var expected = Math.Min(slots, entries);
            // The best entries, each holding one distinct freed slot; the rest still waiting.
            Assert.Equal(Enumerable.Repeat("offered", expected).Concat(Enumerable.Repeat("waiting", entries - expected)), offers.Select(o => o.Status));
            var held = offers.Where(o => o.HoldId is not null).ToList();
            Assert.Equal(expected, held.Select(o => o.HoldId).Distinct().Count());
            Assert.Equal(expected, held.Select(o => o.Start).Distinct().Count());
            Assert.All(held, o => Assert.Contains(o.Start!.Value, starts));
            // The database agrees: one live hold per freed slot at most, and no two of the clinician's live intervals overlap.
            Assert.Equal(expected, await t.Db.ScalarAsync<long>(
                $"SELECT COUNT(*) FROM holds WHERE appointment_template_id = @template AND status = 'active' AND {TenantSql.Filter}", new { template }));
            Assert.Equal(0, await t.Db.ScalarAsync<long>(
                $"""
                SELECT COUNT(*) FROM clinician_busy x JOIN clinician_busy y ON x.id < y.id AND x.clinician_id = y.clinician_id
                  AND x.busy_start < y.busy_end AND y.busy_start < x.busy_end AND {TenantSql.Of("y")}
                WHERE x.clinician_id = @clinician AND {TenantSql.Of("x")}
                """, new { clinician }));
            freed += slots;
            offered += expected;
        }
        Assert.Equal(offered, await t.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM webhook_events WHERE type = 'waitlist.offered' AND {TenantSql.Filter}"));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Rounds} rounds on two processes: {freed} slots freed at once ({doubleCancels} cancellations also sent twice), {offered} offers made, " +
            "no slot offered twice, no entry offered two slots.");
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
