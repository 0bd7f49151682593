using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class AppointmentTemplatesClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_get_and_list_active_templates()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var templates = sdk.Client.AppointmentTemplates;

        var physio = await templates.CreateAsync(new AppointmentTemplateCreate
        {
            Name = "Physiotherapy Assessment", Description = "First visit", Duration = 45, Price = 8500, PricingType = "stripe",
            Status = "published", BufferBeforeMinutes = 5, BufferAfterMinutes = 10,
        }, ct: Ct);
        var retired = await templates.CreateAsync(new AppointmentTemplateCreate { Name = "Retired clinic", IsActive = false }, ct: Ct);

        Assert.StartsWith("tmpl_", physio.Id);
        Assert.Equal((45, 8500, "stripe", "published", 1), (physio.Duration, physio.Price, physio.PricingType, physio.Status, physio.Version));
        Assert.Equal((5, 10, true, true), (physio.BufferBeforeMinutes, physio.BufferAfterMinutes, physio.IsActive, physio.AllowOnlineBooking));
        Assert.Equal((30, 0, "free", "draft"), (retired.Duration, retired.Price, retired.PricingType, retired.Status));
        Assert.Equal(physio, await templates.GetAsync(physio.Id, Ct));

        Assert.Equal([physio.Id], (await templates.ListAsync(new() { IsActive = true }, Ct)).Data.Select(x => x.Id));
        Assert.Equal([retired.Id], (await templates.ListAsync(new() { IsActive = false }, Ct)).Data.Select(x => x.Id));
        Assert.Equal([physio.Id], (await templates.ListAsync(new() { StatusIn = ["published", "archived"] }, Ct)).Data.Select(x => x.Id));
        Assert.Equal([retired.Id], (await templates.ListAsync(new() { Status = "draft" }, Ct)).Data.Select(x => x.Id));
        Assert.Equal(2, (await templates.ListAsync(new() { CreatedAtGte = physio.CreatedAt, CreatedAtLte = retired.CreatedAt }, Ct)).Data.Count);
    }

    [Fact]
    public async Task Update_changes_the_fields_set_until_the_template_is_booked()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var templates = sdk.Client.AppointmentTemplates;
        var template = await templates.CreateAsync(new AppointmentTemplateCreate { Name = "Nurse", Description = "Bloods" }, ct: Ct);

        var updated = await templates.UpdateAsync(template.Id, new AppointmentTemplateUpdate { Duration = 20, Description = null }, Ct);
        Assert.Equal((20, null, "Nurse"), (updated.Duration, updated.Description, updated.Name));

        var patient = await t.CreatePatientAsync();
        await sdk.Client.Appointments.CreateAsync(new AppointmentCreate
        {
            PatientId = patient, AppointmentTypeId = template.Id, Title = "Nurse",
            StartTime = new DateTimeOffset(2030, 1, 7, 9, 0, 0, TimeSpan.Zero), EndTime = new DateTimeOffset(2030, 1, 7, 9, 20, 0, TimeSpan.Zero),
        }, ct: Ct);

        var refused = await Assert.ThrowsAsync<LeapConflictException>(() => templates.UpdateAsync(template.Id, new AppointmentTemplateUpdate { Duration = 25 }, Ct));
        Assert.Equal(LeapErrorCodes.Conflict, refused.Code);
        Assert.Contains("new version", refused.Message);
        var deactivated = await templates.UpdateAsync(template.Id, new AppointmentTemplateUpdate { IsActive = false }, Ct);
        Assert.Equal((false, 20), (deactivated.IsActive, deactivated.Duration));
    }

    [Fact]
    public async Task Booking_rules_min_notice_and_max_advance_are_read_created_and_updated()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var templates = sdk.Client.AppointmentTemplates;

        var defaults = await templates.CreateAsync(new AppointmentTemplateCreate { Name = "Defaults" }, ct: Ct);
        Assert.Equal((60, 90), (defaults.MinNoticeMinutes, defaults.MaxAdvanceDays));

        var template = await templates.CreateAsync(new AppointmentTemplateCreate { Name = "Rules", MinNoticeMinutes = 120, MaxAdvanceDays = 30 }, ct: Ct);
        Assert.Equal((120, 30), (template.MinNoticeMinutes, template.MaxAdvanceDays));
        var stored = (await t.Api.GetAsync($"appointment-templates/{template.Id}")).Expect(200).Data;
        Assert.Equal((120, 30), (stored.GetProperty("min_notice_minutes").GetInt32(), stored.GetProperty("max_advance_days").GetInt32()));

        var changes = new AppointmentTemplateUpdate { MinNoticeMinutes = 0, MaxAdvanceDays = 14 };
        Assert.Equal(["min_notice_minutes", "max_advance_days"], changes.FieldNames);
        var updated = await templates.UpdateAsync(template.Id, changes, Ct);
        Assert.Equal((0, 14), (updated.MinNoticeMinutes, updated.MaxAdvanceDays));
        stored = (await t.Api.GetAsync($"appointment-templates/{template.Id}")).Expect(200).Data;
        Assert.Equal((0, 14), (stored.GetProperty("min_notice_minutes").GetInt32(), stored.GetProperty("max_advance_days").GetInt32()));
        Assert.Equal(updated, await templates.GetAsync(template.Id, Ct));

        // A notice as long as the advance window leaves nothing to book: refused field by field.
        var refused = await Assert.ThrowsAsync<LeapValidationException>(() =>
            templates.UpdateAsync(template.Id, new AppointmentTemplateUpdate { MinNoticeMinutes = 14 * 24 * 60 }, Ct));
        Assert.Equal(LeapErrorCodes.ValidationError, refused.Code);
        Assert.Contains(refused.Details, d => d.Field == "min_notice_minutes");
    }
}

public sealed class AppointmentTemplatesClientTestsOnSqlite(SqliteServer server) : AppointmentTemplatesClientTests(server);
public sealed class AppointmentTemplatesClientTestsOnPostgres(PostgresServer server) : AppointmentTemplatesClientTests(server);
