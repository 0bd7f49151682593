using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Api;

public abstract class AppointmentTemplatesTests(LeapFixture server)
{
    [Fact]
    public async Task Create_sets_version_1_draft_and_defaults()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.PostAsync("appointment-templates", new { name = "Standard GP Consultation", price = 8500, pricing_type = "stripe" })).Expect(201);
        var data = created.Data;
        Assert.StartsWith("tmpl_", created.Id);
        Assert.Equal(1, data.GetProperty("version").GetInt32());
        Assert.Equal("draft", data.GetProperty("status").GetString());
        Assert.Equal(30, data.GetProperty("duration").GetInt32());
        Assert.Equal(8500, data.GetProperty("price").GetInt32());
        Assert.True(data.GetProperty("is_active").GetBoolean());
        Assert.True(data.GetProperty("allow_online_booking").GetBoolean());
        Assert.Equal(0, data.GetProperty("buffer_before_minutes").GetInt32());
        Assert.Equal(created.Data.ToString(), (await t.Api.GetAsync($"appointment-templates/{created.Id}")).Expect(200).Data.ToString());
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\": \"   \"}", "name")]
    [InlineData("{\"name\": \"X\", \"duration\": 0}", "duration")]
    [InlineData("{\"name\": \"X\", \"duration\": 30.5}", "duration")]
    [InlineData("{\"name\": \"X\", \"duration\": \"30\"}", "duration")]
    [InlineData("{\"name\": \"X\", \"price\": -1}", "price")]
    [InlineData("{\"name\": \"X\", \"price\": 99999999999999999999}", "price")]
    [InlineData("{\"name\": \"X\", \"pricing_type\": \"paypal\"}", "pricing_type")]
    [InlineData("{\"name\": \"X\", \"buffer_after_minutes\": 600}", "buffer_after_minutes")]
    [InlineData("{\"name\": \"X\", \"is_active\": \"true\"}", "is_active")]
    [InlineData("{\"name\": \"X\", \"min_notice_minutes\": -1}", "min_notice_minutes")]
    [InlineData("{\"name\": \"X\", \"max_advance_days\": 0}", "max_advance_days")]
    [InlineData("{\"name\": \"X\", \"max_advance_days\": 1000}", "max_advance_days")]
    [InlineData("{\"name\": \"X\", \"min_notice_minutes\": 2880, \"max_advance_days\": 2}", "min_notice_minutes")]
    public async Task Invalid_bodies_are_422_naming_the_field(string body, string field)
    {
        var t = await server.NewTenantAsync();
        var result = (await t.Api.PostAsync("appointment-templates", body)).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal([field], result.ErrorFields);
    }

    [Fact]
    public async Task List_filters_by_is_active_status_and_created_at()
    {
        var t = await server.NewTenantAsync();
        var active = await t.CreateTemplateAsync("Active");
        var inactive = await t.CreateTemplateAsync("Retired", active: false);
        var published = (await t.Api.PostAsync("appointment-templates", new { name = "Published", status = "published" })).Expect(201).Id;

        Assert.Equal([active, published], (await t.Api.GetAsync("appointment-templates?is_active=true")).Expect(200).Ids());
        Assert.Equal([inactive], (await t.Api.GetAsync("appointment-templates?is_active=false")).Expect(200).Ids());
        Assert.Equal([published], (await t.Api.GetAsync("appointment-templates?status=published")).Expect(200).Ids());
        Assert.Equal([active, inactive, published], (await t.Api.GetAsync("appointment-templates?status_in=draft,published")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync("appointment-templates?created_at_lte=2020-01-01T00:00:00Z")).Expect(200).Ids());
        (await t.Api.GetAsync("appointment-templates?is_active=yes")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.GetAsync("appointment-templates?status_in=draft,bogus")).ExpectError(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Patch_updates_a_template_without_bookings()
    {
        var t = await server.NewTenantAsync();
        var id = await t.CreateTemplateAsync();
        var patched = (await t.Api.PatchAsync($"appointment-templates/{id}", new { duration = 45, description = "Longer" })).Expect(200).Data;
        Assert.Equal(45, patched.GetProperty("duration").GetInt32());
        Assert.Equal("Longer", patched.GetProperty("description").GetString());
        Assert.Equal(45, (await t.Api.GetAsync($"appointment-templates/{id}")).Data.GetProperty("duration").GetInt32());
    }

    [Fact]
    public async Task Patch_of_a_booked_template_is_409_telling_to_create_a_new_version_but_it_can_be_deactivated()
    {
        var t = await server.NewTenantAsync();
        var template = await t.CreateTemplateAsync(duration: 30);
        var patient = await t.CreatePatientAsync();
        (await t.Api.PostAsync("appointments", new
        {
            title = "Booked",
            patient_id = patient,
            appointment_type_id = template,
            start_time = "2030-01-07T09:00:00Z",
            end_time = "2030-01-07T09:30:00Z",
        })).Expect(201);

        var refused = (await t.Api.PatchAsync($"appointment-templates/{template}", new { duration = 60 })).ExpectError(409, "CONFLICT");
        Assert.Contains("new version", refused.Error.GetProperty("message").GetString());
        Assert.Equal(30, (await t.Api.GetAsync($"appointment-templates/{template}")).Data.GetProperty("duration").GetInt32());

        var deactivated = (await t.Api.PatchAsync($"appointment-templates/{template}", new { is_active = false })).Expect(200).Data;
        Assert.False(deactivated.GetProperty("is_active").GetBoolean());
        // Online booking rules concern future bookings only, so they can change too.
        var rules = (await t.Api.PatchAsync($"appointment-templates/{template}", new { min_notice_minutes = 1440, max_advance_days = 28 })).Expect(200).Data;
        Assert.Equal(1440, rules.GetProperty("min_notice_minutes").GetInt32());
        Assert.Equal(28, rules.GetProperty("max_advance_days").GetInt32());
    }

    [Fact]
    public async Task Online_booking_rules_default_to_an_hours_notice_and_90_days_ahead()
    {
        var t = await server.NewTenantAsync();
        var created = (await t.Api.PostAsync("appointment-templates", new { name = "Defaults" })).Expect(201).Data;
        Assert.Equal(60, created.GetProperty("min_notice_minutes").GetInt32());
        Assert.Equal(90, created.GetProperty("max_advance_days").GetInt32());
        var set = (await t.Api.PostAsync("appointment-templates", new { name = "Same day", min_notice_minutes = 0, max_advance_days = 1 })).Expect(201).Data;
        Assert.Equal(0, set.GetProperty("min_notice_minutes").GetInt32());
        Assert.Equal(1, set.GetProperty("max_advance_days").GetInt32());
    }

    [Fact]
    public async Task Another_organisations_template_is_404()
    {
        var mine = await server.NewTenantAsync();
        var theirs = await server.NewTenantAsync();
        var id = await theirs.CreateTemplateAsync();
        (await mine.Api.GetAsync($"appointment-templates/{id}")).ExpectError(404, "NOT_FOUND");
        (await mine.Api.PatchAsync($"appointment-templates/{id}", new { name = "Mine now" })).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await mine.Api.GetAsync("appointment-templates")).Ids());
    }
}

public sealed class AppointmentTemplatesTestsOnSqlite(SqliteServer server) : AppointmentTemplatesTests(server);
public sealed class AppointmentTemplatesTestsOnPostgres(PostgresServer server) : AppointmentTemplatesTests(server);
