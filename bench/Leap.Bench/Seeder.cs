using Leap.Server;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Benchmark;
using Leap.Server.Clinicians;
using Leap.Server.Locations;
using Leap.Server.Patients;
using Leap.Server.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Leap.Bench;

/// <summary>What the scenarios need to know about the seeded data set, and how to point a server at it.</summary>
public sealed record SeedInfo(
    string ApiKey,
    string OrgId,
    string TemplateId,
    IReadOnlyList<string> LocationIds,
    IReadOnlyList<string> ClinicianIds,
    IReadOnlyList<string> PatientIds,
    IReadOnlyList<string> SearchTerms,
    Dictionary<string, string> ServerEnvironment);

/// <summary>
/// Seeds a realistic, obviously fake data set straight through the server's own stores (the API would
/// take minutes for 200,000 appointments): one organisation, clinicians, patients and past appointments.
/// </summary>
public static class Seeder
{
    private static readonly string[] FirstNames = ["Alex", "Bea", "Cai", "Dana", "Eli", "Fran", "Gus", "Hana", "Ivo", "Jude", "Kit", "Lou", "Max", "Noor", "Oli", "Pat"];
    private static readonly string[] LastNames = ["Example", "Sample", "Placeholder", "Testperson", "Demo", "Fakename", "Mockton", "Dummy", "Specimen", "Trialson", "Exemplar", "Notreal", "Madeup", "Pretend", "Synthetic", "Imaginary"];

    public static async Task<SeedInfo> SeedAsync(Engine engine, DataSize size)
    {
        var (patients, clinicians, appointments) = size == DataSize.Full ? (100_000, 50, 200_000) : (500, 10, 1_000);
        var (storage, environment) = await PrepareStorageAsync(engine);
        await using var db = Database.Create(storage, NullLoggerFactory.Instance);
        await db.MigrateAsync();
        // The raw-insert limit row's table (docs/performance.md): beside Leap's schema, not in it.
        await db.CrossTenant("benchmark").WriteAsync(LimitEndpoints.CreateTableSql(db.Engine));
        var accounts = new AccountStore(db, TimeProvider.System);
        var organisation = await accounts.CreateOrganisationAsync("Benchmark clinic (fictional)");
        var (_, key) = await accounts.CreateKeyAsync(organisation.Id, "bench", Modes.Test, Scopes.All, rateLimitPerHour: int.MaxValue);
        var tenantDb = db.ForTenant(new Tenant(organisation.Id, Modes.Test));
        var now = TypeHandlers.Truncate(DateTimeOffset.UtcNow);

        var template = AppointmentTemplateValidation.Blank(Ids.New(Ids.AppointmentTemplate), now) with { Name = "Benchmark consultation", Status = "published" };
        // Ten clinicians per location, each working 08:00-18:00 on weekdays there.
        var locationIds = Enumerable.Range(0, Math.Max(1, clinicians / 10)).Select(_ => Ids.New(Ids.Location)).ToList();
        var clinicianIds = Enumerable.Range(0, clinicians).Select(_ => Ids.New(Ids.Clinician)).ToList();
        await tenantDb.WriteAsync(async write =>
        {
            await AppointmentTemplateStore.InsertAsync(write, template, default);
            for (var i = 0; i < locationIds.Count; i++)
            {
                await LocationStore.InsertAsync(write, new Location
                {
                    Id = locationIds[i], Name = $"Bench site {i}", Timezone = "Europe/London", IsActive = true, CreatedAt = now, UpdatedAt = now,
                }, default);
            }
            for (var i = 0; i < clinicianIds.Count; i++)
            {
                var location = locationIds[i % locationIds.Count];
                await ClinicianStore.InsertAsync(write, new ClinicianProfile
                {
                    Id = clinicianIds[i], Name = $"Dr Bench {i}", IsActive = true, IsBookableOnline = true, LocationIds = [location],
                    CreatedAt = now, UpdatedAt = now,
                }, default);
                foreach (var weekday in ScheduleValues.Weekdays.Take(5))
                {
                    await ClinicianScheduleStore.InsertSessionAsync(write, new ClinicianSession
                    {
                        Id = Ids.New(Ids.Session), ClinicianProfileId = clinicianIds[i], LocationId = location, Weekday = weekday,
                        StartTime = "08:00", EndTime = "18:00", CreatedAt = now, UpdatedAt = now,
                    }, default);
                }
            }
            return 0;
        });

        var patientIds = new List<string>(patients);
        await InChunksAsync(tenantDb, patients, "patients", async (write, i) =>
        {
            var patient = PatientValidation.Blank(Ids.New(Ids.Patient), now) with
            {
                FirstName = FirstNames[i % FirstNames.Length],
                LastName = LastNames[i / FirstNames.Length % LastNames.Length] + (i / (FirstNames.Length * LastNames.Length)),
                DateOfBirth = new DateOnly(1940 + i % 70, 1 + i % 12, 1 + i % 28),
                Email = $"bench{i}@example.com",
                Phone = $"+44 7700 9{i % 100000:00000}",
            };
            await PatientStore.InsertAsync(write, patient, default);
            patientIds.Add(patient.Id);
        });

        // Past appointments, back to back per clinician, working back from yesterday.
        var firstDay = now.Date.AddDays(-1 - appointments / clinicians / 16);
        await InChunksAsync(tenantDb, appointments, "appointments", async (write, i) =>
        {
            var slot = i / clinicians;
            var start = new DateTimeOffset(firstDay, TimeSpan.Zero).AddDays(slot / 16).AddHours(9).AddMinutes(slot % 16 * 30);
            await AppointmentStore.InsertAsync(write, AppointmentValidation.Blank(Ids.New(Ids.Appointment), "api", now) with
            {
                PatientId = patientIds[i % patientIds.Count],
                ClinicianProfileId = clinicianIds[i % clinicians],
                AppointmentTypeId = template.Id,
                Title = "Seeded consultation",
                StartTime = start,
                EndTime = start.AddMinutes(30),
                DurationMinutes = 30,
                Status = AppointmentStatuses.Completed,
            }, default);
        });

        var terms = LastNames.Take(8).Select(n => n.ToLowerInvariant()).Concat(["bench12", "alex", "07700 91", "1985-"]).ToList();
        return new SeedInfo(key, organisation.Id, template.Id, locationIds, clinicianIds, patientIds.Take(200).ToList(), terms, environment);
    }

