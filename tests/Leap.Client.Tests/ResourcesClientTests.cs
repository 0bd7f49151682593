using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

/// <summary>Rooms and equipment through the SDK: the resources, a template that requires a room, and a booking that takes one.</summary>
public abstract class ResourcesClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sdk_creates_lists_and_changes_resources_and_books_a_template_that_needs_a_room()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var resources = sdk.Client.Resources;
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync("Dr Sdk Room", locationIds: location);
        var patient = await t.CreatePatientAsync();

        var room = await resources.CreateAsync(new ResourceCreate { Name = "Treatment room 1", Type = ResourceType.Room, LocationId = location }, ct: Ct);
        Assert.StartsWith("res_", room.Id);
        Assert.Equal(("Treatment room 1", ResourceType.Room, location, true), (room.Name, room.Type, room.LocationId, room.IsActive));
        var hoist = await resources.CreateAsync(new ResourceCreate { Name = "Hoist", Type = ResourceType.Equipment, LocationId = location }, ct: Ct);
        Assert.Equal([room.Id], (await resources.ListAsync(new ResourceListQuery { Type = ResourceType.Room }, Ct)).Data.Select(r => r.Id));
        var renamed = await resources.UpdateAsync(hoist.Id, new ResourceUpdate { Name = "Ceiling hoist", IsActive = false }, Ct);
        Assert.Equal(("Ceiling hoist", false), (renamed.Name, renamed.IsActive));
        Assert.Equal(renamed, await resources.GetAsync(hoist.Id, Ct));
        Assert.Equal([hoist.Id], await resources.ListAllAsync(new ResourceListQuery { IsActive = false }, Ct).Select(r => r.Id).ToListAsync(Ct));

        var template = await sdk.Client.AppointmentTemplates.CreateAsync(new AppointmentTemplateCreate
        {
            Name = "Room consultation", Duration = 30, RequiredResourceTypes = [ResourceType.Room],
        }, ct: Ct);
        Assert.Equal([ResourceType.Room], template.RequiredResourceTypes);
        var start = new DateTimeOffset(2030, 6, 4, 9, 0, 0, TimeSpan.Zero);
        var booked = await sdk.Client.Appointments.CreateAsync(new AppointmentCreate
        {
            PatientId = patient, Title = "Room consultation", StartTime = start, EndTime = start.AddMinutes(30), AppointmentTypeId = template.Id,
            ClinicianProfileId = clinician, LocationId = location,
        }, ct: Ct);
        Assert.Equal([room.Id], booked.ResourceIds);
        var plain = await t.CreateTemplateAsync("Plain");
        var oneToOne = await sdk.Client.Appointments.CreateAsync(new AppointmentCreate
        {
            PatientId = patient, Title = "Plain", StartTime = start.AddHours(1), EndTime = start.AddHours(1).AddMinutes(30), AppointmentTypeId = plain,
            ClinicianProfileId = clinician, LocationId = location,
        }, ct: Ct);
        Assert.Null(oneToOne.ResourceIds);
    }
}

public sealed class ResourcesClientTestsOnSqlite(SqliteServer server) : ResourcesClientTests(server);
public sealed class ResourcesClientTestsOnPostgres(PostgresServer server) : ResourcesClientTests(server);
