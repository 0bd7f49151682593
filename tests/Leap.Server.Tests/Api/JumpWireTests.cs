using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

/// <summary>
/// What a Jump client sends that Leap used to misread (issue 17): the template and clinician fields under their
/// other names, first-generation fields and paths, bare UUIDs, and the change-polling and look-up filters.
/// </summary>
public abstract class JumpWireTests(LeapFixture server)
{
    private sealed record Setup(TestTenant T, string Patient, string Template, string Clinician, string Location);

    private async Task<Setup> ArrangeAsync(int bufferAfter = 0)
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync();
        return new Setup(t, await t.CreatePatientAsync(), await t.CreateTemplateAsync(duration: 30, bufferAfter: bufferAfter),
            await t.CreateClinicianAsync(locationIds: location), location);
    }

    private static string Bare(string id) => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..];

    [Fact]
    public async Task Appointment_template_id_books_the_template_with_its_buffers()
    {
        var s = await ArrangeAsync(bufferAfter: 15);
        var booked = (await s.T.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = s.Patient, appointment_template_id = s.Template, clinician_profile_id = s.Clinician,
            start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
        })).Expect(201).Data;
        Assert.Equal(s.Template, booked.GetProperty("appointment_type_id").GetString());
        Assert.Equal(15, booked.GetProperty("buffer_after_minutes").GetInt32());

        // The buffer after 09:30 keeps the clinician busy until 09:45.
        (await s.T.Api.PostAsync("appointments", new
        {
            title = "Next", patient_id = s.Patient, clinician_profile_id = s.Clinician,
            start_time = "2030-01-07T09:30:00Z", end_time = "2030-01-07T09:40:00Z",
        })).ExpectError(409, "SLOT_UNAVAILABLE");
    }

    [Fact]
    public async Task Two_different_template_ids_or_clinician_ids_are_422_and_book_nothing()
    {
        var s = await ArrangeAsync();
        var other = await s.T.CreateTemplateAsync("Other");
        var otherClinician = await s.T.CreateClinicianAsync("Dr Other");
        var result = (await s.T.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = s.Patient, appointment_type_id = s.Template, appointment_template_id = other,
            clinician_profile_id = s.Clinician, clinician_id = otherClinician, start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_template_id", "clinician_id"], result.ErrorFields.Order());
        Assert.Empty((await s.T.Api.GetAsync("appointments")).Ids());

        // The same id under both names is fine.
        (await s.T.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = s.Patient, appointment_type_id = s.Template, appointment_template_id = s.Template,
            start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
        })).Expect(201);
    }

    [Fact]
    public async Task Clinician_id_books_the_clinician_and_is_protected_from_double_booking()
    {
        var s = await ArrangeAsync();
        object Booking(string start, string end) => new
        {
            title = "Consultation", patient_id = s.Patient, appointment_type_id = s.Template, clinician_id = s.Clinician,
            start_time = start, end_time = end,
        };
        var first = (await s.T.Api.PostAsync("appointments", Booking("2030-01-07T09:00:00Z", "2030-01-07T09:30:00Z"))).Expect(201);
        Assert.Equal(s.Clinician, first.Data.GetProperty("clinician_profile_id").GetString());

        var clash = (await s.T.Api.PostAsync("appointments", Booking("2030-01-07T09:15:00Z", "2030-01-07T09:45:00Z"))).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Equal(first.Id, clash.Error.GetProperty("conflicting_appointment_id").GetString());
        Assert.Equal([first.Id], (await s.T.Api.GetAsync($"appointments?clinician_id={s.Clinician}")).Ids());
    }

    [Fact]
    public async Task Notes_are_kept_returned_and_changeable()
    {
        var s = await ArrangeAsync();
        var id = (await s.T.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = s.Patient, start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
            notes = "Bring the X-ray\nfrom last year",
        })).Expect(201).Id;
        Assert.Equal("Bring the X-ray\nfrom last year", (await s.T.Api.GetAsync($"appointments/{id}")).Data.GetProperty("notes").GetString());
        (await s.T.Api.PatchAsync($"appointments/{id}", new { notes = "No X-ray needed" })).Expect(200);
        Assert.Equal("No X-ray needed", (await s.T.Api.GetAsync($"appointments/{id}")).Data.GetProperty("notes").GetString());
    }

    [Fact]
    public async Task Bare_uuids_are_accepted_in_bodies_paths_and_queries_and_answers_keep_the_prefix()
    {
        var s = await ArrangeAsync();
        var booked = (await s.T.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = Bare(s.Patient), appointment_type_id = Bare(s.Template), clinician_profile_id = Bare(s.Clinician),
            location_id = Bare(s.Location), start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
        })).Expect(201);
        Assert.Equal(s.Patient, booked.Data.GetProperty("patient_id").GetString());
        Assert.Equal(s.Template, booked.Data.GetProperty("appointment_type_id").GetString());
        Assert.Equal(s.Clinician, booked.Data.GetProperty("clinician_profile_id").GetString());
        Assert.Equal(s.Location, booked.Data.GetProperty("location_id").GetString());

        Assert.Equal(booked.Id, (await s.T.Api.GetAsync($"appointments/{Bare(booked.Id)}")).Expect(200).Id);
        Assert.Equal(s.Patient, (await s.T.Api.GetAsync($"patients/{Bare(s.Patient)}")).Expect(200).Id);
        Assert.Equal(s.Clinician, (await s.T.Api.GetAsync($"clinician-profiles/{Bare(s.Clinician)}")).Expect(200).Id);
        Assert.Equal(s.Location, (await s.T.Api.GetAsync($"locations/{Bare(s.Location)}")).Expect(200).Id);
        Assert.Equal(s.Template, (await s.T.Api.GetAsync($"appointment-templates/{Bare(s.Template)}")).Expect(200).Id);
        Assert.Equal([booked.Id], (await s.T.Api.GetAsync($"appointments?patient_id={Bare(s.Patient)}&clinician_profile_id={Bare(s.Clinician)}")).Ids());
        Assert.Equal("cancelled", (await s.T.Api.PostAsync($"appointments/{Bare(booked.Id)}/cancel")).Expect(200).Data.GetProperty("status").GetString());

        // Another organisation's record stays a 404 however its id is written; a malformed id is still refused.
        var other = await server.NewTenantAsync();
        (await other.Api.GetAsync($"appointments/{Bare(booked.Id)}")).ExpectError(404, "NOT_FOUND");
        var bad = (await s.T.Api.PostAsync("appointments", new
        {
            title = "x", patient_id = "not-a-uuid", start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["patient_id"], bad.ErrorFields);
    }

    [Fact]
    public async Task Appointment_types_are_templates_in_the_first_generation_shape()
    {
        var t = await server.NewTenantAsync();
        var id = (await t.Api.PostAsync("appointment-templates", new
        {
            name = "GP visit", duration = 20, price = 8550, pricing_type = "stripe", min_notice_minutes = 90, cancellation_notice_hours = 48, max_participants = 6,
        })).Expect(201).Id;
        var type = (await t.Api.GetAsync($"appointment-types/{id}")).Expect(200).Data;
        Assert.Equal(id, type.GetProperty("id").GetString());
        Assert.Equal(20, type.GetProperty("duration_minutes").GetInt32());
        Assert.Equal(85.50m, type.GetProperty("price").GetDecimal());
        Assert.Equal("GBP", type.GetProperty("currency").GetString());
        Assert.True(type.GetProperty("requires_payment").GetBoolean());
        Assert.Equal(2, type.GetProperty("booking_notice_hours").GetInt32());
        Assert.Equal(48, type.GetProperty("cancellation_notice_hours").GetInt32());
        Assert.Equal(6, type.GetProperty("max_group_size").GetInt32());
        Assert.Equal(JsonValueKind.Null, type.GetProperty("color").ValueKind);
        Assert.False(type.TryGetProperty("duration", out _));
        Assert.Equal([id], (await t.Api.GetAsync("appointment-types?limit=5")).Expect(200).Ids());

        (await (await server.NewTenantAsync()).Api.GetAsync($"appointment-types/{id}")).ExpectError(404, "NOT_FOUND");
        var noScope = await t.KeyAsync(Scopes.All.Where(s => s != Scopes.ReadAppointmentTemplates));
        (await noScope.GetAsync("appointment-types")).ExpectError(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Clinicians_are_clinician_profiles_in_the_first_generation_shape()
    {
        var t = await server.NewTenantAsync();
        var id = (await t.Api.PostAsync("clinician-profiles", new
        {
            name = "Dr Ada Example", first_name = "Ada", last_name = "Example", role = "GP", qualifications = "MBBS, MRCGP",
            photo_url = "https://example.com/ada.png",
        })).Expect(201).Id;
        var clinician = (await t.Api.GetAsync($"clinicians/{Bare(id)}")).Expect(200).Data;
        Assert.Equal(id, clinician.GetProperty("id").GetString());
        Assert.Equal("MBBS, MRCGP", clinician.GetProperty("title").GetString());
        Assert.Equal("https://example.com/ada.png", clinician.GetProperty("avatar_url").GetString());
        Assert.Equal(0, clinician.GetProperty("specialties").GetArrayLength());
        Assert.Equal([id], (await t.Api.GetAsync("clinicians")).Expect(200).Ids());
        (await (await server.NewTenantAsync()).Api.GetAsync($"clinicians/{id}")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Availability_takes_the_first_generation_parameters()
    {
        await using var c = await Clinic.OpenAsync(server, new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var current = await c.StartsAsync("2026-06-08", "2026-06-09", extra: $"&clinician_profile_id={c.Clinician}");
        var older = (await c.Api.GetAsync(
            $"availability?appointment_type_id={c.Template}&start_date=2026-06-08&end_date=2026-06-09&clinician_id={Bare(c.Clinician)}&is_remote=false")).Expect(200);
        Assert.NotEmpty(current);
        Assert.Equal(current, Clinic.Starts(older.Data.GetProperty("slots").EnumerateArray()));

        var bad = (await c.Api.GetAsync($"availability?appointment_type_id={c.Template}&start_date=2026-06-08&is_remote=maybe")).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["end_date", "is_remote"], bad.ErrorFields.Order());
    }

    [Fact]
    public async Task Appointments_filter_on_updated_at_for_change_polling()
    {
        var s = await ArrangeAsync();
        var id = (await s.T.Api.PostAsync("appointments", new
        {
            title = "Consultation", patient_id = s.Patient, start_time = "2030-01-07T09:00:00Z", end_time = "2030-01-07T09:30:00Z",
        })).Expect(201).Id;
        Assert.Equal([id], (await s.T.Api.GetAsync("appointments?updated_at_gte=2020-01-01T00:00:00Z")).Expect(200).Ids());
        Assert.Empty((await s.T.Api.GetAsync("appointments?updated_at_gte=2099-01-01T00:00:00Z")).Expect(200).Ids());
        Assert.Empty((await s.T.Api.GetAsync("appointments?updated_at_lte=2020-01-01T00:00:00Z")).Expect(200).Ids());
    }

    [Fact]
    public async Task Patients_filter_on_nhs_number_email_and_date_of_birth()
    {
        var t = await server.NewTenantAsync();
        var sarah = await t.CreatePatientAsync("Sarah", "Filter", "1985-03-15", new { nhs_number = "943 476 5919", email = "sarah@example.com" });
        var other = await t.CreatePatientAsync("Other", "Filter", "1990-01-01", new { email = "other@example.com" });
        Assert.Equal([sarah], (await t.Api.GetAsync("patients?nhs_number=9434765919")).Expect(200).Ids());
        Assert.Equal([other], (await t.Api.GetAsync("patients?email=other@example.com")).Expect(200).Ids());
        Assert.Equal([sarah], (await t.Api.GetAsync("patients?date_of_birth=1985-03-15")).Expect(200).Ids());
        Assert.Empty((await (await server.NewTenantAsync()).Api.GetAsync("patients?date_of_birth=1985-03-15")).Expect(200).Ids());
    }
}

public sealed class JumpWireTestsOnSqlite(SqliteServer server) : JumpWireTests(server);
public sealed class JumpWireTestsOnPostgres(PostgresServer server) : JumpWireTests(server);
