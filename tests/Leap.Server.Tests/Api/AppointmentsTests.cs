using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

public abstract class AppointmentsTests(LeapFixture server)
{
    private sealed record Setup(TestTenant T, string Patient, string Template, string Clinician, string Location);

    private async Task<Setup> ArrangeAsync(int bufferBefore = 0, int bufferAfter = 0)
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync();
        return new Setup(t, await t.CreatePatientAsync("Book", "Me"), await t.CreateTemplateAsync(duration: 30, bufferBefore: bufferBefore, bufferAfter: bufferAfter),
            await t.CreateClinicianAsync(locationIds: location), location);
    }

    private static object Booking(Setup s, string start, string end, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = "Consultation",
            ["patient_id"] = s.Patient,
            ["appointment_type_id"] = s.Template,
            ["clinician_profile_id"] = s.Clinician,
            ["location_id"] = s.Location,
            ["start_time"] = start,
            ["end_time"] = end,
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return body;
    }

    [Fact]
    public async Task Create_books_with_server_set_fields()
    {
        var s = await ArrangeAsync();
        var created = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z", new { description = "Knee pain" }))).Expect(201);
        var a = created.Data;
        Assert.StartsWith("apt_", created.Id);
        Assert.Equal("confirmed", a.GetProperty("status").GetString());
        Assert.Equal("api", a.GetProperty("booking_source").GetString());
        Assert.Equal(30, a.GetProperty("duration_minutes").GetInt32());
        Assert.Equal("2030-01-07T09:00:00Z", a.GetProperty("start_time").GetString());
        Assert.Equal("Book Me", a.GetProperty("attendee_name").GetString());
        Assert.False(a.GetProperty("is_remote").GetBoolean());
        Assert.False(a.GetProperty("allow_overlap").GetBoolean());
        await s.T.AssertStoredOnceRoutedAsync(a);
    }

    [Fact]
    public async Task Start_and_end_are_accepted_with_any_offset_and_returned_in_utc()
    {
        var s = await ArrangeAsync();
        var a = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-06-03T10:00:00+01:00", "2030-06-03T10:30:00+01:00"))).Expect(201).Data;
        Assert.Equal("2030-06-03T09:00:00Z", a.GetProperty("start_time").GetString());
    }

    [Theory]
    [InlineData("2030-01-07T09:00:00", "2030-01-07T09:30:00Z", "start_time")]
    [InlineData("next tuesday", "2030-01-07T09:30:00Z", "start_time")]
    [InlineData("2030-01-07T09:30:00Z", "2030-01-07T09:00:00Z", "end_time")]
    [InlineData("2030-01-07T09:00:00Z", "2030-01-07T09:00:00Z", "end_time")]
    [InlineData("2030-01-07T09:00:00Z", "2030-01-09T09:00:00Z", "end_time")]
    [InlineData("1999-01-07T09:00:00Z", "1999-01-07T09:30:00Z", "start_time")]
    public async Task Bad_times_are_422(string start, string end, string field)
    {
        var s = await ArrangeAsync();
        var result = (await s.T.Api.PostAsync("appointments", Booking(s, start, end))).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal([field], result.ErrorFields);
    }

    [Fact]
    public async Task Missing_required_fields_are_all_reported()
    {
        var s = await ArrangeAsync();
        var result = (await s.T.Api.PostAsync("appointments", new { description = "nothing else" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["end_time", "patient_id", "start_time", "title"], result.ErrorFields.Order());
    }

    [Fact]
    public async Task References_must_exist_in_the_same_organisation_and_mode()
    {
        var s = await ArrangeAsync();
        var other = await server.NewTenantAsync();
        var body = new
        {
            title = "x",
            start_time = "2030-01-07T09:00:00Z",
            end_time = "2030-01-07T09:30:00Z",
            patient_id = await other.CreatePatientAsync(),
            appointment_type_id = await other.CreateTemplateAsync(),
            clinician_profile_id = await other.CreateClinicianAsync(),
            location_id = await other.CreateLocationAsync(),
        };
        var result = (await s.T.Api.PostAsync("appointments", body)).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_type_id", "clinician_profile_id", "location_id", "patient_id"], result.ErrorFields.Order());
        Assert.Empty((await s.T.Api.GetAsync("appointments")).Ids());
    }

    [Fact]
    public async Task Archived_patients_and_inactive_templates_are_refused()
    {
        var s = await ArrangeAsync();
        (await s.T.Api.PatchAsync($"patients/{s.Patient}", new { archived = true, archive_reason = "Left the practice" })).Expect(200);
        var retired = await s.T.CreateTemplateAsync("Retired", active: false);
        var result = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z", new { appointment_type_id = retired })))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_type_id", "patient_id"], result.ErrorFields.Order());
    }

    [Fact]
    public async Task Double_booking_a_clinician_is_409_SLOT_UNAVAILABLE_naming_the_clashing_appointment()
    {
        var s = await ArrangeAsync();
        var first = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201).Id;
        var clash = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:15:00Z", "2030-01-07T09:45:00Z")))
            .ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Equal(first, clash.Error.GetProperty("conflicting_appointment_id").GetString());
        Assert.Contains(first, clash.Error.GetProperty("message").GetString());
        Assert.Equal([first], (await s.T.Api.GetAsync("appointments")).Ids());

        // Back to back is fine; another clinician at the same time is fine.
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:30:00Z", "2030-01-07T10:00:00Z"))).Expect(201);
        var other = await s.T.CreateClinicianAsync("Dr Other");
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z", new { clinician_profile_id = other }))).Expect(201);
    }

    [Fact]
    public async Task Template_buffers_keep_bookings_apart()
    {
        var s = await ArrangeAsync(bufferBefore: 5, bufferAfter: 10);
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201);
        // 09:30 + 10 min after-buffer + 5 min before-buffer: the next start must be 09:45 or later.
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:40:00Z", "2030-01-07T10:10:00Z"))).ExpectError(409, "SLOT_UNAVAILABLE");
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:45:00Z", "2030-01-07T10:15:00Z"))).Expect(201);
    }

    [Fact]
    public async Task Allow_overlap_books_deliberately_and_is_recorded()
    {
        var s = await ArrangeAsync();
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201);
        var overbooked = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z", new { allow_overlap = true }))).Expect(201);
        Assert.True(overbooked.Data.GetProperty("allow_overlap").GetBoolean());
    }

    [Fact]
    public async Task Cancel_frees_the_slot_and_cancelling_twice_is_409()
    {
        var s = await ArrangeAsync();
        var id = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201).Id;
        var cancelled = (await s.T.Api.PostAsync($"appointments/{id}/cancel", new { cancellation_reason = "Patient unwell" })).Expect(200).Data;
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("Patient unwell", cancelled.GetProperty("cancellation_reason").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, cancelled.GetProperty("cancelled_at").ValueKind);

        var again = (await s.T.Api.PostAsync($"appointments/{id}/cancel")).ExpectError(409, "INVALID_STATE");
        Assert.Contains("already cancelled", again.Error.GetProperty("message").GetString());

        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201);
        (await s.T.Api.PatchAsync($"appointments/{id}", new { title = "Too late" })).ExpectError(409, "INVALID_STATE");
    }

    [Fact]
    public async Task Complete_and_no_show_apply_only_after_the_start_and_only_once()
    {
        var s = await ArrangeAsync();
        var past = DateTimeOffset.UtcNow.AddHours(-2);
        var done = (await s.T.Api.PostAsync("appointments", Booking(s, Iso(past), Iso(past.AddMinutes(30))))).Expect(201).Id;
        var missed = (await s.T.Api.PostAsync("appointments", Booking(s, Iso(past.AddHours(-3)), Iso(past.AddHours(-3).AddMinutes(30))))).Expect(201).Id;
        var future = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201).Id;

        var completed = (await s.T.Api.PostAsync($"appointments/{done}/complete")).Expect(200).Data;
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal("attended", completed.GetProperty("attendance_status").GetString());
        (await s.T.Api.PostAsync($"appointments/{done}/complete")).ExpectError(409, "INVALID_STATE");
        (await s.T.Api.PostAsync($"appointments/{done}/cancel")).ExpectError(409, "INVALID_STATE");

        Assert.Equal("no_show", (await s.T.Api.PostAsync($"appointments/{missed}/no-show")).Expect(200).Data.GetProperty("status").GetString());
        (await s.T.Api.PostAsync($"appointments/{future}/complete")).ExpectError(409, "INVALID_STATE");
    }

    [Fact]
    public async Task Patch_reschedules_keeping_length_and_refuses_status_changes()
    {
        var s = await ArrangeAsync();
        var id = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201).Id;
        var moved = (await s.T.Api.PatchAsync($"appointments/{id}", new { start_time = "2030-01-07T11:00:00Z" })).Expect(200).Data;
        Assert.Equal("2030-01-07T11:00:00Z", moved.GetProperty("start_time").GetString());
        Assert.Equal("2030-01-07T11:30:00Z", moved.GetProperty("end_time").GetString());

        // The old time is free again; the new one is taken.
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201);
        (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T11:00:00Z", "2030-01-07T11:30:00Z"))).ExpectError(409, "SLOT_UNAVAILABLE");

        var status = (await s.T.Api.PatchAsync($"appointments/{id}", new { status = "cancelled" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["status"], status.ErrorFields);
        (await s.T.Api.PatchAsync($"appointments/{id}", new { patient_id = s.Patient })).ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Reschedule_onto_a_taken_slot_is_409_and_changes_nothing()
    {
        var s = await ArrangeAsync();
        var first = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201).Id;
        var second = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T10:00:00Z", "2030-01-07T10:30:00Z"))).Expect(201).Id;
        var clash = (await s.T.Api.PatchAsync($"appointments/{second}", new { start_time = "2030-01-07T09:15:00Z" })).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Equal(first, clash.Error.GetProperty("conflicting_appointment_id").GetString());
        Assert.Equal("2030-01-07T10:00:00Z", (await s.T.Api.GetAsync($"appointments/{second}")).Data.GetProperty("start_time").GetString());
    }

    [Fact]
    public async Task List_filters_and_orders_by_start_time()
    {
        var s = await ArrangeAsync();
        var late = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-08T09:00:00Z", "2030-01-08T09:30:00Z"))).Expect(201).Id;
        var early = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201).Id;
        var otherPatient = await s.T.CreatePatientAsync("Someone", "Else");
        var cancelled = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-09T09:00:00Z", "2030-01-09T09:30:00Z", new { patient_id = otherPatient }))).Expect(201).Id;
        (await s.T.Api.PostAsync($"appointments/{cancelled}/cancel")).Expect(200);

        Assert.Equal([early, late, cancelled], (await s.T.Api.GetAsync("appointments")).Ids());
        Assert.Equal([early, late], (await s.T.Api.GetAsync($"appointments?patient_id={s.Patient}")).Ids());
        Assert.Equal([early, late], (await s.T.Api.GetAsync("appointments?status_in=confirmed,scheduled,pending,pending_approval")).Ids());
        Assert.Equal([cancelled], (await s.T.Api.GetAsync("appointments?status=cancelled")).Ids());
        Assert.Equal([late], (await s.T.Api.GetAsync("appointments?date_gte=2030-01-08T00:00:00Z&date_lte=2030-01-08T23:59:59Z")).Ids());
        Assert.Equal([early], (await s.T.Api.GetAsync("appointments?start_time_lte=2030-01-07")).Ids());
        Assert.Equal([early, late, cancelled], (await s.T.Api.GetAsync($"appointments?clinician_id={s.Clinician}&appointment_type_id={s.Template}&location_id={s.Location}")).Ids());
        Assert.Equal([early], (await s.T.Api.GetAsync("appointments?limit=1")).Ids());
    }

    [Fact]
    public async Task Another_organisations_appointment_is_404_for_every_verb()
    {
        var s = await ArrangeAsync();
        var id = (await s.T.Api.PostAsync("appointments", Booking(s, "2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201).Id;
        var other = await server.NewTenantAsync();
        (await other.Api.GetAsync($"appointments/{id}")).ExpectError(404, "NOT_FOUND");
        (await other.Api.PatchAsync($"appointments/{id}", new { title = "x" })).ExpectError(404, "NOT_FOUND");
        (await other.Api.PostAsync($"appointments/{id}/cancel")).ExpectError(404, "NOT_FOUND");
        Assert.Equal("confirmed", (await s.T.Api.GetAsync($"appointments/{id}")).Data.GetProperty("status").GetString());
    }

    private static string Iso(DateTimeOffset t) => new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
}

public sealed class AppointmentsTestsOnSqlite(SqliteServer server) : AppointmentsTests(server);
public sealed class AppointmentsTestsOnPostgres(PostgresServer server) : AppointmentsTests(server);
