using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class AppointmentSeriesClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_series_is_booked_read_listed_and_cancelled_and_a_clash_is_a_conflict_listing_each_occurrence()
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync("Series Surgery", "Europe/London");
        var clinician = await t.CreateClinicianAsync("Dr Series", locationIds: location);
        using var sdk = Sdk.For(t);
        var first = new DateTimeOffset(2031, 3, 24, 9, 0, 0, TimeSpan.Zero);
        AppointmentSeriesCreate Series(string patient) => new()
        {
            Appointment = new AppointmentCreate
            {
                PatientId = patient, Title = "Physiotherapy", StartTime = first, EndTime = first.AddMinutes(30), ClinicianProfileId = clinician, LocationId = location,
            },
            Recurrence = new SeriesRecurrence { Frequency = "weekly", Count = 3 },
        };

        var series = await sdk.Client.AppointmentSeries.CreateAsync(Series(await t.CreatePatientAsync()), ct: Ct);
        Assert.StartsWith("ser_", series.Id);
        // Monday 24 March 2031 is in GMT, the next two in BST: 09:00 London each time.
        Assert.Equal([first, first.AddDays(7).AddHours(-1), first.AddDays(14).AddHours(-1)], series.Appointments.Select(a => a.StartTime));
        Assert.All(series.Appointments, a => Assert.Equal(series.Id, a.SeriesId));
        Assert.Equal(series.Appointments.Select(a => a.Id), (await sdk.Client.AppointmentSeries.GetAsync(series.Id, Ct)).Appointments.Select(a => a.Id));
        Assert.Equal(3, (await sdk.Client.Appointments.ListAsync(new AppointmentListQuery { SeriesId = series.Id }, Ct)).Data.Count);

        var clash = await Assert.ThrowsAsync<LeapConflictException>(() => sdk.Client.AppointmentSeries.CreateAsync(Series(series.PatientId), ct: Ct));
        Assert.Equal(LeapErrorCodes.SeriesConflict, clash.Code);
        Assert.Equal(series.Appointments.Select(a => a.Id), clash.Error.SeriesConflicts.Select(c => c.ConflictingAppointmentId));

        var moved = await sdk.Client.AppointmentSeries.MoveAsync(series.Id, SeriesScope.All, 30, ct: Ct);
        Assert.Equal(series.Appointments.Select(a => a.StartTime.AddMinutes(30)), moved.Appointments.Select(a => a.StartTime));
        var cancelled = await sdk.Client.AppointmentSeries.CancelAsync(series.Id, SeriesScope.Following, series.Appointments[1].Id, "Finished early", Ct);
        Assert.Equal([AppointmentStatus.Confirmed, AppointmentStatus.Cancelled, AppointmentStatus.Cancelled], cancelled.Appointments.Select(a => a.Status));
    }
}

public sealed class AppointmentSeriesClientTestsOnSqlite(SqliteServer server) : AppointmentSeriesClientTests(server);
public sealed class AppointmentSeriesClientTestsOnPostgres(PostgresServer server) : AppointmentSeriesClientTests(server);
