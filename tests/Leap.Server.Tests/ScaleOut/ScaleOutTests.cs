using System.Text.Json;
using Hl7.Fhir.Model;
using Leap.Server.Fhir;
using Leap.Server.Tests.Api;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using Task = System.Threading.Tasks.Task;

namespace Leap.Server.Tests.ScaleOut;

/// <summary>
/// Two real server processes on one PostgreSQL database, as users scale out behind a load balancer.
/// Requests alternate between them; the database must keep every rule.
/// </summary>
public sealed class ScaleOutTests(PostgresServer database) : TwoProcessTests(database)
{
    private (ApiClient A, ApiClient B) Clients(TestTenant t) => Servers.Clients(t);

    [Fact]
    public async Task A_hundred_bookings_of_one_slot_across_two_processes_give_exactly_one_appointment()
    {
        var t = await Postgres.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var patient = await t.CreatePatientAsync();
        var (a, b) = Clients(t);
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await (i % 2 == 0 ? a : b).PostAsync("appointments", new
            {
                title = "Contested",
                patient_id = patient,
                clinician_profile_id = clinician,
                start_time = "2030-09-02T10:00:00Z",
                end_time = "2030-09-02T10:30:00Z",
            }, Guid.NewGuid().ToString());
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r.StatusCode == 201);
        Assert.All(results.Where(r => r.StatusCode != 201), r => Assert.Equal("SLOT_UNAVAILABLE", r.ErrorCode));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", t));
    }

    [Fact]
    public async Task Two_FHIR_books_of_one_slot_on_two_processes_give_one_appointment_and_one_409_OperationOutcome()
    {
        var t = await Postgres.NewTenantAsync();
        var clinician = FhirIds.ToFhir(await t.CreateClinicianAsync());
        var patients = new[] { FhirIds.ToFhir(await t.CreatePatientAsync()), FhirIds.ToFhir(await t.CreatePatientAsync()) };
        var (a, b) = Clients(t);
        var results = await Race.AllAtOnceAsync(2, async i => (await new FhirClient(i == 0 ? a : b).PostAsync("Appointment/$book", new FhirAppointment
        {
            Status = FhirAppointment.AppointmentStatus.Pending,
            Start = DateTimeOffset.Parse("2030-09-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            End = DateTimeOffset.Parse("2030-09-04T10:30:00Z", System.Globalization.CultureInfo.InvariantCulture),
            Participant =
            [
                new() { Actor = new ResourceReference($"Patient/{patients[i]}"), Status = ParticipationStatus.Accepted },
                new() { Actor = new ResourceReference($"Practitioner/{clinician}"), Status = ParticipationStatus.Accepted },
            ],
        }, Guid.NewGuid().ToString())).Result);

        Assert.Equal([200, 409], results.Select(r => r.StatusCode).Order());
        Assert.Contains("SLOT_UNAVAILABLE", results.Single(r => r.StatusCode == 409).Raw);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", t));
    }

    [Fact]
    public async Task A_hundred_requests_with_one_key_across_two_processes_create_one_appointment()
    {
        var t = await Postgres.NewTenantAsync();
        var clinician = await t.CreateClinicianAsync();
        var patient = await t.CreatePatientAsync();
        var (a, b) = Clients(t);
        var key = Guid.NewGuid().ToString();
        var body = new { title = "Retried", patient_id = patient, clinician_profile_id = clinician, start_time = "2030-09-03T10:00:00Z", end_time = "2030-09-03T10:30:00Z" };
        using var start = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await (i % 2 == 0 ? a : b).PostAsync("appointments", body, key);
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(attempts);

        Assert.All(results, r => Assert.True(r.StatusCode is 201 or 409, r.Raw));
        Assert.All(results.Where(r => r.StatusCode == 409), r => Assert.Equal("CONFLICT", r.ErrorCode));
        Assert.Single(results.Where(r => r.StatusCode == 201).Select(r => r.Raw).Distinct());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", t));
    }

    [Fact]
    public async Task One_key_has_one_hourly_budget_across_processes()
    {
        var t = await Postgres.NewTenantAsync(rateLimitPerHour: 10);
        var (a, b) = Clients(t);
        var statuses = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await (i % 2 == 0 ? a : b).GetAsync("patients")).StatusCode);
        }
        Assert.Equal(10, statuses.Count(s => s == 200));
        Assert.Equal(10, statuses.Count(s => s == 429));
    }

    [Fact]
    public async Task A_busy_key_far_from_its_limit_is_counted_in_batches_and_the_database_catches_up()
    {
        var t = await Postgres.NewTenantAsync(rateLimitPerHour: 1_000_000);
        var (a, b) = Clients(t);
        var remaining = new List<long>();
        for (var i = 0; i < 40; i++)
        {
            var result = (await (i % 2 == 0 ? a : b).GetAsync("patients")).Expect(200);
            remaining.Add(long.Parse(result.Header("X-RateLimit-Remaining")!, System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.All(remaining, r => Assert.InRange(r, 1_000_000 - 40, 1_000_000 - 1));
        // Both processes send their counts within a flush interval or two: the shared total becomes exact.
        long counted = 0;
        for (var attempt = 0; attempt < 50 && counted < 40; attempt++)
        {
            await Task.Delay(50);
            counted = await CountAsync("SELECT COALESCE(SUM(request_count), 0) FROM rate_limit_windows WHERE key_id = @KeyId", t.Api.KeyId!);
        }
        Assert.Equal(40, counted);
    }

    /// <summary>
    /// Both processes (and the test's own server) route the shared queue at once: each patient's bookings open one
    /// episode between them, every change is filed and announced exactly once, and a cancellation made after its
    /// booking is routed after it whichever process takes each.
    /// </summary>
    [Fact]
    public async Task Routing_shared_by_two_processes_files_every_change_once_and_each_patients_changes_in_order()
    {
        var t = await Postgres.NewTenantAsync();
        (await t.Api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "appointment.created", "appointment.cancelled" } })).Expect(201);
        var patients = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            patients.Add(await t.CreatePatientAsync());
        }
        var (a, b) = Clients(t);
        var bookings = await Task.WhenAll(patients.SelectMany((patient, p) => Enumerable.Range(0, 4).Select(async n =>
        {
            var start = new DateTimeOffset(2031, 3, 3, 8, 0, 0, TimeSpan.Zero).AddDays(p).AddHours(n);
            var booked = (await ((p + n) % 2 == 0 ? a : b).PostAsync("appointments", new
            {
                title = "Shared", patient_id = patient, start_time = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                end_time = start.AddMinutes(30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            }, Guid.NewGuid().ToString())).Expect(201).Id;
            return (Patient: patient, Id: booked, First: n == 0);
        })));
        // Each patient's first booking is cancelled once all four are booked: the last change of each patient.
        await Task.WhenAll(bookings.Where(x => x.First).Select((x, i) => (i % 2 == 0 ? b : a).PostAsync($"appointments/{x.Id}/cancel")));
        await t.RoutedAsync();

        var db = Postgres.Services.GetRequiredService<Database>().Raw();
        var payloads = (await db.ListAsync<string>("SELECT payload FROM webhook_events WHERE org_id = @OrgId", new { t.OrgId }))
            .Select(p => JsonDocument.Parse(p).RootElement.GetProperty("data")).ToList();
        foreach (var patient in patients)
        {
            var episode = Assert.Single((await t.Api.GetAsync($"episodes?patient_id={patient}")).Expect(200).Data.EnumerateArray());
            var episodeId = episode.GetProperty("id").GetString();
            // Routed last, the cancellation leaves the episode with the practice (a booking after it would hand it to the patient).
            Assert.Equal("open", episode.GetProperty("status").GetString());
            var timeline = (await t.Api.GetAsync($"episodes/{episodeId}/events?limit=100")).Expect(200).Data.EnumerateArray()
                .Where(e => e.GetProperty("event_type").GetString() == "appointment")
                .Select(e => (e.GetProperty("related_object_id").GetString(), e.GetProperty("details").GetProperty("trigger").GetString())).ToList();
            foreach (var booking in bookings.Where(x => x.Patient == patient))
            {
                Assert.Equal(episodeId, (await t.Api.GetAsync($"appointments/{booking.Id}")).Expect(200).Data.GetProperty("episode_id").GetString());
                Assert.Single(timeline, e => e == (booking.Id, "appointment.booked"));
                Assert.Single(payloads, d => d.GetProperty("object").GetProperty("id").GetString() == booking.Id
                                             && d.GetProperty("object").GetProperty("status").GetString() == "confirmed");
                if (booking.First)
                {
                    Assert.Single(timeline, e => e == (booking.Id, "appointment.cancelled"));
                    // Its booking was routed first: the cancellation's "before" already names the episode.
                    var cancelled = Assert.Single(payloads, d => d.GetProperty("object").GetProperty("id").GetString() == booking.Id
                                                                 && d.GetProperty("object").GetProperty("status").GetString() == "cancelled");
                    Assert.Equal(episodeId, cancelled.GetProperty("previous").GetProperty("episode_id").GetString());
                }
            }
        }
    }

    private async Task<long> CountAsync(string sql, string keyId) =>
        await Postgres.Services.GetRequiredService<Database>().Raw().ScalarAsync<long>(sql, new { KeyId = keyId });

    private async Task<long> CountAsync(string sql, TestTenant t) =>
        await Postgres.Services.GetRequiredService<Database>().Raw().ScalarAsync<long>(sql, new { t.OrgId });
}
