using System.Text.Json;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>
/// Slot generation through GET /availability, /availability/next and /availability/verify, on a server whose
/// clock each test sets. The week of 2026-06-08 is British Summer Time (UTC+1): a 09:00 session starts at 08:00Z.
/// </summary>
public abstract class AvailabilityTests(LeapFixture server)
{
    private static readonly string[] EveryDay = [.. Clinic.Weekdays, "saturday", "sunday"];
    private static readonly DateTimeOffset WeekBefore = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private Task<Clinic> OpenAsync(DateTimeOffset now, int duration = 30, int bufferBefore = 0, int bufferAfter = 0, int minNotice = 0, int maxAdvance = 90,
        string[]? days = null) =>
        Clinic.OpenAsync(server, now, duration, bufferBefore, bufferAfter, minNotice, maxAdvance, days);

    [Fact]
    public async Task Slots_fill_the_session_every_15_minutes_in_the_locations_local_time()
    {
        await using var c = await OpenAsync(WeekBefore);
        var result = (await c.Api.GetAsync($"availability?appointment_template_id={c.Template}&date_from=2026-06-08&date_to=2026-06-08")).Expect(200);

        var slots = result.Data.GetProperty("slots").EnumerateArray().ToList();
        // 09:00-17:00 BST is 08:00Z-16:00Z; a 30-minute slot must end by 16:00Z.
        Assert.Equal(Clinic.Every("2026-06-08T08:00:00Z", "2026-06-08T15:30:00Z"), Clinic.Starts(slots));
        var first = slots[0];
        Assert.Equal("2026-06-08T08:30:00Z", first.GetProperty("end_time").GetString());
        Assert.Equal(c.Clinician, first.GetProperty("clinician_profile_id").GetString());
        Assert.Equal("Dr Avail", first.GetProperty("clinician_name").GetString());
        Assert.Equal(c.Location, first.GetProperty("location_id").GetString());
        Assert.Equal(c.Template, first.GetProperty("appointment_template_id").GetString());
        Assert.True(first.GetProperty("is_available").GetBoolean());
        Assert.Equal("2026-06-08", result.Data.GetProperty("date_range").GetProperty("from").GetString());
        Assert.Equal("2026-06-08", result.Data.GetProperty("date_range").GetProperty("to").GetString());
        Assert.Equal(["request_id"], result.Meta.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Weekly_sessions_follow_their_validity_and_one_off_sessions_add_a_date()
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync("Dr Rota", locationIds: location);
        await t.CreateSessionsAsync(clinician, location, "09:00", "17:00", Clinic.Weekdays, validFrom: new DateOnly(2026, 6, 9), validUntil: new DateOnly(2026, 6, 10));
        await t.CreateSessionsAsync(clinician, location, "10:00", "12:00", date: new DateOnly(2026, 6, 13));
        var template = await t.CreateTemplateAsync(minNoticeMinutes: 0);
        await using var clocked = ClockedServer.Start(server, WeekBefore);

        var slots = (await clocked.Api(t).GetAsync($"availability?appointment_template_id={template}&date_from=2026-06-08&date_to=2026-06-14")).Expect(200)
            .Data.GetProperty("slots").EnumerateArray();
        var byDay = Clinic.Starts(slots).GroupBy(s => s[..10]).ToDictionary(g => g.Key, g => g.Count());
        // Tuesday and Wednesday only (valid_from/valid_until), and the one-off Saturday 10:00-12:00 BST.
        Assert.Equal(new Dictionary<string, int> { ["2026-06-09"] = 31, ["2026-06-10"] = 31, ["2026-06-13"] = 7 }, byDay);
    }

    [Fact]
    public async Task Booked_time_and_its_buffers_are_never_offered_and_cancelling_frees_it()
    {
        await using var c = await OpenAsync(WeekBefore);
        var procedure = await c.T.CreateTemplateAsync("Procedure", 30, bufferBefore: 5, bufferAfter: 10, minNoticeMinutes: 0);
        // Busy 08:55Z-09:40Z with its buffers.
        var booked = await c.BookAsync("2026-06-08T09:00:00Z", "2026-06-08T09:30:00Z", procedure);

        var consult = await c.StartsAsync("2026-06-08", "2026-06-08");
        Assert.Contains("2026-06-08T08:15:00Z", consult);
        Assert.Contains("2026-06-08T09:45:00Z", consult);
        Assert.DoesNotContain(consult, s => string.CompareOrdinal(s, "2026-06-08T08:30:00Z") >= 0 && string.CompareOrdinal(s, "2026-06-08T09:30:00Z") <= 0);

        // A buffered template needs [t - 5, t + 40) clear and inside the session: 08:15Z touches the booking's
        // buffer, 09:45Z starts where it ends; the first slot of the day is 08:15Z, the last 15:15Z.
        var withBuffers = await c.StartsAsync("2026-06-08", "2026-06-08", procedure);
        Assert.Equal("2026-06-08T08:15:00Z", withBuffers[0]);
        Assert.Equal("2026-06-08T09:45:00Z", withBuffers[1]);
        Assert.Equal("2026-06-08T15:15:00Z", withBuffers[^1]);

        (await c.Api.PostAsync($"appointments/{booked}/cancel")).Expect(200);
        Assert.Equal(Clinic.Every("2026-06-08T08:00:00Z", "2026-06-08T15:30:00Z"), await c.StartsAsync("2026-06-08", "2026-06-08"));
    }

    [Fact]
    public async Task Minimum_notice_and_maximum_advance_bound_the_slots()
    {
        // Monday 10:07 BST; one hour's notice and seven days ahead at most.
        await using var c = await OpenAsync(new DateTimeOffset(2026, 6, 8, 9, 7, 0, TimeSpan.Zero), minNotice: 60, maxAdvance: 7);
        var starts = await c.StartsAsync("2026-06-08", "2026-06-16");
        Assert.Equal("2026-06-08T10:15:00Z", starts[0]);
        Assert.Equal("2026-06-15T09:00:00Z", starts[^1]);
        Assert.DoesNotContain(starts, s => s.StartsWith("2026-06-16", StringComparison.Ordinal));
        Assert.Empty(await c.StartsAsync("2026-06-01", "2026-06-07"));
    }

    [Fact]
    public async Task Blocks_remove_the_time_they_cover()
    {
        await using var c = await OpenAsync(WeekBefore);
        await c.T.CreateBlockAsync(c.Clinician, Clinic.At("2026-06-09T11:00:00Z"), Clinic.At("2026-06-09T13:00:00Z"), "training");
        await c.T.CreateBlockAsync(c.Clinician, Clinic.At("2026-06-09T23:00:00Z"), Clinic.At("2026-06-10T23:00:00Z"), "leave");

        var starts = await c.StartsAsync("2026-06-09", "2026-06-10");
        Assert.Contains("2026-06-09T10:30:00Z", starts);
        Assert.Contains("2026-06-09T13:00:00Z", starts);
        Assert.DoesNotContain(starts, s => string.CompareOrdinal(s, "2026-06-09T10:45:00Z") >= 0 && string.CompareOrdinal(s, "2026-06-09T12:45:00Z") <= 0);
        Assert.DoesNotContain(starts, s => s.StartsWith("2026-06-10", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_active_bookable_clinicians_at_active_locations_are_offered_and_filters_narrow_them()
    {
        var t = await server.NewTenantAsync();
        var north = await t.CreateLocationAsync("North");
        var south = await t.CreateLocationAsync("South");
        var closed = await t.CreateLocationAsync("Closed", active: false);
        var ada = await t.CreateClinicianAsync("Dr Ada", locationIds: north);
        var bea = await t.CreateClinicianAsync("Dr Bea", locationIds: south);
        var offline = await t.CreateClinicianAsync("Dr Offline", bookableOnline: false, locationIds: north);
        var retired = await t.CreateClinicianAsync("Dr Retired", active: false, locationIds: north);
        var elsewhere = await t.CreateClinicianAsync("Dr Elsewhere", locationIds: closed);
        foreach (var (clinician, location) in new[] { (ada, north), (bea, south), (offline, north), (retired, north), (elsewhere, closed) })
        {
            await t.CreateSessionsAsync(clinician, location, "09:00", "10:00", ["monday"]);
        }
        var template = await t.CreateTemplateAsync(minNoticeMinutes: 0);
        await using var clocked = ClockedServer.Start(server, WeekBefore);
        var api = clocked.Api(t);
        async Task<List<(string Start, string Clinician, string Location)>> Slots(string extra = "") =>
            (await api.GetAsync($"availability?appointment_template_id={template}&date_from=2026-06-08&date_to=2026-06-08{extra}")).Expect(200)
                .Data.GetProperty("slots").EnumerateArray()
                .Select(s => (s.GetProperty("start_time").GetString()!, s.GetProperty("clinician_profile_id").GetString()!, s.GetProperty("location_id").GetString()!))
                .ToList();

        // Same start: ordered by clinician name.
        Assert.Equal(
            [("2026-06-08T08:00:00Z", ada, north), ("2026-06-08T08:00:00Z", bea, south), ("2026-06-08T08:15:00Z", ada, north), ("2026-06-08T08:15:00Z", bea, south),
             ("2026-06-08T08:30:00Z", ada, north), ("2026-06-08T08:30:00Z", bea, south)],
            await Slots());
        Assert.All(await Slots($"&clinician_profile_id={bea}"), s => Assert.Equal(bea, s.Clinician));
        Assert.All(await Slots($"&location_id={north}"), s => Assert.Equal(ada, s.Clinician));
        Assert.Empty(await Slots($"&clinician_profile_id={ada}&location_id={south}"));

        var refused = (await api.GetAsync($"availability?appointment_template_id={template}&date_from=2026-06-08&date_to=2026-06-08&clinician_profile_id={offline}&location_id={closed}"))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["clinician_profile_id", "location_id"], refused.ErrorFields.Order());
        Assert.Contains("not bookable online", refused.Raw);
        Assert.Contains("not active", refused.Raw);
        (await api.GetAsync($"availability?appointment_template_id={template}&date_from=2026-06-08&date_to=2026-06-08&clinician_profile_id={retired}"))
            .ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Spring_clock_change_keeps_local_session_times_and_shortens_the_night()
    {
        // Sunday 29 March 2026: at 01:00 GMT the UK clocks go forward to 02:00 BST.
        await using var c = await OpenAsync(new DateTimeOffset(2026, 3, 23, 8, 0, 0, TimeSpan.Zero), duration: 15, days: EveryDay);
        await c.T.CreateSessionsAsync(c.Clinician, c.Location, "00:00", "04:00", EveryDay);
        var starts = await c.StartsAsync("2026-03-28", "2026-03-29");

        Assert.Equal(
            Clinic.Every("2026-03-28T00:00:00Z", "2026-03-28T03:45:00Z")            // Saturday night: four hours
                .Concat(Clinic.Every("2026-03-28T09:00:00Z", "2026-03-28T16:45:00Z"))  // Saturday 09:00-17:00 GMT
                .Concat(Clinic.Every("2026-03-29T00:00:00Z", "2026-03-29T02:45:00Z"))  // 00:00 GMT to 04:00 BST: three hours
                .Concat(Clinic.Every("2026-03-29T08:00:00Z", "2026-03-29T15:45:00Z")), // Sunday 09:00-17:00 BST
            starts);
    }

    [Fact]
    public async Task Autumn_clock_change_keeps_local_session_times_and_lengthens_the_night()
    {
        // Sunday 25 October 2026: at 02:00 BST the UK clocks go back to 01:00 GMT.
        await using var c = await OpenAsync(new DateTimeOffset(2026, 10, 19, 8, 0, 0, TimeSpan.Zero), duration: 15, days: EveryDay);
        await c.T.CreateSessionsAsync(c.Clinician, c.Location, "00:00", "04:00", EveryDay);

        Assert.Equal(
            Clinic.Every("2026-10-23T23:00:00Z", "2026-10-24T02:45:00Z")              // Saturday 00:00-04:00 BST
                .Concat(Clinic.Every("2026-10-24T08:00:00Z", "2026-10-24T15:45:00Z"))  // Saturday 09:00-17:00 BST
                .Concat(Clinic.Every("2026-10-24T23:00:00Z", "2026-10-25T03:45:00Z"))  // 00:00 BST to 04:00 GMT: five hours
                .Concat(Clinic.Every("2026-10-25T09:00:00Z", "2026-10-25T16:45:00Z")), // Sunday 09:00-17:00 GMT
            await c.StartsAsync("2026-10-24", "2026-10-25"));
        // Dates are the location's local dates: Sunday's first slot is 23:00Z on Saturday.
        Assert.Equal("2026-10-24T23:00:00Z", (await c.StartsAsync("2026-10-25", "2026-10-25"))[0]);
    }

    [Fact]
    public async Task A_session_starting_in_the_skipped_hour_starts_when_the_clock_resumes()
    {
        await using var c = await OpenAsync(new DateTimeOffset(2026, 3, 23, 8, 0, 0, TimeSpan.Zero), duration: 15, days: []);
        // 01:30 does not exist on 29 March 2026 in London: it is read as 02:30 BST (01:30Z); 03:00 BST is 02:00Z.
        await c.T.CreateSessionsAsync(c.Clinician, c.Location, "01:30", "03:00", date: new DateOnly(2026, 3, 29));
        Assert.Equal(["2026-03-29T01:30:00Z", "2026-03-29T01:45:00Z"], await c.StartsAsync("2026-03-29", "2026-03-29"));
    }

    [Theory]
    [InlineData("", "appointment_template_id,date_from,date_to")]
    [InlineData("date_from=2026-06-10&date_to=2026-06-09&appointment_template_id={T}", "date_to")]
    [InlineData("date_from=2026-06-01&date_to=2026-06-16&appointment_template_id={T}", "date_to")]
    [InlineData("date_from=08/06/2026&date_to=2026-06-09&appointment_template_id={T}", "date_from")]
    [InlineData("date_from=2026-06-08&date_to=2026-02-30&appointment_template_id={T}", "date_to")]
    [InlineData("date_from=2026-06-08&date_to=2026-06-09&appointment_template_id=tmpl_nope", "appointment_template_id")]
    [InlineData("date_from=2026-06-08&date_to=2026-06-09&appointment_template_id=tmpl_00000000-0000-7000-8000-000000000000", "appointment_template_id")]
    [InlineData("date_from=2026-06-08&date_to=2026-06-09&appointment_template_id={T}&clinician_profile_id=cli_00000000-0000-7000-8000-000000000000&location_id=loc_00000000-0000-7000-8000-000000000000", "clinician_profile_id,location_id")]
    [InlineData("date_from=2026-06-08&date_from=2026-06-09&date_to=2026-06-09&appointment_template_id={T}", "date_from")]
    public async Task Bad_parameters_are_422_naming_each(string query, string fields)
    {
        await using var c = await OpenAsync(WeekBefore);
        var result = (await c.Api.GetAsync("availability?" + query.Replace("{T}", c.Template, StringComparison.Ordinal))).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(fields.Split(','), result.ErrorFields.Order());
    }

    [Fact]
    public async Task Range_of_exactly_14_days_is_accepted_and_unknown_parameters_are_400()
    {
        await using var c = await OpenAsync(WeekBefore);
        // Eleven weekdays from Monday 1 June to Monday 15 June; a slot starting right now (08:00Z) still counts.
        Assert.Equal(11 * 31, (await c.SlotsAsync("2026-06-01", "2026-06-15")).Count);
        var unknown = (await c.Api.GetAsync($"availability?appointment_template_id={c.Template}&date_from=2026-06-08&date_to=2026-06-08&limit=5"))
            .ExpectError(400, "BAD_REQUEST");
        Assert.Equal(["limit"], unknown.ErrorFields);
    }

    [Fact]
    public async Task Templates_of_another_organisation_inactive_or_not_online_are_refused()
    {
        await using var c = await OpenAsync(WeekBefore);
        var other = await (await server.NewTenantAsync()).CreateTemplateAsync();
        var inactive = await c.T.CreateTemplateAsync("Retired", active: false);
        var offline = (await c.T.Api.PostAsync("appointment-templates", new { name = "Phone only", allow_online_booking = false })).Expect(201).Id;
        foreach (var (template, words) in new[] { (other, "no appointment template"), (inactive, "not active"), (offline, "not offered online") })
        {
            var result = (await c.Api.GetAsync($"availability?appointment_template_id={template}&date_from=2026-06-08&date_to=2026-06-08")).ExpectError(422, "VALIDATION_ERROR");
            Assert.Contains(words, result.Error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Next_is_the_first_free_slot_or_null()
    {
        // Friday 16:50 BST: nothing more today (one hour's notice), so Monday 09:00 BST.
        await using var c = await OpenAsync(new DateTimeOffset(2026, 6, 12, 15, 50, 0, TimeSpan.Zero), minNotice: 60);
        var next = (await c.Api.GetAsync($"availability/next?appointment_template_id={c.Template}")).Expect(200);
        Assert.Equal("2026-06-15T08:00:00Z", next.Data.GetProperty("start_time").GetString());
        Assert.Equal(c.Clinician, next.Data.GetProperty("clinician_profile_id").GetString());
        Assert.Equal(["request_id"], next.Meta.EnumerateObject().Select(p => p.Name));

        await c.BookAsync("2026-06-15T08:00:00Z", "2026-06-15T08:30:00Z");
        Assert.Equal("2026-06-15T08:30:00Z", (await c.Api.GetAsync($"availability/next?appointment_template_id={c.Template}&clinician_profile_id={c.Clinician}&location_id={c.Location}"))
            .Expect(200).Data.GetProperty("start_time").GetString());

        // A clinician whose only session is 40 days away has nothing within 30 days.
        var later = await c.T.CreateClinicianAsync("Dr Later", locationIds: c.Location);
        await c.T.CreateSessionsAsync(later, c.Location, "09:00", "17:00", date: new DateOnly(2026, 7, 22));
        var none = (await c.Api.GetAsync($"availability/next?appointment_template_id={c.Template}&clinician_profile_id={later}")).Expect(200);
        Assert.Equal(JsonValueKind.Null, none.Data.ValueKind);

        (await c.Api.GetAsync("availability/next")).ExpectError(422, "VALIDATION_ERROR");
        (await c.Api.GetAsync($"availability/next?appointment_template_id={c.Template}&date_from=2026-06-08")).ExpectError(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Verify_answers_whether_one_slot_is_free_and_why_not()
    {
        await using var c = await OpenAsync(new DateTimeOffset(2026, 6, 8, 6, 0, 0, TimeSpan.Zero), minNotice: 120, maxAdvance: 30);
        await c.BookAsync("2026-06-09T10:00:00Z", "2026-06-09T10:30:00Z");
        await c.T.CreateBlockAsync(c.Clinician, Clinic.At("2026-06-10T12:00:00Z"), Clinic.At("2026-06-10T14:00:00Z"));
        var hold = (await c.Api.PostAsync("holds", new { appointment_template_id = c.Template, clinician_profile_id = c.Clinician, start_time = "2026-06-11T09:00:00Z" })).Expect(201).Id;
        async Task<JsonElement> Verify(string start) =>
            (await c.Api.PostAsync("availability/verify", new { start_time = start, appointment_template_id = c.Template, clinician_profile_id = c.Clinician })).Expect(200).Data;

        var free = await Verify("2026-06-09T11:00:00Z");
        Assert.True(free.GetProperty("available").GetBoolean());
        Assert.Equal(JsonValueKind.Null, free.GetProperty("reason").ValueKind);
        Assert.Equal("2026-06-09T11:30:00Z", free.GetProperty("slot").GetProperty("end_time").GetString());
        Assert.Equal(c.Location, free.GetProperty("slot").GetProperty("location_id").GetString());

        foreach (var (start, reason, words) in new[]
        {
            ("2026-06-01T10:00:00Z", "in_the_past", "already passed"),
            ("2026-06-08T07:30:00Z", "too_soon", "2 hours' notice"),
            ("2026-07-09T09:00:00Z", "too_far_ahead", "30 days ahead"),
            ("2026-06-13T10:00:00Z", "outside_sessions", "does not work"),
            ("2026-06-09T15:45:00Z", "outside_sessions", "does not work"),
            ("2026-06-10T13:00:00Z", "blocked", "block blk_"),
            ("2026-06-09T10:15:00Z", "booked", "appointment apt_"),
            ("2026-06-11T09:15:00Z", "held", hold),
        })
        {
            var answer = await Verify(start);
            Assert.False(answer.GetProperty("available").GetBoolean(), start);
            Assert.Equal(reason, answer.GetProperty("reason").GetString());
            Assert.Contains(words, answer.GetProperty("message").GetString());
            Assert.Equal(JsonValueKind.Null, answer.GetProperty("slot").ValueKind);
        }

        var bad = (await c.Api.PostAsync("availability/verify", new { start_time = "tomorrow", clinician_profile_id = "cli_x" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_template_id", "clinician_profile_id", "start_time"], bad.ErrorFields.Order());
    }

}

public sealed class AvailabilityTestsOnSqlite(SqliteServer server) : AvailabilityTests(server);
public sealed class AvailabilityTestsOnPostgres(PostgresServer server) : AvailabilityTests(server);