    private static async Task InChunksAsync(TenantDb db, int count, string what, Func<TenantDb, int, Task> insert)
    {
        const int Chunk = 5_000;
        for (var done = 0; done < count; done += Chunk)
        {
            var first = done;
            await db.WriteAsync(async write =>
            {
                for (var i = first; i < Math.Min(count, first + Chunk); i++)
                {
                    await insert(write, i);
                }
                return 0;
            });
            Console.Write($"\r   {what}: {Math.Min(count, done + Chunk):N0}/{count:N0}");
        }
        Console.WriteLine();
    }

    private static async Task<(StorageOptions, Dictionary<string, string>)> PrepareStorageAsync(Engine engine)
    {
        if (engine.PostgresConnectionString is null)
        {
            // A database file of its own per run; those of runs more than two hours old are deleted (each is gigabytes).
            var runs = Path.Combine(Path.GetTempPath(), "leap-bench");
            foreach (var old in Directory.Exists(runs) ? Directory.GetDirectories(runs) : [])
            {
                if (Directory.GetLastWriteTimeUtc(old) < DateTime.UtcNow.AddHours(-2))
                {
                    Directory.Delete(old, recursive: true);
                }
            }
            var path = Path.Combine(runs, Guid.NewGuid().ToString("N"), "leap.db");
            return (new StorageOptions { Provider = Leap.Server.Storage.Engine.Sqlite, SqlitePath = path },
                new() { ["Storage__Provider"] = "sqlite", ["Storage__Sqlite__Path"] = path });
        }
        // A schema of its own per run, so earlier runs never weigh on this one; the schemas of runs that ended (or
        // died) more than two hours ago are dropped, so a bench cluster does not fill up with them.
        var schema = SchemaName(DateTime.UtcNow);
        await using (var connection = new NpgsqlConnection(engine.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand(
                """
                DO $$ DECLARE s text; BEGIN
                  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'leapbench\_%' AND nspname < @cutoff LOOP
                    EXECUTE format('DROP SCHEMA %I CASCADE', s);
                  END LOOP;
                END $$
                """.Replace("@cutoff", $"'{SchemaName(DateTime.UtcNow.AddHours(-2))}'", StringComparison.Ordinal), connection);
            await drop.ExecuteNonQueryAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(engine.PostgresConnectionString) { SearchPath = $"{schema},public" }.ToString();
        return (new StorageOptions { Provider = Leap.Server.Storage.Engine.Postgres, PostgresConnectionString = connectionString },
            new() { ["Storage__Provider"] = "postgres", ["Storage__Postgres"] = connectionString });
    }

    private static string SchemaName(DateTime utc) => FormattableString.Invariant($"leapbench_{utc:yyyyMMddHHmmss}_{Random.Shared.Next(0x10000):x4}");
}
