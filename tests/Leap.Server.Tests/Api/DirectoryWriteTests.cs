using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>
/// The directory and rota written through the API: clinician profiles, locations, sessions, blocks and closures, the
/// services each clinician provides, and edits that would strand booked appointments. The server's clock stands on
/// Monday 2026-06-01; the week after is British Summer Time, so a 09:00 session at a London location starts at 08:00Z.
/// </summary>
public abstract class DirectoryWriteTests(LeapFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private const string Tuesday = "2026-06-09";

    /// <summary>A practice built through the API: a London location, a clinician working Tuesdays 09:00-12:00 there, a 30-minute template.</summary>
    private sealed record Practice(TestTenant T, ClockedServer Server, ApiClient Api, string Location, string Clinician, string Session, string Template)
        : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Server.DisposeAsync();

        public async Task<List<string>> StartsAsync(string? template = null, string extra = "") =>
            Clinic.Starts((await Api.GetAsync($"availability?appointment_template_id={template ?? Template}&date_from={Tuesday}&date_to={Tuesday}{extra}"))
                .Expect(200).Data.GetProperty("slots").EnumerateArray());

        public async Task<JsonElement> VerifyAsync(string start, string? clinician = null) =>
            (await Api.PostAsync("availability/verify", new { appointment_template_id = Template, clinician_profile_id = clinician ?? Clinician, start_time = start }))
            .Expect(200).Data;

        public async Task<string> BookAsync(string start, string end) =>
            (await Api.PostAsync("appointments", new
            {
                title = "Booked", patient_id = await T.CreatePatientAsync(), appointment_type_id = Template, clinician_profile_id = Clinician,
                location_id = Location, start_time = start, end_time = end,
            })).Expect(201).Id;
    }

    private async Task<Practice> OpenAsync()
    {
        var t = await server.NewTenantAsync();
        var clocked = ClockedServer.Start(server, Now);
        var api = clocked.Api(t);
        var location = (await api.PostAsync("locations", new { name = "Riverside Surgery", timezone = "Europe/London" })).Expect(201).Id;
        var clinician = (await api.PostAsync("clinician-profiles", new { name = "Dr Rota Example" })).Expect(201).Id;
        var session = (await api.PostAsync($"clinician-profiles/{clinician}/sessions",
            new { location_id = location, weekday = "tuesday", start_time = "09:00", end_time = "12:00" })).Expect(201).Id;
        var template = await t.CreateTemplateAsync("Consultation", 30);
        return new Practice(t, clocked, api, location, clinician, session, template);
    }

    [Fact]
    public async Task A_clinician_profile_is_created_with_every_field_and_changed_by_the_fields_a_patch_sends()
    {
        var t = await server.NewTenantAsync();
        var first = await t.CreateTemplateAsync("First");
        var second = await t.CreateTemplateAsync("Second");
        var created = (await t.Api.PostAsync("clinician-profiles", new
        {
            name = "Dr Ada Example", title = "Dr", first_name = "Ada", last_name = "Example", role = "GP", email = "ada@example.com", bio = "Fictional.\nTwo lines.",
            photo_url = "https://example.com/ada.jpg", qualifications = "MBBS", registration_number = "0000001", professional_registration_body = "GMC",
            is_bookable_online = false, appointment_template_ids = new[] { second, first, second },
        })).Expect(201);
        var id = created.Id;
        Assert.StartsWith("cli_", id);
        var data = created.Data;
        Assert.Equal("Dr Ada Example", data.GetProperty("display_name").GetString());
        Assert.True(data.GetProperty("is_active").GetBoolean());
        Assert.False(data.GetProperty("is_bookable_online").GetBoolean());
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), data.GetProperty("appointment_template_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.False(data.TryGetProperty("stranded_appointment_ids", out _));
        Assert.Equal(data.GetRawText(), (await t.Api.GetAsync($"clinician-profiles/{id}")).Expect(200).Data.GetRawText());

        var patched = (await t.Api.PatchAsync($"clinician-profiles/{id}", new { role = "GP Partner", bio = (string?)null, appointment_template_ids = Array.Empty<string>() }))
            .Expect(200).Data;
        Assert.Equal("GP Partner", patched.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("bio").ValueKind);
        Assert.Equal("Dr Ada Example", patched.GetProperty("name").GetString());
        Assert.Empty(patched.GetProperty("appointment_template_ids").EnumerateArray());
        Assert.Equal(patched.GetRawText(), (await t.Api.GetAsync($"clinician-profiles/{id}")).Expect(200).Data.GetRawText());
        Assert.Equal(0, await t.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM clinician_services WHERE clinician_id = @id AND {TenantSql.Filter}", new { id }));
    }

    [Fact]
    public async Task Bad_clinician_and_location_bodies_are_refused_with_every_field_named_and_nothing_written()
    {
        var t = await server.NewTenantAsync();
        var bad = (await t.Api.PostAsync("clinician-profiles", new
        {
            email = "not-an-email", photo_url = "ftp://example.com/x", is_active = false, is_bookable_online = "yes",
            appointment_template_ids = new[] { "tmpl_0190b2a0-4a1e-7c3d-8e5f-00000000ffff" },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_template_ids", "email", "is_active", "is_bookable_online", "name", "photo_url"], bad.ErrorFields.Order(StringComparer.Ordinal));
        (await t.Api.PostAsync("clinician-profiles", new { name = "X", appointment_template_ids = new[] { "pat_1" } })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Empty((await t.Api.GetAsync("clinician-profiles")).Expect(200).Ids());

        var location = (await t.Api.PostAsync("locations", new { name = "Hillside" })).Expect(201);
        Assert.Equal("Europe/London", location.Data.GetProperty("timezone").GetString());
        var refused = (await t.Api.PatchAsync($"locations/{location.Id}", new
        {
            name = (string?)null, timezone = "Mars/Olympus", lat = 91, phone = "12",
            opening_hours = new { monday = new { open = "18:00", close = "08:00" }, tuesday = new { open = "8am", close = "17:00" } },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["lat", "name", "opening_hours.monday.close", "opening_hours.tuesday.open", "phone", "timezone"], refused.ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(location.Data.GetRawText(), (await t.Api.GetAsync($"locations/{location.Id}")).Expect(200).Data.GetRawText());
    }

    [Fact]
    public async Task A_location_is_created_with_its_hours_and_a_patch_changes_only_what_it_sends()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.PostAsync("locations", new
        {
            name = "Riverside Surgery", address_line_1 = "1 Example Street", town_city = "Sampleton", postcode = "zz99 1aa", lat = 51.5, lng = -0.12,
            timezone = "Europe/London", is_primary = true, opening_hours = new { monday = new { open = "08:00", close = "18:30" } },
        })).Expect(201).Data;
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("loc_", id);
        Assert.Equal("ZZ99 1AA", created.GetProperty("postcode").GetString());
        Assert.Equal(51.5, created.GetProperty("lat").GetDouble());
        Assert.Equal("18:30", created.GetProperty("opening_hours").GetProperty("monday").GetProperty("close").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("opening_hours").GetProperty("tuesday").ValueKind);

        var patched = (await t.Api.PatchAsync($"locations/{id}", new { phone = "020 7946 0002", opening_hours = (object?)null })).Expect(200).Data;
        Assert.Equal("020 7946 0002", patched.GetProperty("phone").GetString());
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("opening_hours").ValueKind);
        Assert.Equal("Riverside Surgery", patched.GetProperty("name").GetString());
        Assert.Equal(patched.GetRawText(), (await t.Api.GetAsync($"locations/{id}")).Expect(200).Data.GetRawText());
    }

    [Fact]
    public async Task Sessions_added_changed_and_removed_through_the_api_change_availability_at_once()
    {
        await using var p = await OpenAsync();
        Assert.Equal(Clinic.Every($"{Tuesday}T08:00:00Z", $"{Tuesday}T10:30:00Z"), await p.StartsAsync());

        var shortened = (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}/sessions/{p.Session}", new { end_time = "10:00" })).Expect(200).Data;
        Assert.Equal("10:00", shortened.GetProperty("end_time").GetString());
        Assert.Equal(Clinic.Every($"{Tuesday}T08:00:00Z", $"{Tuesday}T08:30:00Z"), await p.StartsAsync());

        var oneOff = (await p.Api.PostAsync($"clinician-profiles/{p.Clinician}/sessions",
            new { location_id = p.Location, date = Tuesday, start_time = "14:00", end_time = "15:00" })).Expect(201).Data;
        Assert.Equal("one_off", oneOff.GetProperty("type").GetString());
        Assert.Contains($"{Tuesday}T13:30:00Z", await p.StartsAsync());

        var removed = (await p.Api.DeleteAsync($"clinician-profiles/{p.Clinician}/sessions/{p.Session}")).Expect(200).Data;
        Assert.Equal(p.Session, removed.GetProperty("id").GetString());
        Assert.True(removed.GetProperty("deleted").GetBoolean());
        Assert.Equal([$"{Tuesday}T13:00:00Z", $"{Tuesday}T13:15:00Z", $"{Tuesday}T13:30:00Z"], await p.StartsAsync());
        Assert.Equal([oneOff.GetProperty("id").GetString()!], (await p.Api.GetAsync($"clinician-profiles/{p.Clinician}/sessions")).Expect(200).Ids());
        (await p.Api.DeleteAsync($"clinician-profiles/{p.Clinician}/sessions/{p.Session}")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Bad_sessions_are_refused_with_every_field_named()
    {
        await using var p = await OpenAsync();
        var path = $"clinician-profiles/{p.Clinician}/sessions";
        Assert.Equal(["end_time", "location_id", "weekday"], (await p.Api.PostAsync(path, new { start_time = "12:00", end_time = "09:00" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["date"], (await p.Api.PostAsync(path, new { location_id = p.Location, weekday = "monday", date = Tuesday, start_time = "09:00", end_time = "10:00" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["valid_from"], (await p.Api.PostAsync(path, new { location_id = p.Location, date = Tuesday, start_time = "09:00", end_time = "10:00", valid_from = Tuesday }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["location_id", "start_time", "weekday"], (await p.Api.PostAsync(path,
                new { location_id = "loc_0190b2a0-4a1e-7c3d-8e5f-00000000ffff", weekday = "funday", start_time = "9am", end_time = "10:00" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["valid_until"], (await p.Api.PatchAsync($"{path}/{p.Session}", new { valid_from = "2026-07-01", valid_until = "2026-06-01" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["date"], (await p.Api.PatchAsync($"{path}/{p.Session}", new { date = Tuesday })).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["end_time"], (await p.Api.PostAsync($"clinician-profiles/{p.Clinician}/blocks", new { start_time = "2026-06-09", end_time = "2026-06-08T00:00:00Z" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["reason", "start_time"], (await p.Api.PostAsync($"locations/{p.Location}/closures", new { start_time = "next tuesday", end_time = Tuesday, reason = "party" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields.Order(StringComparer.Ordinal));
        Assert.Single((await p.Api.GetAsync(path)).Expect(200).Ids());
        Assert.Empty((await p.Api.GetAsync($"clinician-profiles/{p.Clinician}/blocks")).Expect(200).Ids());
        Assert.Empty((await p.Api.GetAsync($"locations/{p.Location}/closures")).Expect(200).Ids());
    }

    [Fact]
    public async Task Blocks_and_closures_take_time_out_of_availability_and_removing_them_gives_it_back()
    {
        await using var p = await OpenAsync();
        var all = await p.StartsAsync();

        var block = (await p.Api.PostAsync($"clinician-profiles/{p.Clinician}/blocks",
            new { start_time = $"{Tuesday}T09:00:00+01:00", end_time = $"{Tuesday}T10:00:00+01:00", reason = "training" })).Expect(201).Data;
        Assert.StartsWith("blk_", block.GetProperty("id").GetString());
        Assert.Equal($"{Tuesday}T08:00:00Z", block.GetProperty("start_time").GetString());
        Assert.Equal(Clinic.Every($"{Tuesday}T09:00:00Z", $"{Tuesday}T10:30:00Z"), await p.StartsAsync());
        Assert.Equal("blocked", (await p.VerifyAsync($"{Tuesday}T08:00:00Z")).GetProperty("reason").GetString());
        (await p.Api.DeleteAsync($"clinician-profiles/{p.Clinician}/blocks/{block.GetProperty("id").GetString()}")).Expect(200);
        Assert.Equal(all, await p.StartsAsync());

        // A date means the whole local day: the location's midnight to midnight, BST.
        var closure = (await p.Api.PostAsync($"locations/{p.Location}/closures", new { start_time = Tuesday, end_time = Tuesday, reason = "bank_holiday" })).Expect(201).Data;
        var closureId = closure.GetProperty("id").GetString()!;
        Assert.StartsWith("clo_", closureId);
        Assert.Equal("2026-06-08T23:00:00Z", closure.GetProperty("start_time").GetString());
        Assert.Equal("2026-06-09T23:00:00Z", closure.GetProperty("end_time").GetString());
        Assert.Empty(await p.StartsAsync());
        var check = await p.VerifyAsync($"{Tuesday}T08:00:00Z");
        Assert.Equal("closed", check.GetProperty("reason").GetString());
        Assert.Contains(p.Location, check.GetProperty("message").GetString());
        (await p.Api.PostAsync("holds", new { appointment_template_id = p.Template, clinician_profile_id = p.Clinician, start_time = $"{Tuesday}T08:00:00Z" }))
            .ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Equal([closureId], (await p.Api.GetAsync($"locations/{p.Location}/closures?reason=bank_holiday")).Expect(200).Ids());
        Assert.Empty((await p.Api.GetAsync($"locations/{p.Location}/closures?end_time_lte=2026-06-01")).Expect(200).Ids());

        (await p.Api.DeleteAsync($"locations/{p.Location}/closures/{closureId}")).Expect(200);
        Assert.Equal(all, await p.StartsAsync());
        (await p.Api.DeleteAsync($"locations/{p.Location}/closures/{closureId}")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Deactivating_a_clinician_or_a_location_takes_their_availability_away_and_reactivating_gives_it_back()
    {
        await using var p = await OpenAsync();
        var all = await p.StartsAsync();
        (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { is_active = false })).Expect(200);
        Assert.Empty(await p.StartsAsync());
        (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { is_active = true })).Expect(200);
        Assert.Equal(all, await p.StartsAsync());
        (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { is_bookable_online = false })).Expect(200);
        Assert.Empty(await p.StartsAsync());
        (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { is_bookable_online = true })).Expect(200);
        (await p.Api.PatchAsync($"locations/{p.Location}", new { is_active = false })).Expect(200);
        Assert.Empty(await p.StartsAsync());
        (await p.Api.PatchAsync($"locations/{p.Location}", new { is_active = true })).Expect(200);
        Assert.Equal(all, await p.StartsAsync());
    }

    [Fact]
    public async Task Edits_that_would_strand_a_booked_appointment_answer_409_with_its_id_and_change_nothing()
    {
        await using var p = await OpenAsync();
        var booked = await p.BookAsync($"{Tuesday}T09:00:00Z", $"{Tuesday}T09:30:00Z");
        var sessions = $"clinician-profiles/{p.Clinician}/sessions";
        var attempts = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Delete, $"{sessions}/{p.Session}", null),
            (HttpMethod.Patch, $"{sessions}/{p.Session}", new { end_time = "10:00" }),
            (HttpMethod.Patch, $"{sessions}/{p.Session}", new { weekday = "wednesday" }),
            (HttpMethod.Post, $"clinician-profiles/{p.Clinician}/blocks", new { start_time = Tuesday, end_time = Tuesday }),
            (HttpMethod.Post, $"locations/{p.Location}/closures", new { start_time = $"{Tuesday}T09:15:00Z", end_time = $"{Tuesday}T09:20:00Z", force = false }),
            (HttpMethod.Patch, $"clinician-profiles/{p.Clinician}", new { is_active = false }),
            (HttpMethod.Patch, $"locations/{p.Location}", new { is_active = false }),
            (HttpMethod.Patch, $"locations/{p.Location}", new { timezone = "America/New_York" }),
        };
        var before = await RotaAsync(p);
        foreach (var (method, path, body) in attempts)
        {
            var refused = (await p.Api.SendAsync(method, path, body)).ExpectError(409, "CONFLICT");
            Assert.Equal([booked], refused.Error.GetProperty("stranded_appointment_ids").EnumerateArray().Select(e => e.GetString()));
            var detail = Assert.Single(refused.Error.GetProperty("details").EnumerateArray());
            Assert.Equal("force", detail.GetProperty("field").GetString());
            Assert.StartsWith(booked, detail.GetProperty("message").GetString());
        }
        Assert.Equal(before, await RotaAsync(p));

        // Changes that leave the booked time within working hours go through.
        (await p.Api.PatchAsync($"{sessions}/{p.Session}", new { start_time = "08:00", end_time = "13:00" })).Expect(200);
        (await p.Api.PostAsync($"clinician-profiles/{p.Clinician}/blocks", new { start_time = $"{Tuesday}T10:00:00Z", end_time = $"{Tuesday}T11:00:00Z" })).Expect(201);
    }

    [Fact]
    public async Task With_force_each_stranding_edit_is_made_the_appointment_stays_booked_and_the_answer_lists_it()
    {
        await using var p = await OpenAsync();
        var booked = await p.BookAsync($"{Tuesday}T09:00:00Z", $"{Tuesday}T09:30:00Z");
        var sessions = $"clinician-profiles/{p.Clinician}/sessions";
        static void Lists(JsonElement data, string id) =>
            Assert.Equal([id], data.GetProperty("stranded_appointment_ids").EnumerateArray().Select(e => e.GetString()));

        var block = (await p.Api.PostAsync($"clinician-profiles/{p.Clinician}/blocks", new { start_time = Tuesday, end_time = Tuesday, force = true })).Expect(201).Data;
        Lists(block, booked);
        Assert.Single((await p.Api.GetAsync($"clinician-profiles/{p.Clinician}/blocks")).Expect(200).Ids());
        Lists((await p.Api.PostAsync($"locations/{p.Location}/closures", new { start_time = Tuesday, end_time = Tuesday, force = true })).Expect(201).Data, booked);
        Lists((await p.Api.PatchAsync($"{sessions}/{p.Session}", new { end_time = "10:00", force = true })).Expect(200).Data, booked);
        Assert.Equal("10:00", (await p.Api.GetAsync(sessions)).Expect(200).Data[0].GetProperty("end_time").GetString());
        (await p.Api.PatchAsync($"{sessions}/{p.Session}", new { end_time = "12:00" })).Expect(200);
        Lists((await p.Api.SendAsync(HttpMethod.Delete, $"{sessions}/{p.Session}", new { force = true })).Expect(200).Data, booked);
        Assert.Empty((await p.Api.GetAsync(sessions)).Expect(200).Ids());
        var clinician = (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { is_active = false, force = true })).Expect(200).Data;
        Lists(clinician, booked);
        Assert.False(clinician.GetProperty("is_active").GetBoolean());
        Lists((await p.Api.PatchAsync($"locations/{p.Location}", new { is_active = false, force = true })).Expect(200).Data, booked);

        var appointment = (await p.Api.GetAsync($"appointments/{booked}")).Expect(200).Data;
        Assert.Equal("confirmed", appointment.GetProperty("status").GetString());
        Assert.Equal($"{Tuesday}T09:00:00Z", appointment.GetProperty("start_time").GetString());
        // Appointments that are cancelled, or already started, are not stranded.
        (await p.Api.PostAsync($"appointments/{booked}/cancel", new { cancellation_reason = "Clinic closed" })).Expect(200);
        var reactivated = (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { is_active = true })).Expect(200).Data;
        Assert.False(reactivated.TryGetProperty("stranded_appointment_ids", out _));
        (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { is_active = false })).Expect(200);
    }

    [Fact]
    public async Task A_clinician_is_offered_only_for_the_templates_they_provide_and_an_empty_list_means_all()
    {
        await using var p = await OpenAsync();
        var other = await p.T.CreateTemplateAsync("Other service", 30);
        var colleague = (await p.Api.PostAsync("clinician-profiles", new { name = "Dr Colleague" })).Expect(201).Id;
        (await p.Api.PostAsync($"clinician-profiles/{colleague}/sessions",
            new { location_id = p.Location, weekday = "tuesday", start_time = "09:00", end_time = "09:30" })).Expect(201);
        (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { appointment_template_ids = new[] { p.Template } })).Expect(200);

        async Task<List<string>> OfferedAsync(string template) =>
            (await p.Api.GetAsync($"availability?appointment_template_id={template}&date_from={Tuesday}&date_to={Tuesday}")).Expect(200)
            .Data.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("clinician_profile_id").GetString()!).Distinct().ToList();

        Assert.Equal(new[] { colleague, p.Clinician }.Order(StringComparer.Ordinal), (await OfferedAsync(p.Template)).Order(StringComparer.Ordinal));
        Assert.Equal([colleague], await OfferedAsync(other));
        Assert.Equal(colleague, (await p.Api.GetAsync($"availability/next?appointment_template_id={other}")).Expect(200).Data.GetProperty("clinician_profile_id").GetString());

        var field = "clinician_profile_id";
        Assert.Equal([field], (await p.Api.GetAsync($"availability?appointment_template_id={other}&clinician_profile_id={p.Clinician}&date_from={Tuesday}&date_to={Tuesday}"))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal([field], (await p.Api.GetAsync($"availability/next?appointment_template_id={other}&clinician_profile_id={p.Clinician}"))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        var slot = new { appointment_template_id = other, clinician_profile_id = p.Clinician, start_time = $"{Tuesday}T08:00:00Z" };
        var refused = (await p.Api.PostAsync("availability/verify", slot)).ExpectError(422, "VALIDATION_ERROR");
        Assert.Contains("does not provide", refused.Error.GetProperty("message").GetString());
        Assert.Equal([field], (await p.Api.PostAsync("holds", slot)).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.True((await p.VerifyAsync($"{Tuesday}T08:00:00Z")).GetProperty("available").GetBoolean());

        (await p.Api.PatchAsync($"clinician-profiles/{p.Clinician}", new { appointment_template_ids = Array.Empty<string>() })).Expect(200);
        Assert.Equal(new[] { colleague, p.Clinician }.Order(StringComparer.Ordinal), (await OfferedAsync(other)).Order(StringComparer.Ordinal));
        (await p.Api.PostAsync("holds", slot)).Expect(201);
    }

    [Fact]
    public async Task Every_directory_write_replays_its_first_answer_for_the_same_key_and_refuses_the_key_with_another_body()
    {
        await using var p = await OpenAsync();
        var first = (await p.Api.PostAsync("clinician-profiles", new { name = "Dr Once" }, "create-once")).Expect(201);
        var again = (await p.Api.PostAsync("clinician-profiles", new { name = "Dr Once" }, "create-once")).Expect(201);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        Assert.Equal(2, (await p.Api.GetAsync("clinician-profiles")).Expect(200).Ids().Count);
        (await p.Api.PostAsync("clinician-profiles", new { name = "Dr Twice" }, "create-once")).ExpectError(409, "CONFLICT");

        var sessionPath = $"clinician-profiles/{p.Clinician}/sessions/{p.Session}";
        var writes = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Post, "locations", new { name = "Second site" }),
            (HttpMethod.Patch, $"locations/{p.Location}", new { phone = "020 7946 0003" }),
            (HttpMethod.Patch, $"clinician-profiles/{p.Clinician}", new { role = "GP" }),
            (HttpMethod.Post, $"clinician-profiles/{p.Clinician}/blocks", new { start_time = "2026-07-01", end_time = "2026-07-02" }),
            (HttpMethod.Post, $"locations/{p.Location}/closures", new { start_time = "2026-08-31", end_time = "2026-08-31" }),
            (HttpMethod.Patch, sessionPath, new { end_time = "11:00" }),
            (HttpMethod.Delete, sessionPath, null),
        };
        foreach (var (method, path, body) in writes)
        {
            var key = Guid.NewGuid().ToString();
            var answer = await p.Api.SendAsync(method, path, body, key);
            Assert.True(answer.StatusCode is 200 or 201, $"{method} {path}: {answer.Raw}");
            var replay = await p.Api.SendAsync(method, path, body, key);
            Assert.Equal((answer.StatusCode, answer.Raw, "true"), (replay.StatusCode, replay.Raw, replay.Header("Idempotent-Replayed")));
        }
        Assert.Equal(2, (await p.Api.GetAsync("locations")).Expect(200).Ids().Count);
        Assert.Single((await p.Api.GetAsync($"clinician-profiles/{p.Clinician}/blocks")).Expect(200).Ids());
        Assert.Single((await p.Api.GetAsync($"locations/{p.Location}/closures")).Expect(200).Ids());
        Assert.Empty((await p.Api.GetAsync($"clinician-profiles/{p.Clinician}/sessions")).Expect(200).Ids());
    }

    [Fact]
    public async Task Directory_writes_record_their_webhook_events_with_the_change()
    {
        await using var p = await OpenAsync();
        (await p.Api.PostAsync("webhooks", new { url = "https://crm.example.com/hooks/directory", events = new[] { "*" } })).Expect(201);

        var clinician = (await p.Api.PostAsync("clinician-profiles", new { name = "Dr Hooked" })).Expect(201).Id;
        (await p.Api.PatchAsync($"clinician-profiles/{clinician}", new { role = "GP" })).Expect(200);
        var location = (await p.Api.PostAsync("locations", new { name = "Hooked site" })).Expect(201).Id;
        (await p.Api.PostAsync($"clinician-profiles/{clinician}/sessions", new { location_id = location, weekday = "monday", start_time = "09:00", end_time = "10:00" })).Expect(201);
        (await p.Api.PatchAsync($"clinician-profiles/{clinician}", new { is_active = false })).Expect(200);
        (await p.Api.PatchAsync($"locations/{location}", new { phone = "020 7946 0004" })).Expect(200);
        (await p.Api.PatchAsync($"locations/{location}", new { is_active = false })).Expect(200);
        (await p.Api.PatchAsync($"locations/{location}", new { is_active = false })).Expect(200);

        var events = await p.T.Db.ListAsync<(string Type, string Payload)>($"SELECT type, payload FROM webhook_events WHERE {TenantSql.Filter} ORDER BY id");
        Assert.Equal(
            ["clinician_profile.created", "clinician_profile.updated", "location.created", "clinician_profile.updated", "clinician_profile.deactivated",
             "location.updated", "location.deactivated"],
            events.Select(e => e.Type));
        var linked = JsonDocument.Parse(events[3].Payload).RootElement.GetProperty("data");
        Assert.Equal([location], linked.GetProperty("object").GetProperty("location_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(linked.GetProperty("previous").GetProperty("location_ids").EnumerateArray());
        var deactivated = JsonDocument.Parse(events[4].Payload).RootElement.GetProperty("data");
        Assert.False(deactivated.GetProperty("object").GetProperty("is_active").GetBoolean());
        Assert.True(deactivated.GetProperty("previous").GetProperty("is_active").GetBoolean());
        Assert.Equal(events.Count, await p.T.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM webhook_deliveries WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task Writes_need_the_write_scope_of_their_resource_and_other_tenants_records_are_404()
    {
        await using var p = await OpenAsync();
        var readOnly = await p.T.KeyAsync([Scopes.ReadClinicians, Scopes.ReadLocations]);
        (await readOnly.PostAsync("clinician-profiles", new { name = "Dr Nope" })).ExpectError(403, "FORBIDDEN");
        (await readOnly.PostAsync($"clinician-profiles/{p.Clinician}/blocks", new { start_time = Tuesday, end_time = Tuesday })).ExpectError(403, "FORBIDDEN");
        var clinicians = await p.T.KeyAsync([Scopes.WriteClinicians]);
        (await clinicians.PostAsync("locations", new { name = "Nope" })).ExpectError(403, "FORBIDDEN");
        (await clinicians.PostAsync($"locations/{p.Location}/closures", new { start_time = Tuesday, end_time = Tuesday })).ExpectError(403, "FORBIDDEN");
        (await clinicians.PatchAsync($"clinician-profiles/{p.Clinician}", new { role = "Allowed" })).Expect(200);

        var other = await server.NewTenantAsync();
        var intruder = other.Api;
        var live = await p.T.KeyAsync(Scopes.All, Modes.Live);
        foreach (var api in new[] { intruder, live })
        {
            (await api.PatchAsync($"clinician-profiles/{p.Clinician}", new { name = "Taken" })).ExpectError(404, "NOT_FOUND");
            (await api.PostAsync($"clinician-profiles/{p.Clinician}/sessions", new { location_id = p.Location, weekday = "monday", start_time = "09:00", end_time = "10:00" }))
                .ExpectError(404, "NOT_FOUND");
            (await api.DeleteAsync($"clinician-profiles/{p.Clinician}/sessions/{p.Session}")).ExpectError(404, "NOT_FOUND");
            (await api.PatchAsync($"locations/{p.Location}", new { is_active = false })).ExpectError(404, "NOT_FOUND");
            (await api.PostAsync($"locations/{p.Location}/closures", new { start_time = Tuesday, end_time = Tuesday })).ExpectError(404, "NOT_FOUND");
            (await api.GetAsync($"locations/{p.Location}/closures")).ExpectError(404, "NOT_FOUND");
        }
        // Their own clinician cannot reach this tenant's location or session either.
        var theirs = (await intruder.PostAsync("clinician-profiles", new { name = "Dr Elsewhere" })).Expect(201).Id;
        Assert.Equal(["location_id"], (await intruder.PostAsync($"clinician-profiles/{theirs}/sessions",
            new { location_id = p.Location, weekday = "monday", start_time = "09:00", end_time = "10:00" })).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        (await intruder.DeleteAsync($"clinician-profiles/{theirs}/sessions/{p.Session}")).ExpectError(404, "NOT_FOUND");
        (await p.Api.DeleteAsync($"clinician-profiles/{theirs}/sessions/{p.Session}")).ExpectError(404, "NOT_FOUND");

        Assert.Equal(Clinic.Every($"{Tuesday}T08:00:00Z", $"{Tuesday}T10:30:00Z"), await p.StartsAsync());
        Assert.True((await p.Api.GetAsync($"clinician-profiles/{p.Clinician}")).Expect(200).Data.GetProperty("is_active").GetBoolean());
    }

    [Fact]
    public async Task The_demo_clinicians_provide_different_services_and_availability_offers_each_only_their_own()
    {
        var (demo, _) = server.StartIsolatedServer();
        await using var _ = demo;
        using var http = demo.CreateHttpClient();
        var api = new ApiClient(http, await Leap.Server.Cli.DemoData.SeedAsync(demo.Services));
        var templates = (await api.GetAsync("appointment-templates?is_active=true")).Expect(200).Data.EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("id").GetString()!);
        var services = (await api.GetAsync("clinician-profiles")).Expect(200).Data.EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => c.GetProperty("appointment_template_ids").EnumerateArray().Select(id => templates.Single(t => t.Value == id.GetString()).Key).Order().ToList());
        Assert.Equal(["Extended GP Consultation", "Standard GP Consultation"], services["Dr Ada Example"]);
        Assert.Equal(["Standard GP Consultation"], services["Dr Ben Sample"]);
        Assert.Equal(["Nurse Appointment"], services["Cara Placeholder"]);
        Assert.Equal(["Physiotherapy Assessment"], services["Dan Demo"]);

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        async Task<List<string>> OfferedAsync(string template) =>
            (await api.GetAsync($"availability?appointment_template_id={templates[template]}&date_from={today:yyyy-MM-dd}&date_to={today.AddDays(14):yyyy-MM-dd}"))
            .Expect(200).Data.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("clinician_name").GetString()!).Distinct().Order().ToList();
        Assert.Equal(["Dan Demo"], await OfferedAsync("Physiotherapy Assessment"));
        Assert.Equal(["Dr Ada Example"], await OfferedAsync("Extended GP Consultation"));
        Assert.Equal(["Dr Ada Example", "Dr Ben Sample"], await OfferedAsync("Standard GP Consultation"));
    }

    private static async Task<string> RotaAsync(Practice p)
    {
        var parts = new[]
        {
            $"clinician-profiles/{p.Clinician}", $"clinician-profiles/{p.Clinician}/sessions", $"clinician-profiles/{p.Clinician}/blocks",
            $"locations/{p.Location}", $"locations/{p.Location}/closures",
        };
        var text = new System.Text.StringBuilder();
        foreach (var path in parts)
        {
            text.AppendLine((await p.Api.GetAsync(path)).Expect(200).Data.GetRawText());
        }
        return text.ToString();
    }
}

public sealed class DirectoryWriteTestsOnSqlite(SqliteServer server) : DirectoryWriteTests(server);
public sealed class DirectoryWriteTestsOnPostgres(PostgresServer server) : DirectoryWriteTests(server);
