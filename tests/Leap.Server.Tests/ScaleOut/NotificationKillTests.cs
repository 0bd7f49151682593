using System.Globalization;
using Leap.Server.Locations;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.ScaleOut;

/// <summary>
/// Two server processes send the notifications of one PostgreSQL database; one is killed in the middle of sending
/// (its SMTP conversations held at the message content by <see cref="SmtpHold"/>). The other takes over its messages
/// once their lease runs out, and the SMTP server receives exactly one message per (appointment, trigger, occurrence).
/// </summary>
public sealed class NotificationKillTests(PostgresServer database, SmtpFixture mail) : IAsyncLifetime
{
    private const int Appointments = 12;
    private readonly List<IAsyncDisposable> cleanup = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(cleanup))
        {
            await item.DisposeAsync();
        }
    }

    private T Keep<T>(T item) where T : IAsyncDisposable
    {
        cleanup.Add(item);
        return item;
    }

    [Fact]
    public async Task A_process_killed_mid_send_leaves_its_messages_to_the_other_and_none_is_sent_twice()
    {
        var smtp = await mail.ServerAsync();
        var settings = database.NewIsolatedDatabase();
        settings["Notifications:PollInterval"] = "00:00:00.100";
        settings["Notifications:Lease"] = "00:00:05";

        // Records are arranged through a server of the test's own that sends nothing.
        var setup = Keep(new LeapAppFactory(new Dictionary<string, string?>(settings) { ["Notifications:Enabled"] = "false" }));
        _ = setup.BaseUrl;
        var t = await TestTenant.OnAsync(database, setup);
        var now = DateTimeOffset.UtcNow;
        var location = new Location { Id = Ids.New(Ids.Location), Name = "Kill Street Clinic", Timezone = "Europe/London", IsActive = true, CreatedAt = now, UpdatedAt = now };
        await t.WriteAsync(db => LocationStore.InsertAsync(db, location, default));
        var clinician = await t.CreateClinicianAsync("Dr Kill Test", locationIds: location.Id);
        var template = await t.CreateTemplateAsync("Kill test", 30);

        var hold = Keep(SmtpHold.Before(smtp.SmtpPort));
        var doomed = Keep(await ServerProcess.StartAsync(new Dictionary<string, string?>(settings.Concat(smtp.Settings(hold.Port)))));
        var survivor = Keep(await ServerProcess.StartAsync(new Dictionary<string, string?>(settings.Concat(smtp.Settings()))));

        // Booked through the doomed process, whose commits wake its own worker at once: it claims and starts sending.
        var api = t.Api.Via(doomed.CreateHttpClient());
        var emails = new List<string>();
        var start = new DateTimeOffset(now.Date.AddDays(3), TimeSpan.Zero).AddHours(9);
        for (var i = 0; i < Appointments; i++)
        {
            var email = $"killed-{Guid.NewGuid():N}@example.com";
            var patient = (await api.PostAsync("patients", new { first_name = "Kill", last_name = $"Test{i}", date_of_birth = "1970-01-01", email })).Expect(201).Id;
            var at = start.AddMinutes(30 * i);
            (await api.PostAsync("appointments", new
            {
                patient_id = patient, appointment_type_id = template, clinician_profile_id = clinician, location_id = location.Id, title = "Kill test",
                start_time = Iso(at), end_time = Iso(at.AddMinutes(30)),
            })).Expect(201);
            emails.Add(email);
        }
        await hold.WaitUntilHoldingAsync();
        await doomed.KillAsync();

        // Every confirmation arrives (the survivor sends the killed process's once their lease runs out), once.
        foreach (var email in emails)
        {
            var messages = await smtp.WaitForAsync(email, 1);
            Assert.Single(messages);
            Assert.Equal("booked", messages[0].Headers["X-Leap-Trigger"]);
        }
        var sent = await t.Db.ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE org_id = @OrgId AND mode = @Mode AND trigger = 'booked' AND status = 'sent'");
        Assert.Equal(Appointments, sent);
        var retaken = await t.Db.ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE org_id = @OrgId AND mode = @Mode AND trigger = 'booked' AND attempts > 1");
        Assert.True(retaken >= hold.Held, $"{hold.Held} send(s) were cut short, {retaken} message(s) were attempted again");
        // Every row is sent, none pending: no worker can send any of them again.
        Assert.Equal(0, await t.Db.ScalarAsync<long>("SELECT COUNT(*) FROM notifications WHERE org_id = @OrgId AND mode = @Mode AND trigger = 'booked' AND status <> 'sent'"));
        TestContext.Current.SendDiagnosticMessage($"Kill test: {Appointments} confirmations sent, {hold.Held} send(s) cut short by the kill, duplicates: 0");
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
