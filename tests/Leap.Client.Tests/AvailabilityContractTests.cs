using Leap.Client.Tests.Infrastructure;

namespace Leap.Client.Tests;

/// <summary>
/// The availability client against the documented contract, from canned responses: Leap's server endpoint
/// is not merged yet. Replace these with tests against the real server when it is.
/// </summary>
public sealed class AvailabilityContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Slot =
        """{"start_time":"2030-03-04T09:00:00Z","end_time":"2030-03-04T09:15:00Z","clinician_profile_id":"cli_1","clinician_name":"Dr Ada Example","location_id":"loc_1","appointment_template_id":"tmpl_1","is_available":true}""";

    [Fact]
    public async Task Get_sends_the_filters_and_reads_slots_and_date_range()
    {
        var stub = new StubHandler(200, $$$"""{"data":{"slots":[{{{Slot}}}],"date_range":{"from":"2030-03-04","to":"2030-03-10"}},"meta":{"request_id":"req_1"}}""");
        using var leap = StubHandler.Client(stub);

        var result = await leap.Availability.GetAsync(new AvailabilityQuery
        {
            AppointmentTemplateId = "tmpl_1", DateFrom = new DateOnly(2030, 3, 4), DateTo = new DateOnly(2030, 3, 10), ClinicianProfileId = "cli_1",
        }, Ct);

        Assert.Equal("https://api.example.com/api/v1/availability?date_from=2030-03-04&date_to=2030-03-10&appointment_template_id=tmpl_1&clinician_profile_id=cli_1",
            Assert.Single(stub.Requests).RequestUri!.ToString());
        var slot = Assert.Single(result.Slots);
        Assert.Equal(new AvailabilitySlot
        {
            StartTime = new DateTimeOffset(2030, 3, 4, 9, 0, 0, TimeSpan.Zero), EndTime = new DateTimeOffset(2030, 3, 4, 9, 15, 0, TimeSpan.Zero),
            ClinicianProfileId = "cli_1", ClinicianName = "Dr Ada Example", LocationId = "loc_1", AppointmentTemplateId = "tmpl_1", IsAvailable = true,
        }, slot);
        Assert.Equal(new DateRange { From = new DateOnly(2030, 3, 4), To = new DateOnly(2030, 3, 10) }, result.DateRange);
    }

    [Fact]
    public async Task Get_needs_both_dates()
    {
        using var leap = StubHandler.Client(new StubHandler(200, "{}"));
        await Assert.ThrowsAsync<ArgumentException>(() => leap.Availability.GetAsync(new AvailabilityQuery { AppointmentTemplateId = "tmpl_1", DateFrom = new DateOnly(2030, 3, 4) }, Ct));
    }

    [Fact]
    public async Task Next_returns_the_slot_or_null_when_data_is_null()
    {
        var found = new StubHandler(200, $$$"""{"data":{{{Slot}}},"meta":{"request_id":"req_2"}}""");
        var none = new StubHandler(200, """{"data":null,"meta":{"request_id":"req_3"}}""");
        using var leapFound = StubHandler.Client(found);
        using var leapNone = StubHandler.Client(none);
        var query = new AvailabilityQuery { AppointmentTemplateId = "tmpl_1", LocationId = "loc_1" };

        Assert.Equal("Dr Ada Example", (await leapFound.Availability.NextAsync(query, Ct))?.ClinicianName);
        Assert.Null(await leapNone.Availability.NextAsync(query, Ct));
        Assert.Equal("/api/v1/availability/next?appointment_template_id=tmpl_1&location_id=loc_1", Assert.Single(found.Requests).RequestUri!.PathAndQuery);
    }
}
