using Leap.Client.Tests.Infrastructure;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Client.Tests;

public abstract class HoldsClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A clinician working 09:00-17:00 UTC a week from now, so the slot is inside notice and advance.</summary>
    private sealed record Setup(TestTenant T, Sdk Sdk, string Patient, string Template, string Clinician, string Location, DateTimeOffset Ten) : IDisposable
    {
        public HoldsClient Holds => Sdk.Client.Holds;

        public SlotRequest Slot(DateTimeOffset start, string? location = null) => new()
        {
            AppointmentTemplateId = Template, ClinicianProfileId = Clinician, StartTime = start, LocationId = location,
        };

        public async Task<System.Text.Json.JsonElement> StoredHoldAsync(string id) => (await T.Api.GetAsync($"holds/{id}")).Expect(200).Data;

        public async Task<IReadOnlyList<string>> StoredAppointmentsAsync() => (await T.Api.GetAsync("appointments")).Expect(200).Ids();

        public void Dispose() => Sdk.Dispose();
    }

    private async Task<Setup> ArrangeAsync(string? baseUrl = null)
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync("Hold Surgery", "Etc/UTC");
        var clinician = await t.CreateClinicianAsync("Dr Hold", locationIds: location);
        var day = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(7));
        await t.CreateSessionsAsync(clinician, location, "09:00", "17:00", date: day);
        var template = await t.CreateTemplateAsync("Consultation", duration: 30, bufferAfter: 5);
        var sdk = baseUrl is null ? Sdk.For(t) : new Sdk(baseUrl + "/api/v1", t.Api.Key!);
        return new Setup(t, sdk, await t.CreatePatientAsync("Held", "Patient"), template, clinician, location,
            new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero));
    }

    [Fact]
    public async Task Create_holds_the_slot_replays_with_its_key_and_a_second_hold_is_LeapSlotUnavailableException()
    {
        using var s = await ArrangeAsync();
        var key = Guid.NewGuid().ToString();

        var hold = await s.Holds.CreateAsync(s.Slot(s.Ten.ToOffset(TimeSpan.FromHours(2))), key, Ct);
        Assert.StartsWith("hold_", hold.Id);
        Assert.Equal((HoldStatus.Active, s.Template, s.Clinician, s.Location), (hold.Status, hold.AppointmentTemplateId, hold.ClinicianProfileId, hold.LocationId));
        Assert.Equal((s.Template, s.Clinician), (hold.AppointmentTypeId, hold.ClinicianId));
        Assert.Equal((s.Ten, s.Ten.AddMinutes(30)), (hold.StartTime, hold.EndTime));
        Assert.Equal(TimeSpan.FromMinutes(15), hold.ExpiresAt - hold.CreatedAt);
        Assert.Null(hold.AppointmentId);
        Assert.Equal(hold, await s.Holds.GetAsync(hold.Id, Ct));

        var stored = await s.StoredHoldAsync(hold.Id);
        Assert.Equal("active", stored.GetProperty("status").GetString());
        Assert.Equal(s.Ten, stored.GetProperty("start_time").GetDateTimeOffset());

        Assert.Equal(hold, await s.Holds.CreateAsync(s.Slot(s.Ten.ToOffset(TimeSpan.FromHours(2))), key, Ct));
        Assert.All(s.Sdk.Handler.To("POST", "/holds"), a => Assert.Equal(key, a.IdempotencyKey));

        var taken = await Assert.ThrowsAsync<LeapSlotUnavailableException>(() => s.Holds.CreateAsync(s.Slot(s.Ten.AddMinutes(15)), ct: Ct));
        Assert.Equal((409, LeapErrorCodes.SlotUnavailable), (taken.Status, taken.Code));
        Assert.Contains(hold.Id, taken.Message);
        // Outside the clinician's session: not bookable by the availability rules, refused the same way.
        var outside = await Assert.ThrowsAsync<LeapSlotUnavailableException>(() => s.Holds.CreateAsync(s.Slot(s.Ten.AddHours(8)), ct: Ct));
        Assert.Equal(LeapErrorCodes.SlotUnavailable, outside.Code);

        var invalid = await Assert.ThrowsAsync<LeapValidationException>(() =>
            s.Holds.CreateAsync(new SlotRequest { AppointmentTemplateId = "not-an-id", ClinicianProfileId = s.Clinician, StartTime = s.Ten }, ct: Ct));
        Assert.Contains(invalid.Details, d => d.Field == "appointment_template_id");
        await Assert.ThrowsAsync<LeapNotFoundException>(() => s.Holds.GetAsync("hold_missing", Ct));
    }

    [Fact]
    public async Task Confirm_books_the_held_slot_and_returns_the_appointment_then_the_hold_is_not_active()
    {
        using var s = await ArrangeAsync();
        var hold = await s.Holds.CreateAsync(s.Slot(s.Ten), ct: Ct);

        var appointment = await s.Holds.ConfirmAsync(hold.Id, new HoldConfirm { PatientId = s.Patient, Description = "From the web form" }, ct: Ct);
        Assert.StartsWith("apt_", appointment.Id);
        Assert.Equal((s.Patient, s.Template, s.Clinician, s.Location), (appointment.PatientId, appointment.AppointmentTypeId, appointment.ClinicianProfileId, appointment.LocationId));
        Assert.Equal((s.Ten, s.Ten.AddMinutes(30), 30, 5), (appointment.StartTime, appointment.EndTime, appointment.DurationMinutes, appointment.BufferAfterMinutes));
        Assert.Equal(("Consultation", "From the web form", "api", AppointmentStatus.Confirmed),
            (appointment.Title, appointment.Description, appointment.BookingSource, appointment.Status));
        await s.Sdk.AssertStoredOnceRoutedAsync(s.T, appointment, Ct);
        Assert.Equal([appointment.Id], await s.StoredAppointmentsAsync());

        var confirmed = await s.Holds.GetAsync(hold.Id, Ct);
        Assert.Equal((HoldStatus.Confirmed, appointment.Id), (confirmed.Status, confirmed.AppointmentId));
        Assert.Equal(appointment.Id, (await s.StoredHoldAsync(hold.Id)).GetProperty("appointment_id").GetString());
        var confirmKeys = s.Sdk.Handler.To("POST", "/confirm").Select(a => a.IdempotencyKey).ToList();
        Assert.True(Guid.TryParse(Assert.Single(confirmKeys), out _));

        var again = await Assert.ThrowsAsync<LeapHoldNotActiveException>(() => s.Holds.ConfirmAsync(hold.Id, new HoldConfirm { PatientId = s.Patient }, ct: Ct));
        Assert.Equal((409, LeapErrorCodes.InvalidState, HoldStatus.Confirmed, false), (again.Status, again.Code, again.Hold.Status, again.IsExpired));
        Assert.Equal(appointment.Id, again.Hold.AppointmentId);
        var release = await Assert.ThrowsAsync<LeapHoldNotActiveException>(() => s.Holds.ReleaseAsync(hold.Id, Ct));
        Assert.Equal(HoldStatus.Confirmed, release.Hold.Status);
        Assert.Equal([appointment.Id], await s.StoredAppointmentsAsync());
    }

    [Fact]
    public async Task An_invalid_confirm_is_LeapValidationException_and_the_hold_stays_active()
    {
        using var s = await ArrangeAsync();
        var hold = await s.Holds.CreateAsync(s.Slot(s.Ten), ct: Ct);

        var invalid = await Assert.ThrowsAsync<LeapValidationException>(() =>
            s.Holds.ConfirmAsync(hold.Id, new HoldConfirm { PatientId = "pat_missing", Status = "cancelled" }, ct: Ct));
        Assert.Contains(invalid.Details, d => d.Field == "status");
        Assert.Equal(HoldStatus.Active, (await s.Holds.GetAsync(hold.Id, Ct)).Status);
        Assert.Empty(await s.StoredAppointmentsAsync());
    }

    [Fact]
    public async Task Release_frees_the_slot_and_a_second_release_is_LeapHoldNotActiveException()
    {
        using var s = await ArrangeAsync();
        var hold = await s.Holds.CreateAsync(s.Slot(s.Ten), ct: Ct);

        var released = await s.Holds.ReleaseAsync(hold.Id, Ct);
        Assert.Equal((hold.Id, HoldStatus.Released), (released.Id, released.Status));
        Assert.Equal("released", (await s.StoredHoldAsync(hold.Id)).GetProperty("status").GetString());
        var again = await s.Holds.CreateAsync(s.Slot(s.Ten), ct: Ct);
        Assert.NotEqual(hold.Id, again.Id);

        var twice = await Assert.ThrowsAsync<LeapHoldNotActiveException>(() => s.Holds.ReleaseAsync(hold.Id, Ct));
        Assert.Equal((LeapErrorCodes.InvalidState, HoldStatus.Released, 1), (twice.Code, twice.Hold.Status, twice.Attempts));
        var confirm = await Assert.ThrowsAsync<LeapHoldNotActiveException>(() => s.Holds.ConfirmAsync(hold.Id, new HoldConfirm { PatientId = s.Patient }, ct: Ct));
        Assert.Equal(HoldStatus.Released, confirm.Hold.Status);
        Assert.Empty(await s.StoredAppointmentsAsync());
    }

    [Fact]
    public async Task Confirming_an_expired_hold_is_LeapHoldNotActiveException_with_IsExpired_and_books_nothing()
    {
        using var s = await ArrangeAsync();
        var hold = await s.Holds.CreateAsync(s.Slot(s.Ten), ct: Ct);
        // Fifteen minutes pass: moved into the past in the database rather than waited for.
        var past = DateTimeOffset.UtcNow.AddMinutes(-1);
        await s.T.WriteAsync(async db =>
        {
            await db.ExecuteAsync($"UPDATE holds SET expires_at = @past WHERE id = @id AND {TenantSql.Filter}", new { past, id = hold.Id });
            await db.ExecuteAsync($"UPDATE clinician_busy SET expires_at = @past WHERE id = @id AND {TenantSql.Filter}", new { past, id = hold.Id });
        });
        Assert.Equal(HoldStatus.Expired, (await s.Holds.GetAsync(hold.Id, Ct)).Status);

        var expired = await Assert.ThrowsAsync<LeapHoldNotActiveException>(() => s.Holds.ConfirmAsync(hold.Id, new HoldConfirm { PatientId = s.Patient }, ct: Ct));
        Assert.True(expired.IsExpired);
        Assert.Equal((409, LeapErrorCodes.InvalidState, HoldStatus.Expired), (expired.Status, expired.Code, expired.Hold.Status));
        Assert.Contains("expired", expired.Message);
        Assert.IsAssignableFrom<LeapConflictException>(expired);
        Assert.Empty(await s.StoredAppointmentsAsync());
        // The slot can be held again.
        Assert.Equal(HoldStatus.Active, (await s.Holds.CreateAsync(s.Slot(s.Ten), ct: Ct)).Status);
    }

    [Fact]
    public async Task Confirm_and_release_whose_answers_were_lost_are_retried_without_a_second_booking_or_an_error()
    {
        var faults = new FaultInjection();
        await using var app = server.StartAnotherServer(services: x => x.AddSingleton<IStartupFilter>(faults));
        using var s = await ArrangeAsync(app.BaseUrl);

        var hold = await s.Holds.CreateAsync(s.Slot(s.Ten), ct: Ct);
        faults.Plan("POST", $"/holds/{hold.Id}/confirm", new FaultInjection.LoseResponse());
        var appointment = await s.Holds.ConfirmAsync(hold.Id, new HoldConfirm { PatientId = s.Patient }, ct: Ct);
        Assert.Equal([appointment.Id], await s.StoredAppointmentsAsync());
        var keys = faults.KeysSeen;
        Assert.Equal(2, keys.Count);
        Assert.Equal(keys[0], keys[1]);

        var other = await s.Holds.CreateAsync(s.Slot(s.Ten.AddHours(2)), ct: Ct);
        faults.Plan("DELETE", $"/holds/{other.Id}", new FaultInjection.LoseResponse());
        var released = await s.Holds.ReleaseAsync(other.Id, Ct);
        Assert.Equal(HoldStatus.Released, released.Status);
        Assert.Equal([null, 409], s.Sdk.Handler.To("DELETE", $"/holds/{other.Id}").Select(a => a.Status));
    }
}

public sealed class HoldsClientTestsOnSqlite(SqliteServer server) : HoldsClientTests(server);
public sealed class HoldsClientTestsOnPostgres(PostgresServer server) : HoldsClientTests(server);
