using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Groups;

/// <summary>
/// Group and class sessions (docs/groups-and-resources.md): a template's capacity, a group appointment's participants
/// joining and leaving one by one within it, and availability offering the seats; one-to-one appointments unchanged.
/// </summary>
public abstract class GroupSessionsTests(LeapFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    /// <summary>Monday 8 June 2026, 11:00 London (10:00Z): inside the clinic's rota.</summary>
    private const string Start = "2026-06-08T10:00:00Z";
    private const string End = "2026-06-08T10:30:00Z";

    private static async Task<string> GroupTemplateAsync(Clinic c, int max, int? min = null) =>
        (await c.Api.PostAsync("appointment-templates", new { name = "Pilates class", duration = 30, max_participants = max, min_participants = min })).Expect(201).Id;

    private static async Task<ApiResult> BookAsync(Clinic c, string template, string? patient = null) =>
        (await c.Api.PostAsync("appointments", new
        {
            title = "Class", patient_id = patient ?? await c.T.CreatePatientAsync(), appointment_type_id = template,
            clinician_profile_id = c.Clinician, location_id = c.Location, start_time = Start, end_time = End,
        })).Expect(201);

    private static Task<ApiResult> JoinAsync(ApiClient api, string appointment, string patient, string? key = null) =>
        api.PostAsync($"appointments/{appointment}/participants", new { patient_id = patient }, key);

    private static Task<long> CountAsync(TestTenant t, string sql, object? args = null) => t.Db.ScalarAsync<long>(sql, args);

    private static Task<long> JoinedAsync(TestTenant t, string appointment) =>
        CountAsync(t, $"SELECT COUNT(*) FROM appointment_participants WHERE appointment_id = @appointment AND status = 'joined' AND {TenantSql.Filter}", new { appointment });

    private static Task<long> SeatCountAsync(TestTenant t, string appointment) =>
        CountAsync(t, $"SELECT participant_count FROM appointments WHERE id = @appointment AND {TenantSql.Filter}", new { appointment });

    [Fact]
    public async Task Templates_take_a_validated_capacity_and_return_it()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var one = (await c.Api.GetAsync($"appointment-templates/{c.Template}")).Expect(200).Data;
        Assert.Equal(1, one.GetProperty("max_participants").GetInt32());
        Assert.Equal(JsonValueKind.Null, one.GetProperty("min_participants").ValueKind);

        var group = (await c.Api.PostAsync("appointment-templates", new { name = "Yoga", duration = 60, max_participants = 12, min_participants = 4 })).Expect(201);
        Assert.Equal(12, group.Data.GetProperty("max_participants").GetInt32());
        Assert.Equal(4, group.Data.GetProperty("min_participants").GetInt32());
        Assert.Equal(12, (await c.Api.GetAsync($"appointment-templates/{group.Id}")).Expect(200).Data.GetProperty("max_participants").GetInt32());

        var bad = (await c.Api.PostAsync("appointment-templates", new { name = "Bad", max_participants = 501, min_participants = 0 })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["max_participants", "min_participants"], bad.ErrorFields.Order());
        (await c.Api.PostAsync("appointment-templates", new { name = "Bad", max_participants = 0 })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["min_participants"], (await c.Api.PostAsync("appointment-templates", new { name = "Bad", max_participants = 4, min_participants = 5 }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["max_participants"], (await c.Api.PatchAsync($"appointment-templates/{group.Id}", new { max_participants = 3 }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(20, (await c.Api.PatchAsync($"appointment-templates/{group.Id}", new { max_participants = 20 })).Expect(200).Data.GetProperty("max_participants").GetInt32());
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointment_templates WHERE max_participants = 20 AND min_participants = 4 AND {TenantSql.Filter}"));

        // Once booked, the capacity is a detail like the duration: a new version of the template changes it.
        await BookAsync(c, group.Id);
        (await c.Api.PatchAsync($"appointment-templates/{group.Id}", new { max_participants = 30 })).ExpectError(409, "CONFLICT");
    }

    [Fact]
    public async Task A_group_booking_seats_its_patient_first_and_one_to_one_appointments_are_unchanged()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var single = await c.BookAsync(Start, End);
        var read = (await c.Api.GetAsync($"appointments/{single}")).Expect(200).Data;
        foreach (var field in new[] { "max_participants", "participant_count", "seats_remaining" })
        {
            Assert.False(read.TryGetProperty(field, out _), field);
        }
        (await c.Api.GetAsync($"appointments/{single}/participants")).ExpectError(409, "CONFLICT");
        (await JoinAsync(c.Api, single, await c.T.CreatePatientAsync())).ExpectError(409, "CONFLICT");
        Assert.Equal(0, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointment_participants WHERE {TenantSql.Filter}"));

        var template = await GroupTemplateAsync(c, 3);
        var patient = await c.T.CreatePatientAsync();
        var session = (await c.Api.PostAsync("appointments", new
        {
            title = "Class", patient_id = patient, appointment_type_id = template, clinician_profile_id = c.Clinician,
            location_id = c.Location, start_time = "2026-06-09T10:00:00Z", end_time = "2026-06-09T10:30:00Z",
        })).Expect(201);
        Assert.Equal(3, session.Data.GetProperty("max_participants").GetInt32());
        Assert.Equal(1, session.Data.GetProperty("participant_count").GetInt32());
        Assert.Equal(2, session.Data.GetProperty("seats_remaining").GetInt32());
        var participants = (await c.Api.GetAsync($"appointments/{session.Id}/participants")).Expect(200);
        var first = Assert.Single(participants.Data.EnumerateArray());
        Assert.StartsWith("par_", first.GetProperty("id").GetString());
        Assert.Equal(patient, first.GetProperty("patient_id").GetString());
        Assert.Equal("joined", first.GetProperty("status").GetString());
        Assert.False(participants.Meta.GetProperty("has_more").GetBoolean());
        Assert.Equal(1, await JoinedAsync(c.T, session.Id));
    }

    [Fact]
    public async Task Participants_join_and_leave_alone_within_the_capacity_and_the_session_stays()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        await c.Api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "appointment.participant_added", "appointment.participant_removed" } });
        var template = await GroupTemplateAsync(c, 3, min: 2);
        var booker = await c.T.CreatePatientAsync();
        var session = (await BookAsync(c, template, booker)).Id;
        var (second, third, fourth) = (await c.T.CreatePatientAsync(), await c.T.CreatePatientAsync(), await c.T.CreatePatientAsync());

        var joined = (await JoinAsync(c.Api, session, second)).Expect(201).Data;
        Assert.Equal(session, joined.GetProperty("appointment_id").GetString());
        Assert.Equal("joined", joined.GetProperty("status").GetString());
        (await JoinAsync(c.Api, session, third)).Expect(201);
        var full = (await JoinAsync(c.Api, session, fourth)).ExpectError(409, "SESSION_FULL");
        Assert.Equal(3, full.Error.GetProperty("details").GetProperty("max_participants").GetInt32());
        Assert.Equal(3, full.Error.GetProperty("details").GetProperty("participant_count").GetInt32());
        Assert.Equal(3, await SeatCountAsync(c.T, session));
        Assert.Equal(0, (await c.Api.GetAsync($"appointments/{session}")).Expect(200).Data.GetProperty("seats_remaining").GetInt32());
        // Joining twice without a key is a conflict naming the participation (a key would replay instead).
        Assert.Contains("already a participant", (await JoinAsync(c.Api, session, third)).ExpectError(409, "CONFLICT").Error.GetProperty("message").GetString());

        var left = (await c.Api.DeleteAsync($"appointments/{session}/participants/{second}")).Expect(200).Data;
        Assert.Equal("cancelled", left.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, left.GetProperty("cancelled_at").ValueKind);
        (await c.Api.DeleteAsync($"appointments/{session}/participants/{second}")).ExpectError(409, "INVALID_STATE");
        (await c.Api.DeleteAsync($"appointments/{session}/participants/{fourth}")).ExpectError(404, "NOT_FOUND");
        var appointment = (await c.Api.GetAsync($"appointments/{session}")).Expect(200).Data;
        Assert.Equal("confirmed", appointment.GetProperty("status").GetString());
        Assert.Equal(1, appointment.GetProperty("seats_remaining").GetInt32());
        (await JoinAsync(c.Api, session, fourth)).Expect(201);
        // The booking's patient may leave too: the session goes on without them, and they may come back when a seat is free.
        (await c.Api.DeleteAsync($"appointments/{session}/participants/{booker}")).Expect(200);
        (await JoinAsync(c.Api, session, second)).Expect(201);

        var list = (await c.Api.GetAsync($"appointments/{session}/participants")).Expect(200).Data.EnumerateArray().ToList();
        Assert.Equal([booker, second, third, fourth, second], list.Select(p => p.GetProperty("patient_id").GetString()));
        Assert.Equal(["cancelled", "cancelled", "joined", "joined", "joined"], list.Select(p => p.GetProperty("status").GetString()));
        Assert.Equal(3, await JoinedAsync(c.T, session));
        Assert.Equal(3, await SeatCountAsync(c.T, session));
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointments WHERE status = 'confirmed' AND {TenantSql.Filter}"));

        var events = await c.T.Db.ListAsync<string>($"SELECT type FROM webhook_events WHERE {TenantSql.Filter} ORDER BY id");
        Assert.Equal(["appointment.participant_added", "appointment.participant_added", "appointment.participant_removed", "appointment.participant_added",
            "appointment.participant_removed", "appointment.participant_added"], events);
    }

    [Fact]
    public async Task A_cancelled_session_refuses_joins_and_leaves()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var booker = await c.T.CreatePatientAsync();
        var session = (await BookAsync(c, await GroupTemplateAsync(c, 5), booker)).Id;
        (await c.Api.PostAsync($"appointments/{session}/cancel", new { cancellation_reason = "Instructor unwell" })).Expect(200);

        Assert.Contains("cancelled", (await JoinAsync(c.Api, session, await c.T.CreatePatientAsync())).ExpectError(409, "INVALID_STATE").Error.GetProperty("message").GetString());
        (await c.Api.DeleteAsync($"appointments/{session}/participants/{booker}")).ExpectError(409, "INVALID_STATE");
        Assert.Equal(1, await SeatCountAsync(c.T, session));
        Assert.Equal(1, await JoinedAsync(c.T, session));
    }

    [Fact]
    public async Task Bad_joins_are_422_and_change_nothing()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var session = (await BookAsync(c, await GroupTemplateAsync(c, 5))).Id;
        var archived = await c.T.CreatePatientAsync();
        (await c.Api.PatchAsync($"patients/{archived}", new { archived = true, archive_reason = "Moved away" })).Expect(200);

        Assert.Equal(["patient_id"], (await c.Api.PostAsync($"appointments/{session}/participants", new { })).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["patient_id"], (await JoinAsync(c.Api, session, "pat_0190b2a0-4a1e-7c3d-8e5f-000000000000")).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        Assert.Equal(["patient_id"], (await JoinAsync(c.Api, session, archived)).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        (await JoinAsync(c.Api, "apt_0190b2a0-4a1e-7c3d-8e5f-000000000000", await c.T.CreatePatientAsync())).ExpectError(404, "NOT_FOUND");
        Assert.Equal(1, await SeatCountAsync(c.T, session));
        Assert.Equal(1, await CountAsync(c.T, $"SELECT COUNT(*) FROM appointment_participants WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task A_join_and_a_leave_replay_with_their_key_and_another_body_with_it_is_409()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var session = (await BookAsync(c, await GroupTemplateAsync(c, 5))).Id;
        var patient = await c.T.CreatePatientAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await JoinAsync(c.Api, session, patient, key)).Expect(201);
        var replay = (await JoinAsync(c.Api, session, patient, key)).Expect(201);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(first.Raw, replay.Raw);
        (await JoinAsync(c.Api, session, await c.T.CreatePatientAsync(), key)).ExpectError(409, "CONFLICT");
        Assert.Equal(2, await JoinedAsync(c.T, session));
        Assert.Equal(2, await SeatCountAsync(c.T, session));

        var leaveKey = Guid.NewGuid().ToString();
        var leave = (await c.Api.SendAsync(HttpMethod.Delete, $"appointments/{session}/participants/{patient}", null, leaveKey)).Expect(200);
        var again = (await c.Api.SendAsync(HttpMethod.Delete, $"appointments/{session}/participants/{patient}", null, leaveKey)).Expect(200);
        Assert.Equal(leave.Raw, again.Raw);
        Assert.Equal(1, await SeatCountAsync(c.T, session));
    }

    [Fact]
    public async Task Joins_racing_for_the_last_seats_fill_them_exactly()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var session = (await BookAsync(c, await GroupTemplateAsync(c, 5))).Id;
        var patients = new List<string>();
        for (var i = 0; i < 24; i++)
        {
            patients.Add(await c.T.CreatePatientAsync());
        }
        var results = await Joins.AllAtOnceAsync(patients.Count, i => JoinAsync(c.Api, session, patients[i], Guid.NewGuid().ToString()));

        Assert.Equal(4, results.Count(r => r.StatusCode == 201));
        Assert.All(results.Where(r => r.StatusCode != 201), r => Assert.Equal("SESSION_FULL", r.ExpectError(409, "SESSION_FULL").ErrorCode));
        Assert.Equal(5, await JoinedAsync(c.T, session));
        Assert.Equal(5, await SeatCountAsync(c.T, session));
    }

    [Fact]
    public async Task Another_organisations_session_is_not_found_and_scopes_are_enforced()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var booker = await c.T.CreatePatientAsync();
        var session = (await BookAsync(c, await GroupTemplateAsync(c, 5), booker)).Id;
        var otherTenant = await server.NewTenantAsync();
        var other = c.Server.Api(otherTenant);
        var theirPatient = await otherTenant.CreatePatientAsync();
        (await other.GetAsync($"appointments/{session}/participants")).ExpectError(404, "NOT_FOUND");
        (await JoinAsync(other, session, theirPatient)).ExpectError(404, "NOT_FOUND");
        (await other.DeleteAsync($"appointments/{session}/participants/{booker}")).ExpectError(404, "NOT_FOUND");
        // Another organisation's patient does not exist here either.
        (await JoinAsync(c.Api, session, theirPatient)).ExpectError(422, "VALIDATION_ERROR");

        var readOnlyHere = await c.T.KeyAsync([Scopes.ReadAppointments]);
        (await readOnlyHere.GetAsync($"appointments/{session}/participants")).Expect(200);
        (await JoinAsync(readOnlyHere, session, await c.T.CreatePatientAsync())).ExpectError(403, "FORBIDDEN");
        (await readOnlyHere.DeleteAsync($"appointments/{session}/participants/{booker}")).ExpectError(403, "FORBIDDEN");
        var writeOnly = await c.T.KeyAsync([Scopes.WriteAppointments]);
        (await writeOnly.GetAsync($"appointments/{session}/participants")).ExpectError(403, "FORBIDDEN");
        Assert.Equal(1, await JoinedAsync(c.T, session));
    }

    [Fact]
    public async Task Availability_offers_sessions_with_free_seats_and_new_slots_with_the_capacity()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var oneToOne = await c.SlotsAsync("2026-06-08", "2026-06-08");
        Assert.All(oneToOne, s => Assert.Equal(
            ["start_time", "end_time", "clinician_profile_id", "clinician_name", "location_id", "appointment_template_id", "is_available"],
            s.EnumerateObject().Select(p => p.Name)));

        var template = await GroupTemplateAsync(c, 3);
        var fresh = await c.SlotsAsync("2026-06-08", "2026-06-08", template);
        Assert.Equal(Clinic.Every("2026-06-08T08:00:00Z", "2026-06-08T15:30:00Z"), Clinic.Starts(fresh));
        Assert.All(fresh, s =>
        {
            Assert.Equal(3, s.GetProperty("seats_remaining").GetInt32());
            Assert.False(s.TryGetProperty("appointment_id", out _));
        });

        var session = (await BookAsync(c, template)).Id;
        var slots = await c.SlotsAsync("2026-06-08", "2026-06-08", template);
        var offered = Assert.Single(slots, s => s.TryGetProperty("appointment_id", out _));
        Assert.Equal(session, offered.GetProperty("appointment_id").GetString());
        Assert.Equal(Start, offered.GetProperty("start_time").GetString());
        Assert.Equal(End, offered.GetProperty("end_time").GetString());
        Assert.Equal(2, offered.GetProperty("seats_remaining").GetInt32());
        // The session's time is taken for new appointments of the clinician, as any booking's: 09:45, 10:00 and 10:15 give way to it.
        Assert.Equal(fresh.Count - 3 + 1, slots.Count);
        var next = (await c.Api.GetAsync($"availability/next?appointment_template_id={template}")).Expect(200).Data;
        // The template keeps the default hour of notice.
        Assert.Equal("2026-06-01T09:00:00Z", next.GetProperty("start_time").GetString());
        Assert.Equal(3, next.GetProperty("seats_remaining").GetInt32());

        (await JoinAsync(c.Api, session, await c.T.CreatePatientAsync())).Expect(201);
        Assert.Equal(1, Assert.Single(await c.SlotsAsync("2026-06-08", "2026-06-08", template), s => s.TryGetProperty("appointment_id", out _))
            .GetProperty("seats_remaining").GetInt32());
        (await JoinAsync(c.Api, session, await c.T.CreatePatientAsync())).Expect(201);
        var full = await c.SlotsAsync("2026-06-08", "2026-06-08", template);
        Assert.DoesNotContain(full, s => s.TryGetProperty("appointment_id", out _));
        Assert.Equal(fresh.Count - 3, full.Count);
        // A one-to-one template's slots stay as they were: no seats, no appointment.
        Assert.DoesNotContain(await c.SlotsAsync("2026-06-08", "2026-06-09"), s => s.TryGetProperty("seats_remaining", out _));
    }
}

public sealed class GroupSessionsTestsOnSqlite(SqliteServer server) : GroupSessionsTests(server);
public sealed class GroupSessionsTestsOnPostgres(PostgresServer server) : GroupSessionsTests(server);
