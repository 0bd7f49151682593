using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class AvailabilityClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateOnly Day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);

    private static DateTimeOffset At(int hour, int minute = 0) => new(Day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    /// <summary>Two clinicians working 09:00-10:00 UTC on <see cref="Day"/>, and a 30-minute service.</summary>
    private static async Task<(string Template, string Ada, string Ben, string Surgery)> OpenClinicAsync(TestTenant t)
    {
        var template = await t.CreateTemplateAsync("Review", duration: 30);
        var surgery = await t.CreateLocationAsync("Availability Surgery", timezone: "Etc/UTC");
        var ada = await t.CreateClinicianAsync("Dr Ada Available", locationIds: surgery);
        var ben = await t.CreateClinicianAsync("Dr Ben Busy", locationIds: surgery);
        foreach (var clinician in new[] { ada, ben })
        {
            await t.CreateSessionsAsync(clinician, surgery, "09:00", "10:00", date: Day);
        }
        return (template, ada, ben, surgery);
    }

    [Fact]
    public async Task Include_offline_adds_what_is_not_bookable_online_for_a_key_that_books()
    {
        var t = await server.NewTenantAsync();
        var (template, ada, _, surgery) = await OpenClinicAsync(t);
        var phone = await t.CreateClinicianAsync("Dr Phone Only", bookableOnline: false, locationIds: surgery);
        await t.CreateSessionsAsync(phone, surgery, "09:00", "10:00", date: Day);
        using var reception = new Sdk(t.Fixture.BaseUrl + "/api/v1", (await t.KeyAsync(["read_availability", "write_appointments"])).Key!);
        using var site = new Sdk(t.Fixture.BaseUrl + "/api/v1", (await t.KeyAsync(["read_availability"])).Key!);
        var query = new AvailabilityQuery { AppointmentTemplateId = template, DateFrom = Day, DateTo = Day, ClinicianProfileId = phone };

        await Assert.ThrowsAsync<LeapValidationException>(() => reception.Client.Availability.GetAsync(query, Ct));
        var slots = await reception.Client.Availability.GetAsync(query with { IncludeOffline = true }, Ct);
        Assert.Equal([At(9), At(9, 15), At(9, 30)], slots.Slots.Select(s => s.StartTime));
        Assert.Equal(At(9), (await reception.Client.Availability.NextAsync(query with { IncludeOffline = true }, Ct))?.StartTime);
        var slot = new SlotRequest { AppointmentTemplateId = template, ClinicianProfileId = phone, StartTime = At(9, 30) };
        Assert.True((await reception.Client.Availability.VerifyAsync(slot, includeOffline: true, Ct)).Available);
        Assert.Contains(reception.Handler.Attempts, a => a.Path.EndsWith("/availability/verify", StringComparison.Ordinal) && a.Query.Contains("include_offline=true", StringComparison.Ordinal));

        var refused = await Assert.ThrowsAsync<LeapPermissionException>(() => site.Client.Availability.GetAsync(query with { IncludeOffline = true }, Ct));
        Assert.Equal(403, refused.Status);
        await Assert.ThrowsAsync<LeapPermissionException>(() => site.Client.Availability.VerifyAsync(slot, includeOffline: true, Ct));
        Assert.True((await site.Client.Availability.VerifyAsync(slot with { ClinicianProfileId = ada }, Ct)).Available);
    }

    [Fact]
    public async Task Get_lists_the_free_slots_the_server_computes()
    {
        var t = await server.NewTenantAsync();
        var (template, ada, ben, surgery) = await OpenClinicAsync(t);
        await t.Api.PostAsync("appointments", new
        {
            title = "Taken", patient_id = await t.CreatePatientAsync(), clinician_profile_id = ben,
            start_time = At(9), end_time = At(9, 30),
        });
        using var sdk = Sdk.For(t);

        var result = await sdk.Client.Availability.GetAsync(new AvailabilityQuery { AppointmentTemplateId = template, DateFrom = Day, DateTo = Day.AddDays(1) }, Ct);

        Assert.Equal(new DateRange { From = Day, To = Day.AddDays(1) }, result.DateRange);
        Assert.Equal(
            [(At(9), ada), (At(9, 15), ada), (At(9, 30), ada), (At(9, 30), ben)],
            result.Slots.Select(s => (s.StartTime, s.ClinicianProfileId)));
        Assert.Equal(new AvailabilitySlot
        {
            StartTime = At(9), EndTime = At(9, 30), ClinicianProfileId = ada, ClinicianName = "Dr Ada Available", LocationId = surgery,
            AppointmentTemplateId = template, IsAvailable = true,
        }, result.Slots[0]);
        var raw = (await t.Api.GetAsync($"availability?appointment_template_id={template}&date_from={Day:yyyy-MM-dd}&date_to={Day.AddDays(1):yyyy-MM-dd}")).Expect(200).Data;
        Assert.Equal(result.Slots.Count, raw.GetProperty("slots").GetArrayLength());

        var onlyBen = await sdk.Client.Availability.GetAsync(new AvailabilityQuery
        {
            AppointmentTemplateId = template, DateFrom = Day, DateTo = Day, ClinicianProfileId = ben, LocationId = surgery,
        }, Ct);
        Assert.Equal([At(9, 30)], onlyBen.Slots.Select(s => s.StartTime));
    }

    [Fact]
    public async Task Get_maps_a_range_longer_than_14_days_to_a_validation_error()
    {
        var t = await server.NewTenantAsync();
        var template = await t.CreateTemplateAsync();
        using var sdk = Sdk.For(t);

        var e = await Assert.ThrowsAsync<LeapValidationException>(() => sdk.Client.Availability.GetAsync(
            new AvailabilityQuery { AppointmentTemplateId = template, DateFrom = Day, DateTo = Day.AddDays(15) }, Ct));

        Assert.Equal((422, LeapErrorCodes.ValidationError), (e.Status, e.Code));
        Assert.Equal(["date_to"], e.Details.Select(d => d.Field));
    }

    [Fact]
    public async Task Next_finds_the_first_slot_or_null()
    {
        var t = await server.NewTenantAsync();
        var (template, _, ben, _) = await OpenClinicAsync(t);
        var other = await server.NewTenantAsync();
        var otherTemplate = await other.CreateTemplateAsync();
        using var sdk = Sdk.For(t);
        using var otherSdk = Sdk.For(other);

        var next = await sdk.Client.Availability.NextAsync(new SlotFilter { AppointmentTemplateId = template, ClinicianProfileId = ben }, Ct);
        Assert.Equal((At(9), ben, "Dr Ben Busy"), (next?.StartTime, next?.ClinicianProfileId, next?.ClinicianName));
        // A ranged query works too: /next takes no dates, so none are sent.
        var ranged = await sdk.Client.Availability.NextAsync(new AvailabilityQuery { AppointmentTemplateId = template, DateFrom = Day, DateTo = Day }, Ct);
        Assert.Equal(At(9), ranged?.StartTime);
        Assert.DoesNotContain("date_from", sdk.Handler.Attempts[^1].Query);

        // Another organisation, with the service but no clinicians working.
        Assert.Null(await otherSdk.Client.Availability.NextAsync(new SlotFilter { AppointmentTemplateId = otherTemplate }, Ct));
    }

    [Fact]
    public async Task Verify_says_whether_a_slot_is_free_and_why_not()
    {
        var t = await server.NewTenantAsync();
        var (template, ada, _, surgery) = await OpenClinicAsync(t);
        using var sdk = Sdk.For(t);
        var slot = new SlotRequest { AppointmentTemplateId = template, ClinicianProfileId = ada, StartTime = At(9, 5).ToOffset(TimeSpan.FromHours(2)) };

        var free = await sdk.Client.Availability.VerifyAsync(slot, Ct);
        Assert.Equal((true, (string?)null), (free.Available, free.Reason));
        Assert.Equal((At(9, 5), At(9, 35), surgery), (free.Slot?.StartTime, free.Slot?.EndTime, free.Slot?.LocationId));

        var booked = (await t.Api.PostAsync("appointments", new
        {
            title = "Taken", patient_id = await t.CreatePatientAsync(), clinician_profile_id = ada, start_time = At(9), end_time = At(9, 30),
        })).Expect(201).Id;
        var taken = await sdk.Client.Availability.VerifyAsync(slot, Ct);
        Assert.Equal((false, SlotUnavailableReason.Booked, (AvailabilitySlot?)null), (taken.Available, taken.Reason, taken.Slot));
        Assert.Contains(booked, taken.Message);

        var outside = await sdk.Client.Availability.VerifyAsync(slot with { StartTime = At(12) }, Ct);
        Assert.Equal(SlotUnavailableReason.OutsideSessions, outside.Reason);
    }
}

public sealed class AvailabilityClientTestsOnSqlite(SqliteServer server) : AvailabilityClientTests(server);
public sealed class AvailabilityClientTestsOnPostgres(PostgresServer server) : AvailabilityClientTests(server);
