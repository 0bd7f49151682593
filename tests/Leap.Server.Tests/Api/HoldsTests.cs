using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Server.Accounts;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Clinicians;
using Leap.Server.Holds;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Server.Tests.Api;

/// <summary>Holds: a 15-minute reservation of one slot, confirmed into an appointment or released; the clock is the test's.</summary>
public abstract class HoldsTests(LeapFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private Task<Clinic> OpenAsync(int bufferBefore = 0, int bufferAfter = 0, int minNotice = 0) =>
        Clinic.OpenAsync(server, Now, bufferBefore: bufferBefore, bufferAfter: bufferAfter, minNotice: minNotice);

    [Fact]
    public async Task Create_reserves_the_slot_for_15_minutes_and_replays_with_the_same_key()
    {
        await using var c = await OpenAsync();
        var key = Guid.NewGuid().ToString();
        var created = (await c.HoldAsync("2026-06-08T10:00:00Z", key)).Expect(201);
        var hold = created.Data;
        Assert.StartsWith("hold_", created.Id);
        Assert.Equal("active", hold.GetProperty("status").GetString());
        Assert.Equal("2026-06-08T10:00:00Z", hold.GetProperty("start_time").GetString());
        Assert.Equal("2026-06-08T10:30:00Z", hold.GetProperty("end_time").GetString());
        Assert.Equal("2026-06-01T08:15:00Z", hold.GetProperty("expires_at").GetString());
        Assert.Equal(c.Location, hold.GetProperty("location_id").GetString());
        Assert.Equal(c.Template, hold.GetProperty("appointment_template_id").GetString());
        Assert.Equal(c.Template, hold.GetProperty("appointment_type_id").GetString());
        Assert.Equal(c.Clinician, hold.GetProperty("clinician_profile_id").GetString());
        Assert.Equal(c.Clinician, hold.GetProperty("clinician_id").GetString());
        Assert.Equal(JsonValueKind.Null, hold.GetProperty("appointment_id").ValueKind);

        var replay = (await c.HoldAsync("2026-06-08T10:00:00Z", key)).Expect(201);
        Assert.Equal(created.Raw, replay.Raw);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(hold.ToString(), (await c.Api.GetAsync($"holds/{created.Id}")).Expect(200).Data.ToString());

        // Held time (09:45, 10:00 and 10:15 overlap it) is offered to no one; it returns once the hold expires.
        var starts = await c.StartsAsync("2026-06-08", "2026-06-08");
        Assert.Contains("2026-06-08T09:30:00Z", starts);
        Assert.Contains("2026-06-08T10:30:00Z", starts);
        Assert.DoesNotContain(starts, s => string.CompareOrdinal(s, "2026-06-08T09:45:00Z") >= 0 && string.CompareOrdinal(s, "2026-06-08T10:15:00Z") <= 0);
        c.Server.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Contains("2026-06-08T10:00:00Z", await c.StartsAsync("2026-06-08", "2026-06-08"));
        Assert.Equal("expired", (await c.Api.GetAsync($"holds/{created.Id}")).Expect(200).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Jump_first_generation_body_with_a_local_date_and_time_is_accepted()
    {
        await using var c = await OpenAsync();
        var hold = (await c.Api.PostAsync("holds", new { appointment_type_id = c.Template, clinician_id = c.Clinician, date = "2026-06-08", start_time = "11:00" }))
            .Expect(201).Data;
        Assert.Equal("2026-06-08T10:00:00Z", hold.GetProperty("start_time").GetString());
        Assert.Equal(c.Location, hold.GetProperty("location_id").GetString());

        var bad = (await c.Api.PostAsync("holds", new { appointment_type_id = c.Template, clinician_id = "cli_nope", date = "2026-06-08", start_time = "11am" }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["clinician_id", "start_time"], bad.ErrorFields.Order());
        var extreme = (await c.Api.PostAsync("holds", new { appointment_type_id = c.Template, clinician_id = c.Clinician, date = "9999-12-31", start_time = "23:59" }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["date"], extreme.ErrorFields);
    }

    [Fact]
    public async Task Slots_that_are_not_bookable_cannot_be_held()
    {
        await using var c = await OpenAsync(minNotice: 24 * 60);
        await c.T.CreateBlockAsync(c.Clinician, Clinic.At("2026-06-09T00:00:00Z"), Clinic.At("2026-06-10T00:00:00Z"));
        foreach (var (start, words) in new[]
        {
            ("2026-06-01T12:00:00Z", "notice"),
            ("2026-06-06T10:00:00Z", "does not work"),
            ("2026-06-08T15:45:00Z", "does not work"),
            ("2026-06-09T10:00:00Z", "away"),
        })
        {
            var refused = (await c.HoldAsync(start)).ExpectError(409, "SLOT_UNAVAILABLE");
            Assert.Contains(words, refused.Error.GetProperty("message").GetString());
        }
        var db = server.Services.GetRequiredService<Database>();
        Assert.Equal(0, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM holds WHERE org_id = @OrgId", new { c.T.OrgId }));
    }

    [Fact]
    public async Task A_held_slot_is_refused_to_other_holds_and_bookings_until_it_expires()
    {
        await using var c = await OpenAsync(bufferAfter: 10);
        var hold = (await c.HoldAsync("2026-06-08T10:00:00Z")).Expect(201).Id;

        var clash = (await c.HoldAsync("2026-06-08T10:30:00Z")).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Contains($"hold {hold}", clash.Error.GetProperty("message").GetString());
        var patient = await c.T.CreatePatientAsync();
        object Booking() => new
        {
            title = "Walk-in", patient_id = patient, clinician_profile_id = c.Clinician, start_time = "2026-06-08T10:15:00Z", end_time = "2026-06-08T10:45:00Z",
        };
        var booking = (await c.Api.PostAsync("appointments", Booking())).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Contains($"hold {hold}", booking.Error.GetProperty("message").GetString());
        Assert.Contains("2026-06-01T08:15:00Z", booking.Error.GetProperty("message").GetString());
        var elsewhere = await c.BookAsync("2026-06-08T14:00:00Z", "2026-06-08T14:30:00Z");
        var moved = (await c.Api.PatchAsync($"appointments/{elsewhere}", new { start_time = "2026-06-08T10:00:00Z" })).ExpectError(409, "SLOT_UNAVAILABLE");
        Assert.Contains($"hold {hold}", moved.Error.GetProperty("message").GetString());

        // Expired holds stop counting at once: the booking clears the hold's row in its own transaction.
        c.Server.Clock.Advance(TimeSpan.FromMinutes(15));
        (await c.Api.PostAsync("appointments", Booking())).Expect(201);
        var db = server.Services.GetRequiredService<Database>();
        Assert.Equal(0, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM clinician_busy WHERE id = @hold", new { hold }));
        Assert.Equal("expired", (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Confirm_turns_the_hold_into_an_appointment_atomically()
    {
        await using var c = await OpenAsync(bufferBefore: 5, bufferAfter: 10);
        var hold = (await c.HoldAsync("2026-06-08T10:00:00Z")).Expect(201).Id;
        var patient = await c.T.CreatePatientAsync("Held", "Patient", extra: new { email = "held.patient@example.com" });
        var key = Guid.NewGuid().ToString();

        var confirmed = (await c.Api.PostAsync($"holds/{hold}/confirm", new { patient_id = patient, description = "First visit" }, key)).Expect(201);
        var appointment = confirmed.Data;
        Assert.StartsWith("apt_", confirmed.Id);
        Assert.Equal("Consultation", appointment.GetProperty("title").GetString());
        Assert.Equal("confirmed", appointment.GetProperty("status").GetString());
        Assert.Equal("api", appointment.GetProperty("booking_source").GetString());
        Assert.Equal("2026-06-08T10:00:00Z", appointment.GetProperty("start_time").GetString());
        Assert.Equal("2026-06-08T10:30:00Z", appointment.GetProperty("end_time").GetString());
        Assert.Equal(c.Clinician, appointment.GetProperty("clinician_profile_id").GetString());
        Assert.Equal(c.Location, appointment.GetProperty("location_id").GetString());
        Assert.Equal(c.Template, appointment.GetProperty("appointment_type_id").GetString());
        Assert.Equal("Held Patient", appointment.GetProperty("attendee_name").GetString());
        Assert.Equal("held.patient@example.com", appointment.GetProperty("attendee_email").GetString());
        Assert.Equal("First visit", appointment.GetProperty("description").GetString());
        Assert.Equal(5, appointment.GetProperty("buffer_before_minutes").GetInt32());
        // The answer comes before routing (docs/appointments.md, "Routing"); once routed, the appointment is the same, on its episode.
        Assert.Equal(JsonValueKind.Null, appointment.GetProperty("episode_id").ValueKind);
        await c.T.RoutedAsync();
        var fetched = JsonNode.Parse((await c.Api.GetAsync($"appointments/{confirmed.Id}")).Expect(200).Data.GetRawText())!;
        Assert.StartsWith("ep_", fetched["episode_id"]!.GetValue<string>());
        fetched["episode_id"] = null;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(appointment.GetRawText()), fetched), fetched.ToJsonString());

        var stored = (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data;
        Assert.Equal("confirmed", stored.GetProperty("status").GetString());
        Assert.Equal(confirmed.Id, stored.GetProperty("appointment_id").GetString());
        var db = server.Services.GetRequiredService<Database>();
        Assert.Equal(0, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM clinician_busy WHERE id = @hold", new { hold }));
        Assert.Equal(1, await db.Raw().ScalarAsync<long>(
            "SELECT COUNT(*) FROM clinician_busy WHERE id = @Id AND kind = 'appointment' AND busy_start = @start AND busy_end = @end",
            new { confirmed.Id, start = Clinic.At("2026-06-08T09:55:00Z"), end = Clinic.At("2026-06-08T10:40:00Z") }));

        // The same key replays the appointment; another confirm of the same hold is refused and books nothing.
        var replay = (await c.Api.PostAsync($"holds/{hold}/confirm", new { patient_id = patient, description = "First visit" }, key)).Expect(201);
        Assert.Equal(confirmed.Raw, replay.Raw);
        var again = (await c.Api.PostAsync($"holds/{hold}/confirm", new { patient_id = patient })).ExpectError(409, "INVALID_STATE");
        Assert.Contains(confirmed.Id, again.Error.GetProperty("message").GetString());
        (await c.Api.DeleteAsync($"holds/{hold}")).ExpectError(409, "INVALID_STATE");
        Assert.Single((await c.Api.GetAsync("appointments")).Expect(200).Ids());
        // The confirmed hold no longer expires: the appointment keeps the time.
        c.Server.Clock.Advance(TimeSpan.FromHours(1));
        Assert.DoesNotContain("2026-06-08T10:00:00Z", await c.StartsAsync("2026-06-08", "2026-06-08"));
    }

    [Fact]
    public async Task An_expired_hold_cannot_be_confirmed()
    {
        await using var c = await OpenAsync();
        var hold = (await c.HoldAsync("2026-06-08T10:00:00Z")).Expect(201).Id;
        var patient = await c.T.CreatePatientAsync();
        c.Server.Clock.Advance(TimeSpan.FromMinutes(15));
        var refused = (await c.Api.PostAsync($"holds/{hold}/confirm", new { patient_id = patient })).ExpectError(409, "INVALID_STATE");
        Assert.Contains("expired at 2026-06-01T08:15:00Z", refused.Error.GetProperty("message").GetString());
        Assert.Empty((await c.Api.GetAsync("appointments")).Expect(200).Ids());
    }

    [Fact]
    public async Task Confirm_validates_its_body_like_a_booking_and_the_hold_fixes_the_slot()
    {
        await using var c = await OpenAsync();
        var hold = (await c.HoldAsync("2026-06-08T10:00:00Z")).Expect(201).Id;
        var missing = (await c.Api.PostAsync($"holds/{hold}/confirm", new { start_time = "2026-06-08T11:00:00Z", attendee_email = "nope" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["attendee_email", "patient_id", "start_time"], missing.ErrorFields.Order());

        var archived = await c.T.CreatePatientAsync();
        (await c.T.Api.PatchAsync($"patients/{archived}", new { archived = true, archive_reason = "Moved away" })).Expect(200);
        (await c.Api.PostAsync($"holds/{hold}/confirm", new { patient_id = archived })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal("active", (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data.GetProperty("status").GetString());
        Assert.Empty((await c.Api.GetAsync("appointments")).Expect(200).Ids());
    }

    [Fact]
    public async Task Release_frees_the_slot_at_once_and_only_once()
    {
        await using var c = await OpenAsync();
        var hold = (await c.HoldAsync("2026-06-08T10:00:00Z")).Expect(201).Id;
        var released = (await c.Api.DeleteAsync($"holds/{hold}")).Expect(200).Data;
        Assert.Equal("released", released.GetProperty("status").GetString());
        Assert.Contains("2026-06-08T10:00:00Z", await c.StartsAsync("2026-06-08", "2026-06-08"));
        Assert.Equal("released", (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data.GetProperty("status").GetString());

        (await c.Api.DeleteAsync($"holds/{hold}")).ExpectError(409, "INVALID_STATE");
        (await c.Api.PostAsync($"holds/{hold}/confirm", new { patient_id = await c.T.CreatePatientAsync() })).ExpectError(409, "INVALID_STATE");
        (await c.HoldAsync("2026-06-08T10:00:00Z")).Expect(201);
    }

    [Fact]
    public async Task Another_organisations_hold_is_404_for_every_verb()
    {
        await using var c = await OpenAsync();
        var hold = (await c.HoldAsync("2026-06-08T10:00:00Z")).Expect(201).Id;
        var other = c.Server.Api(await server.NewTenantAsync());
        (await other.GetAsync($"holds/{hold}")).ExpectError(404, "NOT_FOUND");
        (await other.DeleteAsync($"holds/{hold}")).ExpectError(404, "NOT_FOUND");
        (await other.PostAsync($"holds/{hold}/confirm", new { patient_id = await c.T.CreatePatientAsync() })).ExpectError(404, "NOT_FOUND");
        Assert.Equal("active", (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Fifty_concurrent_holds_of_one_slot_give_one_201_and_forty_nine_409s()
    {
        await using var c = await OpenAsync();
        // Identical and overlapping starts, each with its own Idempotency-Key.
        var results = await Race.AllAtOnceAsync(50, i => c.HoldAsync(i % 2 == 0 ? "2026-06-08T10:00:00Z" : "2026-06-08T10:15:00Z", Guid.NewGuid().ToString()));

        var winner = Assert.Single(results, r => r.StatusCode == 201);
        var losers = results.Where(r => r.StatusCode != 201).ToList();
        Assert.Equal(49, losers.Count);
        Assert.All(losers, r => Assert.Equal("SLOT_UNAVAILABLE", r.ErrorCode));
        Assert.All(losers, r => Assert.Contains(winner.Id, r.Error.GetProperty("message").GetString()));
        var db = server.Services.GetRequiredService<Database>();
        Assert.Equal(1, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM holds WHERE org_id = @OrgId", new { c.T.OrgId }));
        Assert.Equal(1, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM clinician_busy WHERE clinician_id = @Clinician", new { c.Clinician }));
    }

    [Fact]
    public async Task Housekeeping_records_expired_holds_and_frees_their_rows()
    {
        // Housekeeping is global to a database, and this test moves the clock on: it gets a database of its own.
        var clock = new FakeTimeProvider(Now);
        var (app, accounts) = server.StartIsolatedServer(s => s.AddSingleton<TimeProvider>(clock));
        await using var _ = app;
        var organisation = await accounts.CreateOrganisationAsync("Isolated");
        var tenant = new Tenant(organisation.Id, Modes.Test);
        var template = AppointmentTemplateValidation.Blank(Ids.New(Ids.AppointmentTemplate), Now) with { Name = "Held service" };
        var clinician = new ClinicianProfile { Id = Ids.New(Ids.Clinician), Name = "Dr Expiry", IsActive = true, CreatedAt = Now, UpdatedAt = Now };
        var hold = new Hold
        {
            Id = Ids.New(Ids.Hold), AppointmentTemplateId = template.Id, ClinicianProfileId = clinician.Id, StartTime = Clinic.At("2026-06-08T10:00:00Z"),
            EndTime = Clinic.At("2026-06-08T10:30:00Z"), ExpiresAt = Now + HoldStatuses.Lifetime, Status = HoldStatuses.Active, CreatedAt = Now, UpdatedAt = Now,
        };
        var db = app.Services.GetRequiredService<Database>();
        await db.ForTenant(tenant).WriteAsync(async write =>
        {
            await AppointmentTemplateStore.InsertAsync(write, template, default);
            await ClinicianStore.InsertAsync(write, clinician, default);
            await HoldStore.InsertAsync(write, hold, default);
            return 0;
        });
        var housekeeping = app.Services.GetRequiredService<Housekeeping>();

        await housekeeping.RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal("active", await db.Raw().ScalarAsync<string>("SELECT status FROM holds WHERE id = @Id", new { hold.Id }));

        clock.Advance(TimeSpan.FromMinutes(16));
        await housekeeping.RunOnceAsync(TestContext.Current.CancellationToken);
        Assert.Equal("expired", await db.Raw().ScalarAsync<string>("SELECT status FROM holds WHERE id = @Id", new { hold.Id }));
        Assert.Equal(0, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM clinician_busy WHERE id = @Id", new { hold.Id }));
    }
}

public sealed class HoldsTestsOnSqlite(SqliteServer server) : HoldsTests(server);
public sealed class HoldsTestsOnPostgres(PostgresServer server) : HoldsTests(server);
