using System.Text.Json;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Series;

/// <summary>Recurring series (docs/series.md): booked all or nothing through the ordinary booking path, read and cancelled as one.</summary>
public abstract class AppointmentSeriesTests(LeapFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A weekly series body: <paramref name="count"/> Mondays from 8 June 2026 at 11:00 London (10:00Z), 30 minutes.</summary>
    private static Dictionary<string, object?> Weekly(Clinic c, string patient, int count = 4, string start = "2026-06-08T10:00:00Z", object? recurrence = null) => new()
    {
        ["title"] = "Physiotherapy", ["patient_id"] = patient, ["appointment_type_id"] = c.Template, ["clinician_profile_id"] = c.Clinician,
        ["location_id"] = c.Location, ["start_time"] = start, ["end_time"] = Clinic.At(start).AddMinutes(30).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
        ["recurrence"] = recurrence ?? new { frequency = "weekly", count },
    };

    private static List<string> Starts(JsonElement series) =>
        series.GetProperty("appointments").EnumerateArray().Select(a => a.GetProperty("start_time").GetString()!).ToList();

    private static Task<long> CountAsync(TestTenant t, string sql) => t.Db.ScalarAsync<long>(sql);

    [Fact]
    public async Task A_weekly_series_keeps_the_london_wall_clock_across_both_clock_changes_and_is_read_back_and_listed()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        await c.Api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "appointment_series.created", "appointment.created" } });
        var patient = await c.T.CreatePatientAsync();
        // 09:00 London on Monday 22 March 2027 (GMT), across the change of 28 March to BST.
        var spring = (await c.Api.PostAsync("appointment-series", Weekly(c, patient, count: 3, start: "2027-03-22T09:00:00Z"))).Expect(201);
        Assert.StartsWith("ser_", spring.Id);
        Assert.Equal(["2027-03-22T09:00:00Z", "2027-03-29T08:00:00Z", "2027-04-05T08:00:00Z"], Starts(spring.Data));
        Assert.Equal("Europe/London", spring.Data.GetProperty("time_zone").GetString());
        Assert.Equal("weekly", spring.Data.GetProperty("recurrence").GetProperty("frequency").GetString());
        Assert.All(spring.Data.GetProperty("appointments").EnumerateArray(), a =>
        {
            Assert.Equal(spring.Id, a.GetProperty("series_id").GetString());
            Assert.Equal("confirmed", a.GetProperty("status").GetString());
            Assert.Equal(30, a.GetProperty("duration_minutes").GetInt32());
        });
        Assert.False(spring.Data.TryGetProperty("skipped", out _));
        // 09:30 London on Monday 25 October 2027 (BST), across the change of 31 October back to GMT.
        var autumn = (await c.Api.PostAsync("appointment-series", Weekly(c, patient, count: 2, start: "2027-10-25T08:30:00Z"))).Expect(201);
        Assert.Equal(["2027-10-25T08:30:00Z", "2027-11-01T09:30:00Z"], Starts(autumn.Data));

        var read = (await c.Api.GetAsync($"appointment-series/{spring.Id}")).Expect(200).Data;
        Assert.Equal(Starts(spring.Data), Starts(read));
        var listed = (await c.Api.GetAsync($"appointments?series_id={spring.Id}")).Expect(200);
        Assert.Equal(spring.Data.GetProperty("appointments").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList(), listed.Ids());
        Assert.Equal(5, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE series_id IS NOT NULL AND {TenantSql.Filter}"));
        Assert.Equal(5, await CountAsync(c.T, $"SELECT COUNT(*) FROM clinician_busy WHERE kind = 'appointment' AND {TenantSql.Filter}"));

        await c.T.RoutedAsync();
        var events = await c.T.Db.ListAsync<string>($"SELECT type FROM webhook_events WHERE {TenantSql.Filter} ORDER BY id");
        Assert.Equal(2, events.Count(e => e == "appointment_series.created"));
        Assert.Equal(5, events.Count(e => e == "appointment.created"));
    }

    [Fact]
    public async Task Daily_and_monthly_rules_with_until_expand_in_the_location_zone()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        var daily = (await c.Api.PostAsync("appointment-series",
            Weekly(c, patient, recurrence: new { frequency = "daily", interval = 2, until = "2026-06-14" }))).Expect(201).Data;
        Assert.Equal(["2026-06-08T10:00:00Z", "2026-06-10T10:00:00Z", "2026-06-12T10:00:00Z", "2026-06-14T10:00:00Z"], Starts(daily));
        var monthly = (await c.Api.PostAsync("appointment-series",
            Weekly(c, patient, start: "2026-12-31T15:00:00Z", recurrence: new { frequency = "monthly", count = 3 }))).Expect(201).Data;
        // 31 December at 15:00 GMT; February and April have no 31st; March's is in BST.
        Assert.Equal(["2026-12-31T15:00:00Z", "2027-01-31T15:00:00Z", "2027-03-31T14:00:00Z"], Starts(monthly));
        var weekdays = (await c.Api.PostAsync("appointment-series",
            Weekly(c, patient, start: "2026-07-06T10:00:00Z", recurrence: new { frequency = "weekly", count = 3, by_weekday = new[] { "thursday", "monday" } }))).Expect(201).Data;
        Assert.Equal(["2026-07-06T10:00:00Z", "2026-07-09T10:00:00Z", "2026-07-13T10:00:00Z"], Starts(weekdays));
        Assert.Equal(["monday", "thursday"], weekdays.GetProperty("recurrence").GetProperty("by_weekday").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public async Task Bad_rules_are_422_and_book_nothing()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        foreach (var (recurrence, field) in new (object?, string)[]
        {
            (new { frequency = "weekly", count = 53 }, "recurrence.count"),
            (new { frequency = "weekly", until = "2027-06-30" }, "recurrence.until"),
            (new { frequency = "weekly", count = 2, until = "2026-07-01" }, "recurrence.until"),
            (new { frequency = "weekly" }, "recurrence.count"),
            (new { frequency = "hourly", count = 2 }, "recurrence.frequency"),
            (new { frequency = "weekly", count = 2, by_weekday = new[] { "tuesday" } }, "recurrence.by_weekday"),
            (new { frequency = "monthly", count = 2, by_weekday = new[] { "monday" } }, "recurrence.by_weekday"),
            (new { frequency = "weekly", count = 2, by_weekday = new[] { "funday" } }, "recurrence.by_weekday"),
            (new { frequency = "daily", count = 2, interval = 0 }, "recurrence.interval"),
        })
        {
            var refused = (await c.Api.PostAsync("appointment-series", Weekly(c, patient, recurrence: recurrence))).ExpectError(422, "VALIDATION_ERROR");
            Assert.Equal([field], refused.ErrorFields);
        }
        var noRule = Weekly(c, patient);
        noRule.Remove("recurrence");
        noRule.Remove("location_id");
        Assert.Equal(["location_id", "recurrence"], (await c.Api.PostAsync("appointment-series", noRule)).ExpectError(422, "VALIDATION_ERROR").ErrorFields.Order());
        Assert.Equal(0, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE {TenantSql.Filter}"));
        Assert.Equal(0, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointment_series WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task A_clash_books_nothing_and_names_each_clashing_occurrence_and_what_takes_it()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        var booked = await c.BookAsync("2026-06-15T10:15:00Z", "2026-06-15T10:45:00Z");
        var hold = (await c.HoldAsync("2026-06-22T10:00:00Z")).Expect(201).Id;

        var refused = (await c.Api.PostAsync("appointment-series", Weekly(c, patient))).ExpectError(409, "SERIES_CONFLICT");
        Assert.Contains("2 of the 4 occurrences", refused.Error.GetProperty("message").GetString());
        var conflicts = refused.Error.GetProperty("details").GetProperty("conflicts").EnumerateArray().ToList();
        Assert.Equal(2, conflicts.Count);
        Assert.Equal("2026-06-15T10:00:00Z", conflicts[0].GetProperty("start_time").GetString());
        Assert.Equal("2026-06-15T10:30:00Z", conflicts[0].GetProperty("end_time").GetString());
        Assert.Equal("appointment", conflicts[0].GetProperty("conflict_type").GetString());
        Assert.Equal(booked, conflicts[0].GetProperty("conflicting_appointment_id").GetString());
        Assert.Equal("2026-06-22T10:00:00Z", conflicts[1].GetProperty("start_time").GetString());
        Assert.Equal("hold", conflicts[1].GetProperty("conflict_type").GetString());
        Assert.Equal(hold, conflicts[1].GetProperty("conflicting_hold_id").GetString());
        Assert.Equal("2026-06-01T08:15:00Z", conflicts[1].GetProperty("hold_expires_at").GetString());
        Assert.False(conflicts[1].TryGetProperty("conflicting_appointment_id", out _));

        // Nothing of the series was written: only the single booking and the hold take the clinician's time.
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE {TenantSql.Filter}"));
        Assert.Equal(0, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointment_series WHERE {TenantSql.Filter}"));
        Assert.Equal(2, await CountAsync(c.T, $"SELECT COUNT(*) FROM clinician_busy WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task Skip_conflicts_books_the_free_occurrences_and_lists_the_skipped_ones()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        var booked = await c.BookAsync("2026-06-15T10:00:00Z", "2026-06-15T10:30:00Z");
        var body = Weekly(c, patient);
        body["skip_conflicts"] = true;

        var series = (await c.Api.PostAsync("appointment-series", body)).Expect(201);
        Assert.Equal(["2026-06-08T10:00:00Z", "2026-06-22T10:00:00Z", "2026-06-29T10:00:00Z"], Starts(series.Data));
        var skipped = Assert.Single(series.Data.GetProperty("skipped").EnumerateArray());
        Assert.Equal("2026-06-15T10:00:00Z", skipped.GetProperty("start_time").GetString());
        Assert.Equal(booked, skipped.GetProperty("conflicting_appointment_id").GetString());
        Assert.Equal(3, (await c.Api.GetAsync($"appointments?series_id={series.Id}")).Expect(200).Ids().Count);
        Assert.Equal(4, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE {TenantSql.Filter}"));

        // When every occurrence clashes there is nothing to book: still a 409, nothing written.
        var again = Weekly(c, await c.T.CreatePatientAsync(), count: 2);
        again["skip_conflicts"] = true;
        var refused = (await c.Api.PostAsync("appointment-series", again)).ExpectError(409, "SERIES_CONFLICT");
        Assert.Equal(2, refused.Error.GetProperty("details").GetProperty("conflicts").GetArrayLength());
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointment_series WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task Cancel_following_then_all_frees_the_time_and_single_occurrences_keep_their_own_actions()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        var series = (await c.Api.PostAsync("appointment-series", Weekly(c, patient))).Expect(201);
        var ids = series.Data.GetProperty("appointments").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();

        // One occurrence alone, with the ordinary actions: move the second, cancel the first.
        (await c.Api.PatchAsync($"appointments/{ids[1]}", new { start_time = "2026-06-16T10:00:00Z" })).Expect(200);
        (await c.Api.PostAsync($"appointments/{ids[0]}/cancel", new { cancellation_reason = "Unwell" })).Expect(200);

        var following = (await c.Api.PostAsync($"appointment-series/{series.Id}/cancel",
            new { scope = "following", from_appointment_id = ids[2], cancellation_reason = "Course shortened" }, Guid.NewGuid().ToString())).Expect(200).Data;
        var statuses = following.GetProperty("appointments").EnumerateArray().ToDictionary(a => a.GetProperty("id").GetString()!, a => a.GetProperty("status").GetString());
        Assert.Equal(["cancelled", "confirmed", "cancelled", "cancelled"], ids.Select(id => statuses[id]));
        Assert.Equal("Course shortened", following.GetProperty("appointments")[3].GetProperty("cancellation_reason").GetString());
        await c.BookAsync("2026-06-29T10:00:00Z", "2026-06-29T10:30:00Z");

        var other = (await c.Api.PostAsync("appointment-series", Weekly(c, patient, count: 1, start: "2026-07-06T10:00:00Z"))).Expect(201).Id;
        var foreign = (await c.Api.PostAsync($"appointment-series/{other}/cancel", new { scope = "following", from_appointment_id = ids[2] }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["from_appointment_id"], foreign.ErrorFields);
        Assert.Equal(["from_appointment_id"], (await c.Api.PostAsync($"appointment-series/{other}/cancel", new { scope = "following" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);

        var all = (await c.Api.PostAsync($"appointment-series/{series.Id}/cancel", new { scope = "all" })).Expect(200).Data;
        Assert.All(all.GetProperty("appointments").EnumerateArray(), a => Assert.Equal("cancelled", a.GetProperty("status").GetString()));
        Assert.Equal("2026-06-16T10:00:00Z", all.GetProperty("appointments")[1].GetProperty("start_time").GetString());
        (await c.Api.PostAsync($"appointment-series/{series.Id}/cancel", new { scope = "all" })).ExpectError(409, "INVALID_STATE");
        Assert.Equal(0, await CountAsync(c.T,
            $"SELECT COUNT(*) FROM clinician_busy b JOIN appointments a ON a.id = b.id AND {TenantSql.Of("a")} WHERE a.series_id = '{series.Id}' AND {TenantSql.Of("b")}"));
    }

    [Fact]
    public async Task Moving_following_or_all_by_an_offset_keeps_the_wall_clock_and_a_clash_moves_nothing()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        // 10:00 London on three Mondays across the change of 25 October 2026 back to GMT.
        var series = (await c.Api.PostAsync("appointment-series", Weekly(c, patient, count: 3, start: "2026-10-19T09:00:00Z"))).Expect(201);
        Assert.Equal(["2026-10-19T09:00:00Z", "2026-10-26T10:00:00Z", "2026-11-02T10:00:00Z"], Starts(series.Data));
        var ids = series.Data.GetProperty("appointments").EnumerateArray().Select(a => a.GetProperty("id").GetString()!).ToList();
        var blocker = await c.BookAsync("2026-11-02T11:00:00Z", "2026-11-02T11:30:00Z");

        var refused = (await c.Api.PostAsync($"appointment-series/{series.Id}/move", new { scope = "following", from_appointment_id = ids[1], offset_minutes = 60 }))
            .ExpectError(409, "SERIES_CONFLICT");
        var conflict = Assert.Single(refused.Error.GetProperty("details").GetProperty("conflicts").EnumerateArray());
        Assert.Equal("2026-11-02T11:00:00Z", conflict.GetProperty("start_time").GetString());
        Assert.Equal(blocker, conflict.GetProperty("conflicting_appointment_id").GetString());
        Assert.Equal(Starts(series.Data), Starts((await c.Api.GetAsync($"appointment-series/{series.Id}")).Expect(200).Data));

        // A quarter of an hour later: each occurrence overlaps its own old time, which is no clash.
        var moved = (await c.Api.PostAsync($"appointment-series/{series.Id}/move", new { scope = "all", offset_minutes = 15 }, Guid.NewGuid().ToString())).Expect(200).Data;
        Assert.Equal(["2026-10-19T09:15:00Z", "2026-10-26T10:15:00Z", "2026-11-02T10:15:00Z"], Starts(moved));
        Assert.Equal(3, await CountAsync(c.T, $"SELECT COUNT(*) FROM clinician_busy b JOIN appointments a ON a.id = b.id AND {TenantSql.Of("a")} " +
            $"WHERE a.series_id = '{series.Id}' AND b.busy_start = a.start_time AND {TenantSql.Of("b")}"));

        // A day later, each occurrence of a daily series onto the next one's old time.
        var daily = (await c.Api.PostAsync("appointment-series", Weekly(c, patient, start: "2026-12-01T10:00:00Z", recurrence: new { frequency = "daily", count = 3 }))).Expect(201).Id;
        var shifted = (await c.Api.PostAsync($"appointment-series/{daily}/move", new { scope = "all", offset_minutes = 24 * 60 })).Expect(200).Data;
        Assert.Equal(["2026-12-02T10:00:00Z", "2026-12-03T10:00:00Z", "2026-12-04T10:00:00Z"], Starts(shifted));
        Assert.Equal(["offset_minutes"], (await c.Api.PostAsync($"appointment-series/{daily}/move", new { scope = "all", offset_minutes = 0 }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
    }

    [Fact]
    public async Task The_same_key_replays_the_series_and_another_body_with_it_is_409()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await c.Api.PostAsync("appointment-series", Weekly(c, patient), key)).Expect(201);
        var replay = (await c.Api.PostAsync("appointment-series", Weekly(c, patient), key)).Expect(201);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, replay.Raw);
        (await c.Api.PostAsync("appointment-series", Weekly(c, patient, count: 3), key)).ExpectError(409, "CONFLICT");
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointment_series WHERE {TenantSql.Filter}"));
        Assert.Equal(4, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task Another_organisations_series_is_not_found()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var series = (await c.Api.PostAsync("appointment-series", Weekly(c, await c.T.CreatePatientAsync()))).Expect(201).Id;
        var other = c.Server.Api(await server.NewTenantAsync());
        (await other.GetAsync($"appointment-series/{series}")).ExpectError(404, "NOT_FOUND");
        (await other.PostAsync($"appointment-series/{series}/cancel", new { scope = "all" })).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await other.GetAsync($"appointments?series_id={series}")).Expect(200).Ids());
        Assert.Equal(4, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE status = 'confirmed' AND {TenantSql.Filter}"));
    }
}

public sealed class AppointmentSeriesTestsOnSqlite(SqliteServer server) : AppointmentSeriesTests(server);
public sealed class AppointmentSeriesTestsOnPostgres(PostgresServer server) : AppointmentSeriesTests(server);
