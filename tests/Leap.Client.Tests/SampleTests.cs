using Leap.Client.Tests.Infrastructure;
using Leap.Samples.Booking;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

/// <summary>The sample's booking flow (the guide's steps, with the SDK) against a real server.</summary>
public abstract class SampleTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_flow_finds_or_creates_the_patient_and_books_once_per_idempotency_key()
    {
        var t = await server.NewTenantAsync();
        await t.CreateTemplateAsync("Standard GP Consultation", duration: 15);
        var physio = await t.CreateTemplateAsync("Physiotherapy Assessment", duration: 45);
        await t.CreateTemplateAsync("Retired Physiotherapy Clinic", active: false);
        var surgery = await t.CreateLocationAsync("Sample Surgery", timezone: "Etc/UTC");
        var clinician = await t.CreateClinicianAsync("Dr Sample Physio", locationIds: surgery);
        await t.CreateSessionsAsync(clinician, surgery, "09:00", "17:00", weekdays: Enum.GetNames<DayOfWeek>().Select(d => d.ToLowerInvariant()));
        var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7);
        using var sdk = Sdk.For(t);
        var output = new StringWriter();
        var request = new BookingRequest
        {
            Patient = new PatientCreate { FirstName = "Sam", LastName = "Samplebooker", DateOfBirth = new DateOnly(1990, 4, 1), Email = "sam@example.com" },
            Template = "physio", From = from,
        };

        var first = await new BookingFlow(sdk.Client, output).RunAsync(request, Ct);
        var second = await new BookingFlow(sdk.Client, output).RunAsync(request with { IdempotencyKey = Guid.NewGuid().ToString() }, Ct);

        Assert.Equal(physio, first.Template.Id);
        Assert.True(first.PatientCreated);
        Assert.False(second.PatientCreated);
        Assert.Equal(first.Patient.Id, second.Patient.Id);
        Assert.Equal(first.Appointment.Id, first.Resubmitted.Id);
        Assert.Equal((new DateTimeOffset(from.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero), 45, clinician, surgery),
            (first.Appointment.StartTime, first.Appointment.DurationMinutes, first.Appointment.ClinicianProfileId, first.Appointment.LocationId));
        // The first booking took the clinician's 09:00-09:45, so availability offers the second one 09:45 next.
        Assert.Equal(first.Appointment.EndTime, second.Appointment.StartTime);
        Assert.Equal([first.Appointment.Id, second.Appointment.Id], (await t.Api.GetAsync("appointments")).Expect(200).Ids());
        Assert.Single((await t.Api.GetAsync("patients?search=samplebooker")).Expect(200).Ids());

        var text = output.ToString();
        Assert.Contains("Physiotherapy Assessment (45 min, free)", text);
        Assert.Contains($"{from:yyyy-MM-dd} 09:00 to 09:45 UTC with Dr Sample Physio", text);
        Assert.DoesNotContain("Retired", text);
        Assert.Contains("no second booking", text);
    }

    [Fact]
    public async Task The_flow_says_so_when_no_service_matches()
    {
        var t = await server.NewTenantAsync();
        await t.CreateTemplateAsync("Nurse Appointment");
        using var sdk = Sdk.For(t);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new BookingFlow(sdk.Client, TextWriter.Null).RunAsync(new BookingRequest
        {
            Patient = new PatientCreate { FirstName = "No", LastName = "Match", DateOfBirth = new DateOnly(1990, 1, 1) },
            Template = "dentist", From = new DateOnly(2030, 5, 6),
        }, Ct));

        Assert.Contains("dentist", e.Message);
        Assert.Empty((await t.Api.GetAsync("patients")).Expect(200).Ids());
    }
}

public sealed class SampleTestsOnSqlite(SqliteServer server) : SampleTests(server);
public sealed class SampleTestsOnPostgres(PostgresServer server) : SampleTests(server);
