using Leap.Server;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Availability;
using Leap.Server.Clinicians;
using Leap.Server.Holds;
using Leap.Server.Locations;
using Leap.Server.Patients;
using Leap.Server.Storage;

namespace Leap.Bench.Availability;

/// <summary>
/// The data set: one practice (two London locations) whose 20 clinicians work 08:00-18:00 on weekdays, with
/// 5,000 appointments in the four weeks from next Monday (about half their time), an afternoon of training each,
/// and a hold each: obviously fake, written straight through the server's stores.
/// </summary>
public sealed record Seed(string ApiKey, string TemplateId, string ClinicianId, DateOnly FirstDay)
{
    public const int Clinicians = 20;
    public const int Appointments = 5_000;
    private const int Days = 28;
    private const int SlotsPerDay = 20;

    public static async Task<Seed> RunAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<Database>();
        var accounts = services.GetRequiredService<AccountStore>();
        var organisation = await accounts.CreateOrganisationAsync("Availability benchmark clinic (fictional)");
        var (_, key) = await accounts.CreateKeyAsync(organisation.Id, "bench", Modes.Test, Scopes.All, rateLimitPerHour: int.MaxValue);
        var tenantDb = db.ForTenant(new Tenant(organisation.Id, Modes.Test));
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);
        var london = LocalTimes.Zone("Europe/London");
        var today = LocalTimes.DateAt(now, london);
        var monday = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7);

        var locations = Enumerable.Range(0, 2).Select(i => new Location
        {
            Id = Ids.New(Ids.Location), Name = $"Bench site {i}", Timezone = "Europe/London", IsActive = true, CreatedAt = now, UpdatedAt = now,
        }).ToList();
        var clinicians = Enumerable.Range(0, Clinicians).Select(i => new ClinicianProfile
        {
            Id = Ids.New(Ids.Clinician), Name = $"Dr Bench {i:00}", IsActive = true, IsBookableOnline = true, CreatedAt = now, UpdatedAt = now,
        }).ToList();
        var template = AppointmentTemplateValidation.Blank(Ids.New(Ids.AppointmentTemplate), now) with
        {
            Name = "Benchmark consultation", Duration = 20, BufferAfterMinutes = 5, MinNoticeMinutes = 0, Status = "published",
        };
        var patients = Enumerable.Range(0, 200).Select(i => PatientValidation.Blank(Ids.New(Ids.Patient), now) with
        {
            FirstName = "Bench", LastName = $"Patient{i}", DateOfBirth = new DateOnly(1950 + i % 50, 1 + i % 12, 1 + i % 28),
        }).ToList();

        // Each clinician's 30-minute positions over the working days, 5,000 of them booked at random (the first Monday's
        // last position is kept for a hold).
        var random = new Random(20261124);
        var workdays = Enumerable.Range(0, Days).Select(monday.AddDays).Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        var booked = Enumerable.Range(0, Clinicians)
            .SelectMany(c => workdays.SelectMany(day => Enumerable.Range(0, SlotsPerDay).Select(slot => (Clinician: c, Day: day, Slot: slot))))
            .Where(p => p.Day != monday || p.Slot != SlotsPerDay - 1)
            .OrderBy(_ => random.Next()).Take(Appointments).ToList();

        await tenantDb.WriteAsync(async write =>
        {
            foreach (var location in locations)
            {
                await LocationStore.InsertAsync(write, location, default);
            }
            for (var i = 0; i < clinicians.Count; i++)
            {
                await ClinicianStore.InsertAsync(write, clinicians[i], default);
                foreach (var weekday in ScheduleValues.Weekdays.Take(5))
                {
                    await ClinicianScheduleStore.InsertSessionAsync(write, new ClinicianSession
                    {
                        Id = Ids.New(Ids.Session), ClinicianProfileId = clinicians[i].Id, LocationId = locations[i % 2].Id, Weekday = weekday,
                        StartTime = "08:00", EndTime = "18:00", CreatedAt = now, UpdatedAt = now,
                    }, default);
                }
                var training = LocalTimes.ToInstant(monday.AddDays(2 + i % 3), new TimeOnly(14, 0), london);
                await ClinicianScheduleStore.InsertBlockAsync(write, new ClinicianBlock
                {
                    Id = Ids.New(Ids.Block), ClinicianProfileId = clinicians[i].Id, StartTime = training, EndTime = training.AddHours(4), Reason = "training",
                    CreatedAt = now,
                }, default);
            }
            await AppointmentTemplateStore.InsertAsync(write, template, default);
            foreach (var patient in patients)
            {
                await PatientStore.InsertAsync(write, patient, default);
            }
            for (var i = 0; i < booked.Count; i++)
            {
                var (clinician, day, slot) = booked[i];
                var start = LocalTimes.ToInstant(day, new TimeOnly(8, 0).AddMinutes(30 * slot), london);
                await AppointmentStore.InsertAsync(write, AppointmentValidation.Blank(Ids.New(Ids.Appointment), "api", now) with
                {
                    PatientId = patients[i % patients.Count].Id, ClinicianProfileId = clinicians[clinician].Id, LocationId = locations[clinician % 2].Id,
                    AppointmentTypeId = template.Id, Title = template.Name, StartTime = start, EndTime = start.AddMinutes(20), DurationMinutes = 20,
                    BufferAfterMinutes = 5,
                }, default);
            }
            return 0;
        });

        // A hold per clinician on the position kept free (holds last 15 minutes: the run is shorter).
        await tenantDb.WriteAsync(async write =>
        {
            foreach (var clinician in clinicians)
            {
                var start = LocalTimes.ToInstant(monday, new TimeOnly(17, 30), london);
                await HoldStore.InsertAsync(write, new Hold
                {
                    Id = Ids.New(Ids.Hold), AppointmentTemplateId = template.Id, ClinicianProfileId = clinician.Id, LocationId = null,
                    StartTime = start, EndTime = start.AddMinutes(20), BufferAfterMinutes = 5, ExpiresAt = now + HoldStatuses.Lifetime, Status = HoldStatuses.Active,
                    CreatedAt = now, UpdatedAt = now,
                }, default);
            }
            return 0;
        });
        return new Seed(key, template.Id, clinicians[0].Id, monday);
    }
}
