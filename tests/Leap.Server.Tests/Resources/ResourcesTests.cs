using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Resources;

/// <summary>
/// Rooms and equipment (docs/groups-and-resources.md): the /resources directory, templates that require resource types,
/// availability that needs a free resource as well as a free clinician, and bookings that claim both. The server's clock
/// stands on Monday 2026-06-01; Tuesday 9 June is in British Summer Time, so the clinic's 09:00 London is 08:00Z.
/// </summary>
public abstract class ResourcesTests(LeapFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private const string Tuesday = "2026-06-09";

    private static async Task<string> RoomAsync(Clinic c, string name = "Room 1", string type = "room", string? location = null) =>
        (await c.Api.PostAsync("resources", new { name, type, location_id = location ?? c.Location })).Expect(201).Id;

    private static async Task RequireAsync(Clinic c, params string[] types) =>
        (await c.Api.PatchAsync($"appointment-templates/{c.Template}", new { required_resource_types = types })).Expect(200);

    private static Task<ApiResult> BookAsync(Clinic c, string clinician, string start, object? resourceIds = null) =>
        c.T.CreatePatientAsync().ContinueWith(async patient => await c.Api.PostAsync("appointments", new Dictionary<string, object?>
        {
            ["title"] = "Booked", ["patient_id"] = patient.Result, ["appointment_type_id"] = c.Template, ["clinician_profile_id"] = clinician,
            ["location_id"] = c.Location, ["start_time"] = start, ["end_time"] = Clinic.At(start).AddMinutes(30).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["resource_ids"] = resourceIds,
        })).Unwrap();

    private static List<string> ResourceIds(JsonElement appointment) =>
        appointment.TryGetProperty("resource_ids", out var ids) ? ids.EnumerateArray().Select(i => i.GetString()!).ToList() : [];

    private static Task<long> CountAsync(TestTenant t, string sql, object? args = null) => t.Db.ScalarAsync<long>(sql, args);

    [Fact]
    public async Task Resources_are_created_listed_by_filter_changed_and_invisible_to_another_tenant()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var key = Guid.NewGuid().ToString();
        var created = (await c.Api.PostAsync("resources", new { name = "Treatment room 1", type = "room", location_id = c.Location }, key)).Expect(201);
        Assert.StartsWith("res_", created.Id);
        Assert.Equal(["id", "name", "type", "location_id", "is_active", "created_at", "updated_at"], created.Data.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Treatment room 1", created.Data.GetProperty("name").GetString());
        Assert.Equal("room", created.Data.GetProperty("type").GetString());
        Assert.Equal(c.Location, created.Data.GetProperty("location_id").GetString());
        Assert.True(created.Data.GetProperty("is_active").GetBoolean());
        Assert.Equal("2026-06-01T08:00:00Z", created.Data.GetProperty("created_at").GetString());
        // The same key and body replay the first answer and create nothing more.
        var replay = (await c.Api.PostAsync("resources", new { name = "Treatment room 1", type = "room", location_id = c.Location }, key)).Expect(201);
        Assert.Equal(created.Id, replay.Id);
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM resources WHERE {TenantSql.Filter}"));

        var other = await c.T.CreateLocationAsync("Other Surgery");
        var scanner = await RoomAsync(c, "Ultrasound scanner", "equipment");
        var elsewhere = await RoomAsync(c, "Room A", location: other);
        Assert.Equal([created.Id, scanner, elsewhere], (await c.Api.GetAsync("resources")).Expect(200).Ids());
        Assert.Equal([created.Id, elsewhere], (await c.Api.GetAsync("resources?type=room")).Expect(200).Ids());
        Assert.Equal([created.Id, scanner], (await c.Api.GetAsync($"resources?location_id={c.Location}")).Expect(200).Ids());
        var page = (await c.Api.GetAsync("resources?limit=2")).Expect(200);
        Assert.Equal(2, page.Ids().Count);
        Assert.True(page.Meta.GetProperty("has_more").GetBoolean());

        var changed = (await c.Api.PatchAsync($"resources/{scanner}", new { name = "Scanner 2", is_active = false })).Expect(200).Data;
        Assert.Equal("Scanner 2", changed.GetProperty("name").GetString());
        Assert.False(changed.GetProperty("is_active").GetBoolean());
        Assert.Equal([scanner], (await c.Api.GetAsync("resources?is_active=false")).Expect(200).Ids());
        Assert.Equal("Scanner 2", (await c.Api.GetAsync($"resources/{scanner}")).Expect(200).Data.GetProperty("name").GetString());

        var stranger = await server.NewTenantAsync();
        (await stranger.Api.GetAsync($"resources/{scanner}")).ExpectError(404, "NOT_FOUND");
        (await stranger.Api.PatchAsync($"resources/{scanner}", new { name = "Mine" })).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await stranger.Api.GetAsync("resources")).Expect(200).Ids());
        // Another tenant's location is as good as missing.
        var refused = (await stranger.Api.PostAsync("resources", new { name = "Room", type = "room", location_id = c.Location })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["location_id"], refused.ErrorFields);
    }

    [Fact]
    public async Task Bad_resource_bodies_are_422_listing_every_field_and_write_nothing()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var empty = (await c.Api.PostAsync("resources", new { })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["location_id", "name", "type"], empty.ErrorFields.Order(StringComparer.Ordinal));
        var bad = (await c.Api.PostAsync("resources", new { name = "Room", type = "desk", location_id = "loc_nope", is_active = false })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["is_active", "location_id", "type"], bad.ErrorFields.Order(StringComparer.Ordinal));
        var inactive = await c.T.CreateLocationAsync("Closed Surgery", active: false);
        (await c.Api.PostAsync("resources", new { name = "Room", type = "room", location_id = inactive })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(0, await CountAsync(c.T, $"SELECT COUNT(*) FROM resources WHERE {TenantSql.Filter}"));
        var room = await RoomAsync(c);
        Assert.Equal(["name", "type"], (await c.Api.PatchAsync($"resources/{room}", new { name = (string?)null, type = "bed" })).ExpectError(422, "VALIDATION_ERROR")
            .ErrorFields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Resources_are_read_with_read_locations_and_written_with_write_locations()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var room = await RoomAsync(c);
        var readOnly = await c.T.KeyAsync([Scopes.ReadLocations]);
        (await readOnly.GetAsync($"resources/{room}")).Expect(200);
        (await readOnly.GetAsync("resources")).Expect(200);
        (await readOnly.PostAsync("resources", new { name = "Room 2", type = "room", location_id = c.Location })).ExpectError(403, "FORBIDDEN");
        (await readOnly.PatchAsync($"resources/{room}", new { name = "Room 9" })).ExpectError(403, "FORBIDDEN");
        var noLocations = await c.T.KeyAsync(Scopes.All.Where(s => s is not (Scopes.ReadLocations or Scopes.WriteLocations)));
        (await noLocations.GetAsync("resources")).ExpectError(403, "FORBIDDEN");
        Assert.Equal("Room 1", (await c.Api.GetAsync($"resources/{room}")).Expect(200).Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Templates_require_resource_types_each_once_in_a_fixed_order()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        Assert.Empty((await c.Api.GetAsync($"appointment-templates/{c.Template}")).Expect(200).Data.GetProperty("required_resource_types").EnumerateArray());
        var created = (await c.Api.PostAsync("appointment-templates", new { name = "Scan", duration = 20, required_resource_types = new[] { "equipment", "room" } })).Expect(201);
        Assert.Equal(["room", "equipment"], created.Data.GetProperty("required_resource_types").EnumerateArray().Select(t => t.GetString()));
        var patched = (await c.Api.PatchAsync($"appointment-templates/{created.Id}", new { required_resource_types = new[] { "room" } })).Expect(200).Data;
        Assert.Equal(["room"], patched.GetProperty("required_resource_types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["room"], (await c.Api.GetAsync($"appointment-templates/{created.Id}")).Expect(200).Data.GetProperty("required_resource_types")
            .EnumerateArray().Select(t => t.GetString()));
        Assert.Empty((await c.Api.PatchAsync($"appointment-templates/{created.Id}", new { required_resource_types = (string[]?)null })).Expect(200).Data
            .GetProperty("required_resource_types").EnumerateArray());
        Assert.Equal(["required_resource_types"], (await c.Api.PatchAsync($"appointment-templates/{created.Id}", new { required_resource_types = new[] { "desk" } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["required_resource_types"], (await c.Api.PatchAsync($"appointment-templates/{created.Id}", new { required_resource_types = new[] { "room", "room" } }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
    }

    [Fact]
    public async Task Availability_of_a_template_that_needs_a_room_leaves_out_times_when_no_room_is_free_though_the_clinician_is()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var plain = await c.T.CreateTemplateAsync("Telephone review", 30);
        var everyHalfHour = Clinic.Every("2026-06-09T08:00:00Z", "2026-06-09T15:30:00Z");
        var before = await c.StartsAsync(Tuesday, Tuesday);
        await RequireAsync(c, "room");
        // No room at the location: nothing can be booked.
        Assert.Empty(await c.StartsAsync(Tuesday, Tuesday));
        var room = await RoomAsync(c);
        Assert.Equal(before, await c.StartsAsync(Tuesday, Tuesday));

        // Another clinician takes the only room at 10:00Z; Dr Avail stays free then.
        var other = await c.T.CreateClinicianAsync("Dr Other", locationIds: c.Location);
        var taken = (await BookAsync(c, other, "2026-06-09T10:00:00Z")).Expect(201).Data;
        Assert.Equal([room], ResourceIds(taken));
        var starts = await c.StartsAsync(Tuesday, Tuesday, extra: $"&clinician_profile_id={c.Clinician}");
        Assert.Equal(everyHalfHour.Where(s => s is not ("2026-06-09T09:45:00Z" or "2026-06-09T10:00:00Z" or "2026-06-09T10:15:00Z")), starts);
        // The template without resources still offers Dr Avail at 10:00.
        Assert.Contains("2026-06-09T10:00:00Z", await c.StartsAsync(Tuesday, Tuesday, template: plain, extra: $"&clinician_profile_id={c.Clinician}"));
        var verdict = (await c.Api.PostAsync("availability/verify", new { appointment_template_id = c.Template, clinician_profile_id = c.Clinician, start_time = "2026-06-09T10:00:00Z" }))
            .Expect(200).Data;
        Assert.False(verdict.GetProperty("available").GetBoolean());
        Assert.Equal("no_resource", verdict.GetProperty("reason").GetString());
        (await c.HoldAsync("2026-06-09T10:00:00Z")).ExpectError(409, "SLOT_UNAVAILABLE");

        // A second room gives the time back; a deactivated one does not count.
        var second = await RoomAsync(c, "Room 2");
        Assert.Contains("2026-06-09T10:00:00Z", await c.StartsAsync(Tuesday, Tuesday, extra: $"&clinician_profile_id={c.Clinician}"));
        (await c.Api.PatchAsync($"resources/{second}", new { is_active = false })).Expect(200);
        Assert.DoesNotContain("2026-06-09T10:00:00Z", await c.StartsAsync(Tuesday, Tuesday, extra: $"&clinician_profile_id={c.Clinician}"));
    }

    [Fact]
    public async Task Availability_applies_the_templates_buffers_to_the_room()
    {
        await using var c = await Clinic.OpenAsync(server, Now, bufferAfter: 15);
        await RequireAsync(c, "room");
        await RoomAsync(c);
        var other = await c.T.CreateClinicianAsync("Dr Other", locationIds: c.Location);
        // Taken with its buffer: 10:00-10:45Z.
        (await BookAsync(c, other, "2026-06-09T10:00:00Z")).Expect(201);
        var starts = await c.StartsAsync(Tuesday, Tuesday, extra: $"&clinician_profile_id={c.Clinician}");
        Assert.Contains("2026-06-09T09:15:00Z", starts);
        Assert.DoesNotContain("2026-06-09T09:30:00Z", starts);
        Assert.DoesNotContain("2026-06-09T10:30:00Z", starts);
        Assert.Contains("2026-06-09T10:45:00Z", starts);
    }

    [Fact]
    public async Task Booking_picks_a_free_room_refuses_when_none_is_left_and_cancelling_frees_it()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        await RequireAsync(c, "room");
        var first = await RoomAsync(c, "Room 1");
        var second = await RoomAsync(c, "Room 2");
        var clinicians = new List<string> { c.Clinician };
        for (var i = 2; i <= 3; i++)
        {
            clinicians.Add(await c.T.CreateClinicianAsync($"Dr {i}", locationIds: c.Location));
        }
        var one = (await BookAsync(c, clinicians[0], "2026-06-09T10:00:00Z")).Expect(201);
        Assert.Equal([first], ResourceIds(one.Data));
        var two = (await BookAsync(c, clinicians[1], "2026-06-09T10:00:00Z")).Expect(201);
        Assert.Equal([second], ResourceIds(two.Data));
        var none = (await BookAsync(c, clinicians[2], "2026-06-09T10:15:00Z")).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Contains("No room at location", none.Error.GetProperty("message").GetString());
        // Naming a taken room is refused by the database, naming what is in the way.
        var named = (await BookAsync(c, clinicians[2], "2026-06-09T10:15:00Z", new[] { first })).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Contains(one.Id, named.Error.GetProperty("message").GetString());
        Assert.Equal(2, await CountAsync(c.T, $"SELECT COUNT(*) FROM resource_busy WHERE {TenantSql.Filter}"));
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM resource_busy WHERE appointment_id = @id AND resource_id = @first AND {TenantSql.Filter}",
            new { id = one.Id, first }));
        // Read back, listed, and stored.
        Assert.Equal([first], ResourceIds((await c.Api.GetAsync($"appointments/{one.Id}")).Expect(200).Data));

        // Moving into the other room's booking is refused; moving to a free time carries the room along.
        (await c.Api.PostAsync($"appointments/{two.Id}/cancel", new { })).Expect(200);
        Assert.Equal(0, await CountAsync(c.T, $"SELECT COUNT(*) FROM resource_busy WHERE appointment_id = @id AND {TenantSql.Filter}", new { id = two.Id }));
        var third = (await BookAsync(c, clinicians[1], "2026-06-09T10:15:00Z")).Expect(201);
        Assert.Equal([second], ResourceIds(third.Data));
        var later = (await c.Api.PatchAsync($"appointments/{one.Id}", new { start_time = "2026-06-09T11:00:00Z", end_time = "2026-06-09T11:30:00Z" })).Expect(200);
        Assert.Equal([first], ResourceIds(later.Data));
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM resource_busy WHERE appointment_id = @id AND busy_start = @start AND {TenantSql.Filter}",
            new { id = one.Id, start = Clinic.At("2026-06-09T11:00:00Z") }));
        // Moved where its room is taken, it takes the other room, free then; with no room free the move is refused.
        (await BookAsync(c, clinicians[1], "2026-06-09T12:00:00Z", new[] { first })).Expect(201);
        var swapped = (await c.Api.PatchAsync($"appointments/{one.Id}", new { start_time = "2026-06-09T12:15:00Z", end_time = "2026-06-09T12:45:00Z" })).Expect(200);
        Assert.Equal([second], ResourceIds(swapped.Data));
        Assert.Equal([second], ResourceIds((await c.Api.GetAsync($"appointments/{one.Id}")).Expect(200).Data));
        Assert.Equal(second, await c.T.Db.ScalarAsync<string>(
            $"SELECT resource_id FROM resource_busy WHERE appointment_id = @id AND busy_start = @start AND {TenantSql.Filter}",
            new { id = one.Id, start = Clinic.At("2026-06-09T12:15:00Z") }));
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM resource_busy WHERE appointment_id = @id AND {TenantSql.Filter}", new { id = one.Id }));
        (await BookAsync(c, clinicians[1], "2026-06-09T14:00:00Z", new[] { first })).Expect(201);
        (await BookAsync(c, clinicians[2], "2026-06-09T14:00:00Z", new[] { second })).Expect(201);
        var moved = (await c.Api.PatchAsync($"appointments/{one.Id}", new { start_time = "2026-06-09T14:00:00Z", end_time = "2026-06-09T14:30:00Z" }))
            .ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Contains("No room at location", moved.Error.GetProperty("message").GetString());
        var kept = (await c.Api.GetAsync($"appointments/{one.Id}")).Expect(200).Data;
        Assert.Equal("2026-06-09T12:15:00Z", kept.GetProperty("start_time").GetString());
        Assert.Equal([second], ResourceIds(kept));
    }

    [Fact]
    public async Task Changing_an_appointments_location_takes_a_free_room_there_or_is_refused()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        await RequireAsync(c, "room");
        var here = await RoomAsync(c, "Room here");
        var other = await c.T.CreateLocationAsync("Other Surgery");
        var there = await RoomAsync(c, "Room there", location: other);
        var bare = await c.T.CreateLocationAsync("Bare Surgery");
        var booked = (await BookAsync(c, c.Clinician, "2026-06-09T10:00:00Z")).Expect(201);
        Assert.Equal([here], ResourceIds(booked.Data));

        var moved = (await c.Api.PatchAsync($"appointments/{booked.Id}", new { location_id = other })).Expect(200).Data;
        Assert.Equal(other, moved.GetProperty("location_id").GetString());
        Assert.Equal([there], ResourceIds(moved));
        Assert.Equal([there], (await c.T.Db.ListAsync<string>($"SELECT resource_id FROM resource_busy WHERE appointment_id = @id AND {TenantSql.Filter}",
            new { id = booked.Id })).ToList());
        // The room at the first location is free again.
        (await BookAsync(c, await c.T.CreateClinicianAsync("Dr Two", locationIds: c.Location), "2026-06-09T10:00:00Z", new[] { here })).Expect(201);

        var refused = (await c.Api.PatchAsync($"appointments/{booked.Id}", new { location_id = bare })).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Contains($"No room at location {bare}", refused.Error.GetProperty("message").GetString());
        Assert.Equal(["location_id"], (await c.Api.PatchAsync($"appointments/{booked.Id}", new { location_id = (string?)null }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        var kept = (await c.Api.GetAsync($"appointments/{booked.Id}")).Expect(200).Data;
        Assert.Equal(other, kept.GetProperty("location_id").GetString());
        Assert.Equal([there], ResourceIds(kept));
    }

    [Fact]
    public async Task A_series_skips_or_reports_occurrences_without_a_free_room_and_its_move_re_picks_rooms()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        await RequireAsync(c, "room");
        var room = await RoomAsync(c);
        var other = await c.T.CreateClinicianAsync("Dr Other", locationIds: c.Location);
        var inTheWay = (await BookAsync(c, other, "2026-06-16T13:00:00Z")).Expect(201).Id;
        var patient = await c.T.CreatePatientAsync();
        object Series(bool skip, object? resourceIds = null) => new Dictionary<string, object?>
        {
            ["title"] = "Course", ["patient_id"] = patient, ["appointment_type_id"] = c.Template, ["clinician_profile_id"] = c.Clinician,
            ["location_id"] = c.Location, ["start_time"] = "2026-06-09T13:00:00Z", ["end_time"] = "2026-06-09T13:30:00Z",
            ["recurrence"] = new { frequency = "weekly", count = 3 }, ["skip_conflicts"] = skip, ["resource_ids"] = resourceIds,
        };

        var refused = (await c.Api.PostAsync("appointment-series", Series(skip: false))).ExpectError(409, "SERIES_CONFLICT");
        var conflict = Assert.Single(refused.Error.GetProperty("details").GetProperty("conflicts").EnumerateArray());
        Assert.Equal("2026-06-16T13:00:00Z", conflict.GetProperty("start_time").GetString());
        Assert.Equal("resource", conflict.GetProperty("conflict_type").GetString());
        Assert.Equal("room", conflict.GetProperty("resource_type").GetString());
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE {TenantSql.Filter}"));
        // Naming the room: the conflict names it and the appointment that takes it.
        var named = (await c.Api.PostAsync("appointment-series", Series(skip: false, new[] { room }))).ExpectError(409, "SERIES_CONFLICT");
        conflict = Assert.Single(named.Error.GetProperty("details").GetProperty("conflicts").EnumerateArray());
        Assert.Equal(room, conflict.GetProperty("conflicting_resource_id").GetString());
        Assert.Equal(inTheWay, conflict.GetProperty("conflicting_appointment_id").GetString());

        var series = (await c.Api.PostAsync("appointment-series", Series(skip: true))).Expect(201).Data;
        Assert.Equal(["2026-06-09T13:00:00Z", "2026-06-23T13:00:00Z"],
            series.GetProperty("appointments").EnumerateArray().Select(a => a.GetProperty("start_time").GetString()));
        var skipped = Assert.Single(series.GetProperty("skipped").EnumerateArray());
        Assert.Equal("2026-06-16T13:00:00Z", skipped.GetProperty("start_time").GetString());
        Assert.Equal("resource", skipped.GetProperty("conflict_type").GetString());
        Assert.All(series.GetProperty("appointments").EnumerateArray(), a => Assert.Equal([room], ResourceIds(a)));

        // Moving the series an hour later: the room is taken then at the first occurrence, and no other is free.
        var id = series.GetProperty("id").GetString();
        (await BookAsync(c, other, "2026-06-09T14:00:00Z")).Expect(201);
        var move = (await c.Api.PostAsync($"appointment-series/{id}/move", new { scope = "all", offset_minutes = 60 })).ExpectError(409, "SERIES_CONFLICT");
        conflict = Assert.Single(move.Error.GetProperty("details").GetProperty("conflicts").EnumerateArray());
        Assert.Equal("2026-06-09T14:00:00Z", conflict.GetProperty("start_time").GetString());
        Assert.Equal("room", conflict.GetProperty("resource_type").GetString());
        Assert.Equal(["2026-06-09T13:00:00Z", "2026-06-23T13:00:00Z"],
            (await c.Api.GetAsync($"appointment-series/{id}")).Expect(200).Data.GetProperty("appointments").EnumerateArray()
                .Select(a => a.GetProperty("start_time").GetString()));
        // A second room: the first occurrence takes it, the other keeps its room.
        var second = await RoomAsync(c, "Room 2");
        var moved = (await c.Api.PostAsync($"appointment-series/{id}/move", new { scope = "all", offset_minutes = 60 })).Expect(200).Data;
        Assert.Equal([[second], [room]], moved.GetProperty("appointments").EnumerateArray().Select(ResourceIds));
    }

    [Fact]
    public async Task A_confirmed_hold_and_each_occurrence_of_a_series_take_a_free_room()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        await RequireAsync(c, "room");
        var room = await RoomAsync(c);
        var hold = (await c.HoldAsync("2026-06-09T09:00:00Z")).Expect(201);
        var confirmed = (await c.Api.PostAsync($"holds/{hold.Id}/confirm", new { patient_id = await c.T.CreatePatientAsync() })).Expect(201).Data;
        Assert.Equal([room], ResourceIds(confirmed));

        var series = (await c.Api.PostAsync("appointment-series", new
        {
            title = "Course", patient_id = await c.T.CreatePatientAsync(), appointment_type_id = c.Template, clinician_profile_id = c.Clinician,
            location_id = c.Location, start_time = "2026-06-09T13:00:00Z", end_time = "2026-06-09T13:30:00Z", recurrence = new { frequency = "weekly", count = 3 },
        })).Expect(201).Data;
        Assert.All(series.GetProperty("appointments").EnumerateArray(), a => Assert.Equal([room], ResourceIds(a)));
        Assert.Equal(4, await CountAsync(c.T, $"SELECT COUNT(*) FROM resource_busy WHERE resource_id = @room AND {TenantSql.Filter}", new { room }));
        // The room is taken at the second occurrence's time, whoever the clinician.
        var other = await c.T.CreateClinicianAsync("Dr Other", locationIds: c.Location);
        (await BookAsync(c, other, "2026-06-16T13:00:00Z")).ExpectError(409, "SLOT_UNAVAILABLE");
    }

    [Fact]
    public async Task Resources_sent_with_a_booking_must_be_the_tenants_active_ones_at_its_location()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var elsewhere = await RoomAsync(c, "Far room", location: await c.T.CreateLocationAsync("Far Surgery"));
        var inactive = await RoomAsync(c, "Old room");
        (await c.Api.PatchAsync($"resources/{inactive}", new { is_active = false })).Expect(200);
        foreach (var ids in new object[] { new[] { elsewhere }, new[] { inactive }, new[] { "res_0190b2a0-4a1e-7c3d-8e5f-00000000ffff" }, new[] { "room-1" }, "res_x" })
        {
            var refused = (await BookAsync(c, c.Clinician, "2026-06-09T10:00:00Z", ids)).ExpectError(422, "VALIDATION_ERROR");
            Assert.Equal(["resource_ids"], refused.ErrorFields);
        }
        Assert.Equal(0, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE {TenantSql.Filter}"));
        // A one-to-one booking without resources answers as it always did: no resource_ids field.
        var plain = (await BookAsync(c, c.Clinician, "2026-06-09T10:00:00Z")).Expect(201);
        Assert.False(plain.Data.TryGetProperty("resource_ids", out _));
        // A resource sent with a template that requires none is taken all the same.
        var equipment = await RoomAsync(c, "Hoist", "equipment");
        var withHoist = (await BookAsync(c, c.Clinician, "2026-06-09T11:00:00Z", new[] { equipment })).Expect(201);
        Assert.Equal([equipment], ResourceIds(withHoist.Data));
    }
}

public sealed class ResourcesTestsOnSqlite(SqliteServer server) : ResourcesTests(server);
public sealed class ResourcesTestsOnPostgres(PostgresServer server) : ResourcesTests(server);
