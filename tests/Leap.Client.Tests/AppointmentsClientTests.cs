using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class AppointmentsClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2030, 3, day, hour, minute, 0, TimeSpan.Zero);

    private sealed record Setup(TestTenant T, Sdk Sdk, string Patient, string Template, string Clinician, string Location) : IDisposable
    {
        public AppointmentsClient Appointments => Sdk.Client.Appointments;

        public AppointmentCreate Booking(DateTimeOffset start, int minutes = 30) => new()
        {
            PatientId = Patient, AppointmentTypeId = Template, ClinicianProfileId = Clinician, LocationId = Location,
            Title = "Consultation", StartTime = start, EndTime = start.AddMinutes(minutes),
        };

        public void Dispose() => Sdk.Dispose();
    }

    private async Task<Setup> ArrangeAsync()
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync();
        return new Setup(t, Sdk.For(t), await t.CreatePatientAsync("Book", "Me"), await t.CreateTemplateAsync(duration: 30, bufferAfter: 5),
            await t.CreateClinicianAsync(locationIds: location), location);
    }

    [Fact]
    public async Task Book_get_and_list_with_filters()
    {
        using var s = await ArrangeAsync();
        var booked = await s.Appointments.CreateAsync(s.Booking(At(4, 9)) with { Description = "Knee pain", AttendeeEmail = "book.me@example.com" }, ct: Ct);
        var later = await s.Appointments.CreateAsync(s.Booking(At(5, 14)), ct: Ct);

        Assert.StartsWith("apt_", booked.Id);
        Assert.Equal((AppointmentStatus.Confirmed, "api", 30, 5), (booked.Status, booked.BookingSource, booked.DurationMinutes, booked.BufferAfterMinutes));
        Assert.Equal((At(4, 9), At(4, 9, 30)), (booked.StartTime, booked.EndTime));
        Assert.Equal(("Book Me", "book.me@example.com", "Knee pain"), (booked.AttendeeName, booked.AttendeeEmail, booked.Description));
        Assert.Equal((s.Clinician, s.Location, s.Template), (booked.ClinicianProfileId, booked.LocationId, booked.AppointmentTypeId));
        await s.Sdk.AssertStoredOnceRoutedAsync(s.T, booked, Ct);

        Assert.Equal([booked.Id, later.Id], (await s.Appointments.ListAsync(new() { PatientId = s.Patient }, Ct)).Data.Select(a => a.Id));
        Assert.Equal([later.Id], (await s.Appointments.ListAsync(new() { DateGte = At(5, 0), DateLte = At(5, 23) }, Ct)).Data.Select(a => a.Id));
        Assert.Equal(2, (await s.Appointments.ListAsync(new()
        {
            ClinicianProfileId = s.Clinician, LocationId = s.Location, AppointmentTypeId = s.Template,
            StatusIn = [AppointmentStatus.Confirmed, AppointmentStatus.Scheduled], CreatedAtLte = later.CreatedAt,
        }, Ct)).Data.Count);
        Assert.Empty((await s.Appointments.ListAsync(new() { Status = AppointmentStatus.Cancelled }, Ct)).Data);
    }

    [Fact]
    public async Task A_clash_with_the_clinicians_time_is_LeapSlotUnavailableException_naming_the_appointment()
    {
        using var s = await ArrangeAsync();
        var first = await s.Appointments.CreateAsync(s.Booking(At(4, 9)), ct: Ct);

        // 09:30 is inside the first booking's 5-minute buffer.
        var clash = await Assert.ThrowsAsync<LeapSlotUnavailableException>(() => s.Appointments.CreateAsync(s.Booking(At(4, 9, 30)), ct: Ct));

        Assert.Equal((409, LeapErrorCodes.SlotUnavailable, first.Id), (clash.Status, clash.Code, clash.ConflictingAppointmentId));
        Assert.Equal(1, clash.Attempts);
        Assert.Equal([201, 409], s.Sdk.Handler.To("POST", "/appointments").Select(a => a.Status));
        Assert.Equal([first.Id], (await s.T.Api.GetAsync("appointments")).Expect(200).Ids());
    }

    [Fact]
    public async Task Reschedule_moves_the_appointment_and_frees_its_old_time()
    {
        using var s = await ArrangeAsync();
        var booked = await s.Appointments.CreateAsync(s.Booking(At(4, 9)), ct: Ct);

        var moved = await s.Appointments.RescheduleAsync(booked.Id, At(4, 11), ct: Ct);
        Assert.Equal((At(4, 11), At(4, 11, 30)), (moved.StartTime, moved.EndTime));
        var longer = await s.Appointments.RescheduleAsync(booked.Id, At(4, 11), At(4, 12), Ct);
        Assert.Equal((At(4, 12), 60), (longer.EndTime, longer.DurationMinutes));

        var other = await s.Appointments.CreateAsync(s.Booking(At(4, 9)), ct: Ct);
        Assert.NotEqual(booked.Id, other.Id);
        await Assert.ThrowsAsync<LeapSlotUnavailableException>(() => s.Appointments.RescheduleAsync(booked.Id, At(4, 9), ct: Ct));
    }

    [Fact]
    public async Task Update_changes_descriptive_fields_and_null_clears_the_clinician()
    {
        using var s = await ArrangeAsync();
        var booked = await s.Appointments.CreateAsync(s.Booking(At(4, 9)), ct: Ct);

        var updated = await s.Appointments.UpdateAsync(booked.Id, new AppointmentUpdate
        {
            Title = "Follow-up", IsRemote = true, RemoteChannel = "video", VideoLink = "https://video.example.com/room", ClinicianProfileId = null,
        }, Ct);

        Assert.Equal(("Follow-up", true, "video", "https://video.example.com/room"), (updated.Title, updated.IsRemote, updated.RemoteChannel, updated.VideoLink));
        Assert.Null(updated.ClinicianProfileId);
        Assert.Equal(booked.StartTime, updated.StartTime);
        var refused = await Assert.ThrowsAsync<LeapValidationException>(() => s.Appointments.UpdateAsync(booked.Id, new AppointmentUpdate { EndTime = At(4, 8) }, Ct));
        Assert.Equal(["end_time"], refused.Details.Select(d => d.Field));
    }

    [Fact]
    public async Task Cancel_records_the_reason_and_a_second_cancel_is_INVALID_STATE()
    {
        using var s = await ArrangeAsync();
        var booked = await s.Appointments.CreateAsync(s.Booking(At(4, 9)), ct: Ct);

        var cancelled = await s.Appointments.CancelAsync(booked.Id, "Patient unwell", Ct);
        Assert.Equal((AppointmentStatus.Cancelled, "Patient unwell"), (cancelled.Status, cancelled.CancellationReason));
        Assert.NotNull(cancelled.CancelledAt);

        var again = await Assert.ThrowsAsync<LeapConflictException>(() => s.Appointments.CancelAsync(booked.Id, ct: Ct));
        Assert.Equal((LeapErrorCodes.InvalidState, 1), (again.Code, again.Attempts));
        Assert.Contains("already cancelled", again.Message);
        // The freed time can be booked again.
        await s.Appointments.CreateAsync(s.Booking(At(4, 9)), ct: Ct);
    }

    [Fact]
    public async Task Complete_and_no_show_apply_once_the_appointment_has_started()
    {
        using var s = await ArrangeAsync();
        var past = new DateTimeOffset(2020, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var attended = await s.Appointments.CreateAsync(s.Booking(past), ct: Ct);
        var missed = await s.Appointments.CreateAsync(s.Booking(past.AddHours(2)), ct: Ct);
        var future = await s.Appointments.CreateAsync(s.Booking(At(4, 9)), ct: Ct);

        var completed = await s.Appointments.CompleteAsync(attended.Id, Ct);
        Assert.Equal((AppointmentStatus.Completed, "attended"), (completed.Status, completed.AttendanceStatus));
        var noShow = await s.Appointments.MarkNoShowAsync(missed.Id, Ct);
        Assert.Equal((AppointmentStatus.NoShow, "no_show"), (noShow.Status, noShow.AttendanceStatus));

        var early = await Assert.ThrowsAsync<LeapConflictException>(() => s.Appointments.CompleteAsync(future.Id, Ct));
        Assert.Equal(LeapErrorCodes.InvalidState, early.Code);
        Assert.Equal(AppointmentStatus.Confirmed, (await s.Appointments.GetAsync(future.Id, Ct)).Status);
    }

    [Fact]
    public async Task Notes_round_trip_and_updated_at_filters_poll_for_changes()
    {
        using var s = await ArrangeAsync();
        var booked = await s.Appointments.CreateAsync(s.Booking(At(6, 9)) with { Notes = "Bring the referral letter" }, ct: Ct);
        Assert.Equal("Bring the referral letter", booked.Notes);
        Assert.Equal([booked.Id], (await s.Appointments.ListAsync(new() { UpdatedAtGte = booked.UpdatedAt }, Ct)).Data.Select(a => a.Id));
        Assert.Empty((await s.Appointments.ListAsync(new() { UpdatedAtLte = booked.UpdatedAt.AddMinutes(-1) }, Ct)).Data);
    }

    [Fact]
    public async Task Patients_join_a_group_session_until_it_is_full_and_leave_it()
    {
        using var s = await ArrangeAsync();
        var template = await s.Sdk.Client.AppointmentTemplates.CreateAsync(new() { Name = "Back class", Duration = 30, MaxParticipants = 2, MinParticipants = 2 }, ct: Ct);
        Assert.Equal((2, 2), (template.MaxParticipants, template.MinParticipants));
        var session = await s.Appointments.CreateAsync(s.Booking(At(6, 9)) with { AppointmentTypeId = template.Id }, ct: Ct);
        Assert.Equal((2, 1, 1), (session.MaxParticipants, session.ParticipantCount, session.SeatsRemaining));

        var second = await s.T.CreatePatientAsync();
        var joined = await s.Appointments.AddParticipantAsync(session.Id, second, ct: Ct);
        Assert.Equal((session.Id, second, "joined"), (joined.AppointmentId, joined.PatientId, joined.Status));
        // The booking's patient holds the first seat already.
        Assert.Equal(LeapErrorCodes.Conflict, (await Assert.ThrowsAsync<LeapConflictException>(() => s.Appointments.AddParticipantAsync(session.Id, s.Patient, ct: Ct))).Code);
        var third = await s.T.CreatePatientAsync();
        Assert.Equal(LeapErrorCodes.SessionFull, (await Assert.ThrowsAsync<LeapConflictException>(() => s.Appointments.AddParticipantAsync(session.Id, third, ct: Ct))).Code);

        var left = await s.Appointments.RemoveParticipantAsync(session.Id, second, Ct);
        Assert.Equal("cancelled", left.Status);
        Assert.Equal([s.Patient, second], (await s.Appointments.ListParticipantsAsync(session.Id, Ct)).Select(p => p.PatientId));
        Assert.Equal(1, (await s.Appointments.GetAsync(session.Id, Ct)).SeatsRemaining);
        Assert.Null((await s.Appointments.CreateAsync(s.Booking(At(6, 11)), ct: Ct)).MaxParticipants);
    }
}

public sealed class AppointmentsClientTestsOnSqlite(SqliteServer server) : AppointmentsClientTests(server);
public sealed class AppointmentsClientTestsOnPostgres(PostgresServer server) : AppointmentsClientTests(server);
