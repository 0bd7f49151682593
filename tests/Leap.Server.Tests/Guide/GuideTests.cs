using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Server.Tests.Guide;

/// <summary>The guide's own JavaScript client, unchanged, against Leap: the compatibility promise of the product.</summary>
public abstract class GuideTests(LeapFixture server)
{
    [Fact]
    public async Task Guide_lists_active_templates_searches_and_creates_patients()
    {
        var t = await server.NewTenantAsync();
        var gp = await t.CreateTemplateAsync("Standard GP Consultation", duration: 15);
        var physio = await t.CreateTemplateAsync("Physiotherapy Assessment", duration: 45);
        await t.CreateTemplateAsync("Retired service", active: false);
        var sarah = await t.CreatePatientAsync("Sarah", "Johnson", "1985-03-15");
        await t.CreatePatientAsync("Tom", "Other", "1972-11-02");

        var result = await GuideRunner.RunAsync(server.BaseUrl, t.Api.Key!, """
            const templates = await getAppointmentTemplates();
            const found = await searchPatients('Sarah Johnson');
            const created = await createPatient({ firstName: 'Nina', lastName: 'Newpatient', dateOfBirth: '1990-02-03',
              email: 'nina.newpatient@example.com', phone: '+44 7700 900321' });
            const again = await searchPatients('newpatient');
            console.log(JSON.stringify({ templates, found, created, again }));
            """);

        Assert.Equal([gp, physio], result.GetProperty("templates").EnumerateArray().Select(x => x.GetProperty("id").GetString()));
        Assert.Equal(15, result.GetProperty("templates")[0].GetProperty("duration").GetInt32());
        Assert.Equal([sarah], result.GetProperty("found").EnumerateArray().Select(x => x.GetProperty("id").GetString()));
        var created = result.GetProperty("created");
        Assert.StartsWith("pat_", created.GetProperty("id").GetString());
        Assert.Equal("nina.newpatient@example.com", created.GetProperty("email").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), result.GetProperty("again")[0].GetProperty("id").GetString());
        var stored = (await t.Api.GetAsync($"patients/{created.GetProperty("id").GetString()}")).Expect(200).Data;
        Assert.Equal("Newpatient", stored.GetProperty("last_name").GetString());
        Assert.Equal("1990-02-03", stored.GetProperty("date_of_birth").GetString());
        Assert.Equal("+44 7700 900321", stored.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task Guide_books_an_appointment_and_reports_errors_through_error_message()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync("Book", "Viaguide");
        await t.CreateTemplateAsync("Nurse Appointment", duration: 20);

        var result = await GuideRunner.RunAsync(server.BaseUrl, t.Api.Key!, $$"""
            const [template] = await getAppointmentTemplates();
            const appointment = await createAppointment('{{patient}}', template, '2030-06-03T09:00:00.000Z');
            let failure = null;
            try { await createAppointment('pat_00000000-0000-7000-8000-000000000000', template, '2030-06-03T10:00:00.000Z'); }
            catch (e) { failure = e.message; }
            console.log(JSON.stringify({ appointment, failure }));
            """);

        var appointment = result.GetProperty("appointment");
        Assert.Equal("confirmed", appointment.GetProperty("status").GetString());
        Assert.Equal("2030-06-03T09:20:00Z", appointment.GetProperty("end_time").GetString());
        Assert.Equal("api", appointment.GetProperty("booking_source").GetString());
        var id = appointment.GetProperty("id").GetString();
        Assert.Equal(patient, (await t.Api.GetAsync($"appointments/{id}")).Expect(200).Data.GetProperty("patient_id").GetString());
        Assert.Contains("patient_id", result.GetProperty("failure").GetString());
        Assert.Single((await t.Api.GetAsync("appointments")).Ids());
    }

    [Fact]
    public async Task Guide_fetchWithRetry_rides_out_a_429_and_its_retry_succeeds()
    {
        // The per-key limit is 2 per hour; the first 429 moves the server's clock to the next hour, so the
        // guide's own 1-second backoff leads to a retry in a fresh window.
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 7, 1, 9, 30, 0, TimeSpan.Zero));
        await using var app = server.StartAnotherServer(services: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.AddSingleton<IStartupFilter>(new AdvanceClockOnRateLimit(clock));
        });
        var t = await server.NewTenantAsync(rateLimitPerHour: 2);
        var patient = await t.CreatePatientAsync("Retry", "Ok");

        var result = await GuideRunner.RunAsync(app.BaseUrl, t.Api.Key!, $$"""
            const statuses = [];
            const original = fetch;
            globalThis.fetch = async (url, options) => { const r = await original(url, options); statuses.push(r.status); return r; };
            await getAppointmentTemplates();
            await getAppointmentTemplates();
            const response = await fetchWithRetry(`${API_BASE}/appointments`, {
              method: 'POST',
              headers: { 'Authorization': `Bearer ${API_KEY}`, 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
              body: JSON.stringify({ patient_id: '{{patient}}', title: 'After a 429', start_time: '2030-07-02T09:00:00Z', end_time: '2030-07-02T09:30:00Z' })
            });
            const body = await response.json();
            console.log(JSON.stringify({ statuses, status: response.status, body }));
            """);

        Assert.Equal([200, 200, 429, 201], result.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(201, result.GetProperty("status").GetInt32());
        var id = result.GetProperty("body").GetProperty("data").GetProperty("id").GetString();
        Assert.Equal([id!], (await t.Api.GetAsync("appointments")).Expect(200).Ids());
    }

    private sealed class AdvanceClockOnRateLimit(FakeTimeProvider clock) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                await nextMiddleware(context);
                if (context.Response.StatusCode == 429)
                {
                    clock.Advance(TimeSpan.FromHours(1));
                }
            });
            next(app);
        };
    }
}

public sealed class GuideTestsOnSqlite(SqliteServer server) : GuideTests(server);
public sealed class GuideTestsOnPostgres(PostgresServer server) : GuideTests(server);
