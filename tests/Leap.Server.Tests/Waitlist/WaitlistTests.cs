using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Leap.Server.Waitlist;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Waitlist;

/// <summary>
/// The waitlist (docs/waitlist.md): entries, the automatic offer of a freed slot as a 15-minute hold, the claim, and the
/// expiry that offers the slot to the next entry. The offer tests run a server alone on its own database under the
/// test's clock, and run the expiry rounds themselves.
/// </summary>
public abstract class WaitlistTests(LeapFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private const string Slot = "2026-06-08T10:00:00Z";

    private Task<Clinic> OpenAsync() =>
        Clinic.OpenAsync(server, Now, isolated: true, settings: new Dictionary<string, string?> { ["Waitlist:ExpireOffers"] = "false" });

    private static async Task<string> EntryAsync(Clinic c, int priority = 0, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["patient_id"] = await c.T.CreatePatientAsync(), ["appointment_template_id"] = c.Template, ["priority"] = priority,
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return (await c.Api.PostAsync("waitlist-entries", body)).Expect(201).Id;
    }

    private static async Task<JsonElement> ReadAsync(Clinic c, string id) => (await c.Api.GetAsync($"waitlist-entries/{id}")).Expect(200).Data;

    private static string Status(JsonElement entry) => entry.GetProperty("status").GetString()!;

    /// <summary>Books <see cref="Slot"/> for another patient and cancels it; returns once the cancellation is routed (and the offer made).</summary>
    private static async Task<string> FreeSlotAsync(Clinic c, string start = Slot)
    {
        var appointment = await c.BookAsync(start, Clinic.At(start).AddMinutes(30).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        (await c.Api.PostAsync($"appointments/{appointment}/cancel", new { cancellation_reason = "Unwell" })).Expect(200);
        await c.T.RoutedAsync();
        return appointment;
    }

    private static Task<int> ExpireRoundAsync(Clinic c) =>
        c.Server.Services.GetRequiredService<WaitlistWorker>().RunOnceAsync(TestContext.Current.CancellationToken);

    private static Task<IReadOnlyList<(string Type, string Payload)>> EventsAsync(Clinic c) =>
        c.T.Db.ListAsync<(string Type, string Payload)>($"SELECT type, payload FROM webhook_events WHERE type LIKE 'waitlist.%' AND {TenantSql.Filter} ORDER BY id");

    [Fact]
    public async Task Entries_are_created_idempotently_validated_listed_read_and_removed_within_their_organisation()
    {
        await using var c = await Clinic.OpenAsync(server, Now);
        var patient = await c.T.CreatePatientAsync();
        var key = Guid.NewGuid().ToString();
        var body = new
        {
            patient_id = patient, appointment_template_id = c.Template, clinician_profile_id = c.Clinician, location_id = c.Location,
            earliest_date = "2026-06-02", latest_date = "2026-06-30", priority = 7, notes = "Mornings suit best",
        };
        var created = (await c.Api.PostAsync("waitlist-entries", body, key)).Expect(201);
        Assert.StartsWith("wl_", created.Id);
        var entry = created.Data;
        Assert.Equal("waiting", Status(entry));
        Assert.Equal(7, entry.GetProperty("priority").GetInt32());
        Assert.Equal("2026-06-30", entry.GetProperty("latest_date").GetString());
        Assert.Equal("Mornings suit best", entry.GetProperty("notes").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("hold_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("claim_url").ValueKind);
        var replay = (await c.Api.PostAsync("waitlist-entries", body, key)).Expect(201);
        Assert.Equal(created.Raw, replay.Raw);
        Assert.Equal("true", replay.Header("Idempotent-Replayed"));
        Assert.Equal(entry.ToString(), (await c.Api.GetAsync($"waitlist-entries/{created.Id}")).Expect(200).Data.ToString());

        // One live entry per patient and template; a lost race for it is a 409 as well.
        var again = (await c.Api.PostAsync("waitlist-entries", new { patient_id = patient, appointment_template_id = c.Template })).ExpectError(409, "CONFLICT");
        Assert.Contains(patient, again.Error.GetProperty("message").GetString());

        var bad = (await c.Api.PostAsync("waitlist-entries", new
        {
            patient_id = "pat_0190b2a0-4a1e-7c3d-8e5f-0000000000ff", appointment_template_id = "cli_wrong", earliest_date = "2026-06-10", latest_date = "2026-06-09",
            priority = 5000, notes = new string('x', 2001),
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["appointment_template_id", "latest_date", "notes", "patient_id", "priority"], bad.ErrorFields.Order());
        (await c.Api.PostAsync("waitlist-entries", new { patient_id = patient })).ExpectError(422, "VALIDATION_ERROR");

        var other = await EntryAsync(c, priority: 1);
        Assert.Equal([created.Id, other], (await c.Api.GetAsync("waitlist-entries")).Expect(200).Ids());
        Assert.Equal([created.Id], (await c.Api.GetAsync($"waitlist-entries?patient_id={patient}")).Expect(200).Ids());
        Assert.Equal([other], (await c.Api.GetAsync("waitlist-entries?limit=1&offset=1")).Expect(200).Ids());
        (await c.Api.GetAsync("waitlist-entries?status=lost")).ExpectError(422, "VALIDATION_ERROR");

        // Another organisation sees nothing of it; a key without the appointment scopes may not touch it.
        var stranger = await server.NewTenantAsync();
        (await stranger.Api.GetAsync($"waitlist-entries/{created.Id}")).ExpectError(404, "NOT_FOUND");
        (await stranger.Api.DeleteAsync($"waitlist-entries/{created.Id}")).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await stranger.Api.GetAsync("waitlist-entries")).Expect(200).Ids());
        var reader = await c.T.KeyAsync([Scopes.ReadAppointments]);
        (await reader.GetAsync($"waitlist-entries/{created.Id}")).Expect(200);
        (await reader.PostAsync("waitlist-entries", new { patient_id = patient, appointment_template_id = c.Template })).ExpectError(403, "FORBIDDEN");
        (await reader.DeleteAsync($"waitlist-entries/{created.Id}")).ExpectError(403, "FORBIDDEN");
        var patientsOnly = await c.T.KeyAsync([Scopes.ReadPatients]);
        (await patientsOnly.GetAsync("waitlist-entries")).ExpectError(403, "FORBIDDEN");

        var removed = (await c.Api.DeleteAsync($"waitlist-entries/{created.Id}")).Expect(200).Data;
        Assert.Equal("removed", Status(removed));
        (await c.Api.DeleteAsync($"waitlist-entries/{created.Id}")).ExpectError(409, "INVALID_STATE");
        Assert.Equal([created.Id], (await c.Api.GetAsync("waitlist-entries?status=removed")).Expect(200).Ids());
        // Removed, the patient may join the list again.
        (await c.Api.PostAsync("waitlist-entries", new { patient_id = patient, appointment_template_id = c.Template })).Expect(201);
    }

    [Fact]
    public async Task A_cancelled_slot_is_held_for_the_best_matching_entry_and_its_claim_books_it()
    {
        await using var c = await OpenAsync();
        (await c.Api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "waitlist.offered", "waitlist.expired" } })).Expect(201);
        var otherTemplate = await c.T.CreateTemplateAsync("Review", 30);
        var otherClinician = await c.T.CreateClinicianAsync("Dr Other", locationIds: c.Location);
        var oldest = await EntryAsync(c, priority: 5);
        var best = await EntryAsync(c, priority: 5 + 1, extra: new { clinician_profile_id = c.Clinician, earliest_date = "2026-06-08", latest_date = "2026-06-08" });
        var lower = await EntryAsync(c, priority: 1);
        var untouched = new[]
        {
            await EntryAsync(c, priority: 90, extra: new { appointment_template_id = otherTemplate }),
            await EntryAsync(c, priority: 80, extra: new { clinician_profile_id = otherClinician }),
            await EntryAsync(c, priority: 70, extra: new { latest_date = "2026-06-07" }),
            await EntryAsync(c, priority: 60, extra: new { earliest_date = "2026-06-09" }),
        };

        await FreeSlotAsync(c);

        var offered = await ReadAsync(c, best);
        Assert.Equal("offered", Status(offered));
        var hold = offered.GetProperty("hold_id").GetString()!;
        Assert.Equal(Slot, offered.GetProperty("offer_start_time").GetString());
        Assert.Equal("2026-06-08T10:30:00Z", offered.GetProperty("offer_end_time").GetString());
        Assert.Equal(c.Clinician, offered.GetProperty("offer_clinician_profile_id").GetString());
        Assert.Equal("2026-06-01T08:15:00Z", offered.GetProperty("offer_expires_at").GetString());
        Assert.Contains("/api/v1/waitlist-offers/", offered.GetProperty("claim_url").GetString());
        var held = (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data;
        Assert.Equal("active", held.GetProperty("status").GetString());
        Assert.Equal(Slot, held.GetProperty("start_time").GetString());
        Assert.DoesNotContain(Slot, await c.StartsAsync("2026-06-08", "2026-06-08"));
        foreach (var id in untouched.Append(oldest).Append(lower))
        {
            Assert.Equal("waiting", Status(await ReadAsync(c, id)));
        }
        var (type, payload) = Assert.Single(await EventsAsync(c));
        Assert.Equal("waitlist.offered", type);
        Assert.Contains(hold, payload);
        Assert.Contains(best, payload);
        Assert.Contains("claim_url", payload);

        var key = Guid.NewGuid().ToString();
        var claimed = (await c.Api.PostAsync($"waitlist-entries/{best}/claim", null, key)).Expect(200);
        Assert.Equal("booked", Status(claimed.Data));
        var appointment = claimed.Data.GetProperty("appointment_id").GetString()!;
        Assert.Equal(JsonValueKind.Null, claimed.Data.GetProperty("claim_url").ValueKind);
        var booked = (await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data;
        Assert.Equal(offered.GetProperty("patient_id").GetString(), booked.GetProperty("patient_id").GetString());
        Assert.Equal(Slot, booked.GetProperty("start_time").GetString());
        Assert.Equal("confirmed", (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data.GetProperty("status").GetString());
        Assert.Equal(claimed.Raw, (await c.Api.PostAsync($"waitlist-entries/{best}/claim", null, key)).Expect(200).Raw);
        // Claimed already: answered as it is, and nothing more is booked.
        Assert.Equal("booked", Status((await c.Api.PostAsync($"waitlist-entries/{best}/claim")).Expect(200).Data));
        Assert.Equal(1, await c.T.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM appointments WHERE status = 'confirmed' AND {TenantSql.Filter}"));
        (await c.Api.PostAsync($"waitlist-entries/{oldest}/claim")).ExpectError(409, "INVALID_STATE");
        (await c.Api.DeleteAsync($"waitlist-entries/{best}")).ExpectError(409, "INVALID_STATE");
        // The booking's own routing offers nothing, and the entries left keep waiting.
        await c.T.RoutedAsync();
        Assert.Single(await EventsAsync(c));
    }

    [Fact]
    public async Task An_unclaimed_offer_expires_and_the_slot_is_offered_to_the_next_entry_then_freed()
    {
        await using var c = await OpenAsync();
        (await c.Api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "waitlist.offered", "waitlist.expired" } })).Expect(201);
        var first = await EntryAsync(c, priority: 2);
        var second = await EntryAsync(c, priority: 1);
        await FreeSlotAsync(c);
        var firstHold = (await ReadAsync(c, first)).GetProperty("hold_id").GetString();
        Assert.Equal("waiting", Status(await ReadAsync(c, second)));

        c.Server.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await ExpireRoundAsync(c));
        Assert.Equal("offered", Status(await ReadAsync(c, first)));
        c.Server.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await ExpireRoundAsync(c));
        var expired = await ReadAsync(c, first);
        Assert.Equal("expired", Status(expired));
        Assert.Equal(firstHold, expired.GetProperty("hold_id").GetString());
        (await c.Api.PostAsync($"waitlist-entries/{first}/claim")).ExpectError(409, "INVALID_STATE");
        var next = await ReadAsync(c, second);
        Assert.Equal("offered", Status(next));
        Assert.NotEqual(firstHold, next.GetProperty("hold_id").GetString());
        Assert.Equal(Slot, next.GetProperty("offer_start_time").GetString());
        Assert.Equal("2026-06-01T08:30:00Z", next.GetProperty("offer_expires_at").GetString());
        Assert.Equal(0, await ExpireRoundAsync(c));
        Assert.Equal(["waitlist.offered", "waitlist.expired", "waitlist.offered"], (await EventsAsync(c)).Select(e => e.Type));

        c.Server.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(1, await ExpireRoundAsync(c));
        Assert.Equal("expired", Status(await ReadAsync(c, second)));
        Assert.Contains(Slot, await c.StartsAsync("2026-06-08", "2026-06-08"));
        Assert.Equal(2, await c.T.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM holds WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task A_moved_appointment_frees_its_old_slot_and_the_patients_claim_link_books_it_for_them_alone()
    {
        await using var c = await OpenAsync();
        var entry = await EntryAsync(c, extra: new { notes = "Staff only" });
        var appointment = await c.BookAsync(Slot, "2026-06-08T10:30:00Z");
        (await c.Api.PatchAsync($"appointments/{appointment}", new { start_time = "2026-06-08T14:00:00Z", end_time = "2026-06-08T14:30:00Z" })).Expect(200);
        await c.T.RoutedAsync();
        var offered = await ReadAsync(c, entry);
        Assert.Equal("offered", Status(offered));
        Assert.Equal(Slot, offered.GetProperty("offer_start_time").GetString());

        var link = new Uri(offered.GetProperty("claim_url").GetString()!).AbsolutePath;
        var patient = c.Server.Anonymous();
        var seen = (await patient.GetAsync(link)).Expect(200).Data;
        Assert.Equal(entry, seen.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("notes").ValueKind);
        (await patient.GetAsync(link + "x")).ExpectError(404, "NOT_FOUND");
        // An appointment's manage link opens nothing here.
        var manage = new Uri((await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data.GetProperty("manage_url").GetString()!).AbsolutePath;
        (await patient.GetAsync(link[..link.LastIndexOf('/')] + manage[manage.LastIndexOf('/')..])).ExpectError(404, "NOT_FOUND");

        var claimed = (await patient.PostAsync(link + "/claim", null, Guid.NewGuid().ToString())).Expect(200).Data;
        Assert.Equal("booked", Status(claimed));
        Assert.Equal(JsonValueKind.Null, claimed.GetProperty("notes").ValueKind);
        var booked = (await c.Api.GetAsync($"appointments/{claimed.GetProperty("appointment_id").GetString()}")).Expect(200).Data;
        Assert.Equal(Slot, booked.GetProperty("start_time").GetString());
        Assert.Equal(offered.GetProperty("patient_id").GetString(), booked.GetProperty("patient_id").GetString());
    }

    [Fact]
    public async Task Removing_an_offered_entry_releases_its_hold_and_offers_the_slot_to_the_next()
    {
        await using var c = await OpenAsync();
        var first = await EntryAsync(c, priority: 2);
        var second = await EntryAsync(c, priority: 1);
        await FreeSlotAsync(c);
        var hold = (await ReadAsync(c, first)).GetProperty("hold_id").GetString();
        Assert.Equal("removed", Status((await c.Api.DeleteAsync($"waitlist-entries/{first}")).Expect(200).Data));
        Assert.Equal("released", (await c.Api.GetAsync($"holds/{hold}")).Expect(200).Data.GetProperty("status").GetString());
        var next = await ReadAsync(c, second);
        Assert.Equal("offered", Status(next));
        Assert.Equal(Slot, next.GetProperty("offer_start_time").GetString());
    }

    [Fact]
    public async Task Time_freed_by_removed_leave_is_offered_slot_by_slot_and_never_twice()
    {
        await using var c = await OpenAsync();
        (await c.Api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "waitlist.offered" } })).Expect(201);
        var otherClinician = await c.T.CreateClinicianAsync("Dr Other", locationIds: c.Location);
        var first = await EntryAsync(c, priority: 3);
        var second = await EntryAsync(c, priority: 2, extra: new { clinician_profile_id = c.Clinician });
        var third = await EntryAsync(c, priority: 1);
        var elsewhere = await EntryAsync(c, priority: 9, extra: new { clinician_profile_id = otherClinician });
        var leave = (await c.Api.PostAsync($"clinician-profiles/{c.Clinician}/blocks",
            new { start_time = "2026-06-08T10:00:00Z", end_time = "2026-06-08T11:00:00Z", reason = "leave" })).Expect(201).Id;
        // Booked over the leave: that part of the freed time stays taken.
        await c.BookAsync("2026-06-08T10:15:00Z", "2026-06-08T10:45:00Z");
        await c.T.RoutedAsync();
        Assert.Equal(0, await c.T.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM holds WHERE {TenantSql.Filter}"));

        (await c.Api.DeleteAsync($"clinician-profiles/{c.Clinician}/blocks/{leave}")).Expect(200);
        await c.T.RoutedAsync();

        // Every slot touching the leave was kept from booking by it: 09:45 is the first; 10:45 the next not taken.
        var a = await ReadAsync(c, first);
        var b = await ReadAsync(c, second);
        Assert.Equal(["offered", "offered"], new[] { Status(a), Status(b) });
        Assert.Equal("2026-06-08T09:45:00Z", a.GetProperty("offer_start_time").GetString());
        Assert.Equal("2026-06-08T10:45:00Z", b.GetProperty("offer_start_time").GetString());
        Assert.Equal(c.Clinician, b.GetProperty("offer_clinician_profile_id").GetString());
        Assert.Contains("/api/v1/waitlist-offers/", a.GetProperty("claim_url").GetString());
        Assert.Equal("waiting", Status(await ReadAsync(c, third)));
        Assert.Equal("waiting", Status(await ReadAsync(c, elsewhere)));
        var holds = await c.T.Db.ListAsync<string>($"SELECT start_time FROM holds WHERE status = 'active' AND {TenantSql.Filter} ORDER BY start_time");
        Assert.Equal(2, holds.Count);
        Assert.Equal(2, (await EventsAsync(c)).Count);

        // Routed once: nothing more is offered, and the held times are no longer listed.
        await c.T.RoutedAsync();
        Assert.Equal(2, (await EventsAsync(c)).Count);
        Assert.Equal(0, await c.T.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM routing_queue WHERE {TenantSql.Filter}"));
        var starts = await c.StartsAsync("2026-06-08", "2026-06-08");
        Assert.DoesNotContain("2026-06-08T09:45:00Z", starts);
        Assert.DoesNotContain("2026-06-08T10:45:00Z", starts);
        Assert.Contains("2026-06-08T11:15:00Z", starts);
    }

    [Fact]
    public async Task A_slot_outside_the_sessions_and_a_patients_own_cancelled_slot_are_offered_to_no_one()
    {
        await using var c = await OpenAsync();
        var entry = (await c.Api.PostAsync("waitlist-entries", new { patient_id = await c.T.CreatePatientAsync(), appointment_template_id = c.Template })).Expect(201).Data;
        var patient = entry.GetProperty("patient_id").GetString();
        // Booked outside the clinician's sessions: not a slot of the template to offer.
        var outside = await c.BookAsync("2026-06-08T18:00:00Z", "2026-06-08T18:30:00Z");
        (await c.Api.PostAsync($"appointments/{outside}/cancel", new { })).Expect(200);
        // The waiting patient cancels their own booking: they are not offered it back.
        var own = (await c.Api.PostAsync("appointments", new
        {
            title = "Own", patient_id = patient, appointment_type_id = c.Template, clinician_profile_id = c.Clinician, location_id = c.Location,
            start_time = Slot, end_time = "2026-06-08T10:30:00Z",
        })).Expect(201).Id;
        (await c.Api.PostAsync($"appointments/{own}/cancel", new { })).Expect(200);
        await c.T.RoutedAsync();
        Assert.Equal("waiting", Status(await ReadAsync(c, entry.GetProperty("id").GetString()!)));
        Assert.Equal(0, await c.T.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM holds WHERE {TenantSql.Filter}"));
    }
}

public sealed class WaitlistTestsOnSqlite(SqliteServer server) : WaitlistTests(server);
public sealed class WaitlistTestsOnPostgres(PostgresServer server) : WaitlistTests(server);
