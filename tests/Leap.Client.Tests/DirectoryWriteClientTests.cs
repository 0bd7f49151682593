using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

/// <summary>The directory and rota written through the SDK: profiles, locations, sessions, blocks, closures and stranding edits.</summary>
public abstract class DirectoryWriteClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sdk_creates_and_changes_locations_clinicians_and_their_rota()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var template = await t.CreateTemplateAsync("Physio");
        var locations = sdk.Client.Locations;
        var clinicians = sdk.Client.ClinicianProfiles;

        var location = await locations.CreateAsync(new LocationCreate
        {
            Name = "Riverside Surgery", AddressLine1 = "1 Example Street", Postcode = "zz99 1aa", Lat = 51.5, Timezone = "Europe/London",
            OpeningHours = new OpeningHours { Monday = new DayHours { Open = "08:00", Close = "18:00" } },
        }, ct: Ct);
        Assert.Equal(("ZZ99 1AA", "1 Example Street", "08:00", true), (location.Postcode, location.AddressLine1, location.OpeningHours?.Monday?.Open, location.IsActive));
        var changed = await locations.UpdateAsync(location.Id, new LocationUpdate { Phone = "020 7946 0001", AddressLine2 = "Unit 2" }, ct: Ct);
        Assert.Equal(("020 7946 0001", "Unit 2", "Riverside Surgery"), (changed.Phone, changed.AddressLine2, changed.Name));
        Assert.Equal(changed, await locations.GetAsync(location.Id, Ct));

        var clinician = await clinicians.CreateAsync(new ClinicianProfileCreate { Name = "Dr Sdk Example", Role = "Physiotherapist", AppointmentTemplateIds = [template] }, ct: Ct);
        Assert.Equal([template], clinician.AppointmentTemplateIds);
        Assert.Equal((true, "Dr Sdk Example"), (clinician.IsBookableOnline, clinician.DisplayName));
        var renamed = await clinicians.UpdateAsync(clinician.Id, new ClinicianProfileUpdate { Role = null, AppointmentTemplateIds = [] }, ct: Ct);
        Assert.Equal((null, 0), (renamed.Role, renamed.AppointmentTemplateIds.Count));

        var session = await clinicians.AddSessionAsync(clinician.Id, new ClinicianSessionCreate
        {
            LocationId = location.Id, Weekday = Weekdays.Tuesday, StartTime = "09:00", EndTime = "12:00", ValidFrom = new DateOnly(2030, 1, 1),
        }, ct: Ct);
        Assert.Equal((ClinicianSessionType.Weekly, "12:00"), (session.Type, session.EndTime));
        Assert.Equal([location.Id], (await clinicians.GetAsync(clinician.Id, Ct)).LocationIds);
        var longer = await clinicians.UpdateSessionAsync(clinician.Id, session.Id, new ClinicianSessionUpdate { EndTime = "13:00", ValidFrom = null }, ct: Ct);
        Assert.Equal(("13:00", (DateOnly?)null), (longer.EndTime, longer.ValidFrom));

        var block = await clinicians.AddBlockAsync(clinician.Id, new ClinicianBlockCreate
        {
            StartTime = TimeAwayCreate.Days(new DateOnly(2030, 8, 5)), EndTime = TimeAwayCreate.Days(new DateOnly(2030, 8, 9)), Reason = ClinicianBlockReason.Leave,
        }, ct: Ct);
        Assert.Equal((new DateTimeOffset(2030, 8, 4, 23, 0, 0, TimeSpan.Zero), new DateTimeOffset(2030, 8, 9, 23, 0, 0, TimeSpan.Zero)), (block.StartTime, block.EndTime));
        Assert.True((await clinicians.RemoveBlockAsync(clinician.Id, block.Id, Ct)).Deleted);
        Assert.Empty((await clinicians.ListBlocksAsync(clinician.Id, ct: Ct)).Data);

        var closure = await locations.AddClosureAsync(location.Id, new LocationClosureCreate
        {
            StartTime = TimeAwayCreate.Instant(new DateTimeOffset(2030, 12, 25, 0, 0, 0, TimeSpan.Zero)),
            EndTime = TimeAwayCreate.Instant(new DateTimeOffset(2030, 12, 27, 0, 0, 0, TimeSpan.Zero)), Reason = LocationClosureReason.BankHoliday, Note = "Christmas",
        }, ct: Ct);
        Assert.StartsWith("clo_", closure.Id);
        Assert.Equal([closure], (await locations.ListClosuresAsync(location.Id, new() { Reason = LocationClosureReason.BankHoliday }, Ct)).Data);
        Assert.Empty((await locations.ListClosuresAsync(location.Id, new() { StartTimeLte = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) }, Ct)).Data);
        Assert.True((await locations.RemoveClosureAsync(location.Id, closure.Id, Ct)).Deleted);
        Assert.True((await clinicians.RemoveSessionAsync(clinician.Id, session.Id, ct: Ct)).Deleted);
        Assert.Empty((await t.Api.GetAsync($"clinician-profiles/{clinician.Id}/sessions")).Expect(200).Ids());

        var invalid = await Assert.ThrowsAsync<LeapValidationException>(() =>
            clinicians.CreateAsync(new ClinicianProfileCreate { Name = "Dr Bad", Email = "nope", AppointmentTemplateIds = ["tmpl_missing"] }, ct: Ct));
        Assert.Equal(["appointment_template_ids", "email"], invalid.Details.Select(d => d.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_stranding_edit_throws_a_conflict_naming_the_appointment_and_with_force_the_answer_lists_it()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var clinicians = sdk.Client.ClinicianProfiles;
        var location = await sdk.Client.Locations.CreateAsync(new LocationCreate { Name = "Stranding Surgery", Timezone = "Etc/UTC" }, ct: Ct);
        var clinician = await clinicians.CreateAsync(new ClinicianProfileCreate { Name = "Dr Busy" }, ct: Ct);
        var session = await clinicians.AddSessionAsync(clinician.Id,
            new ClinicianSessionCreate { LocationId = location.Id, Weekday = Weekdays.Tuesday, StartTime = "09:00", EndTime = "12:00" }, ct: Ct);
        var booked = (await t.Api.PostAsync("appointments", new
        {
            title = "Booked", patient_id = await t.CreatePatientAsync(), clinician_profile_id = clinician.Id, location_id = location.Id,
            start_time = "2030-06-04T10:00:00Z", end_time = "2030-06-04T10:30:00Z",
        })).Expect(201).Id;

        var refused = await Assert.ThrowsAsync<LeapConflictException>(() => clinicians.RemoveSessionAsync(clinician.Id, session.Id, ct: Ct));
        Assert.Equal((LeapErrorCodes.Conflict, booked), (refused.Code, Assert.Single(refused.StrandedAppointmentIds)));
        Assert.Equal("force", Assert.Single(refused.Details).Field);
        var leave = new ClinicianBlockCreate { StartTime = "2030-06-04", EndTime = "2030-06-04" };
        Assert.Equal([booked], (await Assert.ThrowsAsync<LeapConflictException>(() => clinicians.AddBlockAsync(clinician.Id, leave, ct: Ct))).StrandedAppointmentIds);
        Assert.Equal([booked], (await clinicians.AddBlockAsync(clinician.Id, leave with { Force = true }, ct: Ct)).StrandedAppointmentIds);

        var shorter = await clinicians.UpdateSessionAsync(clinician.Id, session.Id, new ClinicianSessionUpdate { EndTime = "10:00" }, force: true, Ct);
        Assert.Equal(("10:00", booked), (shorter.EndTime, Assert.Single(shorter.StrandedAppointmentIds)));
        await clinicians.UpdateSessionAsync(clinician.Id, session.Id, new ClinicianSessionUpdate { EndTime = "12:00" }, ct: Ct);
        Assert.Equal([booked], (await clinicians.RemoveSessionAsync(clinician.Id, session.Id, force: true, Ct)).StrandedAppointmentIds);
        await Assert.ThrowsAsync<LeapConflictException>(() => clinicians.UpdateAsync(clinician.Id, new ClinicianProfileUpdate { IsActive = false }, ct: Ct));
        var inactive = await clinicians.UpdateAsync(clinician.Id, new ClinicianProfileUpdate { IsActive = false }, force: true, Ct);
        Assert.Equal((false, booked), (inactive.IsActive, Assert.Single(inactive.StrandedAppointmentIds)));
        var closed = await sdk.Client.Locations.UpdateAsync(location.Id, new LocationUpdate { IsActive = false }, force: true, Ct);
        Assert.Equal([booked], closed.StrandedAppointmentIds);

        Assert.Equal("confirmed", (await sdk.Client.Appointments.GetAsync(booked, Ct)).Status);
    }
}

public sealed class DirectoryWriteClientTestsOnSqlite(SqliteServer server) : DirectoryWriteClientTests(server);
public sealed class DirectoryWriteClientTestsOnPostgres(PostgresServer server) : DirectoryWriteClientTests(server);
