using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Availability;
using Leap.Server.ClinicalRecord;
using Leap.Server.Clinicians;
using Leap.Server.Consultations;
using Leap.Server.Documents;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Pathways;
using Leap.Server.Patients;
using Leap.Server.Questionnaires;
using Leap.Server.Storage;
using Leap.Server.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Leap.Server.Cli;

/// <summary>
/// A fictional clinic to try Leap with: locations, clinicians, services and patients in the test-mode
/// dataset of a "demo" organisation. Every name, number and address is obviously fake (NHS numbers in the
/// 999 test range, Ofcom drama phone numbers, example.com email, ZZ99 pseudo-postcodes).
/// </summary>
public static class DemoData
{
    public const string OrganisationName = "Leap Demo Clinic (fictional)";
    public const string KeyName = "Demo key";

    /// <summary>Creates the demo organisation once, then issues a fresh all-scopes test key (revoking older demo keys).</summary>
    public static async Task<string> SeedAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var accounts = services.GetRequiredService<AccountStore>();
        var db = services.GetRequiredService<Database>();
        var clock = services.GetRequiredService<TimeProvider>();

        var organisation = (await accounts.ListOrganisationsAsync(ct)).FirstOrDefault(o => o.Name == OrganisationName);
        if (organisation is null)
        {
            organisation = await accounts.CreateOrganisationAsync(OrganisationName, ct);
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var locations = Locations(now).ToList();
            var templates = Templates(now).ToList();
            var clinicians = Clinicians(templates, now).ToList();
            await db.ForTenant(new Tenant(organisation.Id, Modes.Test)).WriteAsync(async write =>
            {
                foreach (var template in templates)
                {
                    await AppointmentTemplateStore.InsertAsync(write, template, ct);
                }
                foreach (var location in locations)
                {
                    await LocationStore.InsertAsync(write, location, ct);
                }
                foreach (var clinician in clinicians)
                {
                    await ClinicianStore.InsertAsync(write, clinician, ct);
                }
                foreach (var session in Sessions(clinicians, locations, now))
                {
                    await ClinicianScheduleStore.InsertSessionAsync(write, session, ct);
                }
                foreach (var block in Blocks(clinicians, now))
                {
                    await ClinicianScheduleStore.InsertBlockAsync(write, block, ct);
                }
                foreach (var questionnaire in Questionnaires(now))
                {
                    await QuestionnaireStore.InsertTemplateAsync(write, questionnaire, ct);
                }
                foreach (var rule in Rules(templates, now))
                {
                    await PathwayRuleStore.InsertAsync(write, rule, ct);
                }
                var patients = Patients(now).ToList();
                foreach (var patient in patients)
                {
                    await PatientStore.InsertAsync(write, patient, ct);
                }
                await InsertClinicalRecordAsync(write, patients, clinicians, now, ct);
                return 0;
            }, ct);
        }

        foreach (var old in (await accounts.ListKeysAsync(organisation.Id, ct)).Where(k => k.Name == KeyName && k.RevokedAt is null))
        {
            await accounts.RevokeKeyAsync(old.Id, ct);
        }
        var (_, secret) = await accounts.CreateKeyAsync(organisation.Id, KeyName, Modes.Test, Scopes.All, rateLimitPerHour: 10_000, ct: ct);
        return secret;
    }

    /// <summary>A demo staff account and the password it got on this run.</summary>
    public sealed record StaffLogin(string Email, string Role, string Password);

    /// <summary>
    /// The demo clinic's staff: an admin, a receptionist and a clinician (Dr Ada Example), in the test-mode dataset like
    /// the rest of the demo. Each run gives them fresh passwords (printed), which also ends their earlier sessions.
    /// </summary>
    public static async Task<IReadOnlyList<StaffLogin>> SeedStaffAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var accounts = services.GetRequiredService<AccountStore>();
        var organisation = (await accounts.ListOrganisationsAsync(ct)).First(o => o.Name == OrganisationName);
        var tenant = services.GetRequiredService<Database>().ForTenant(new Tenant(organisation.Id, Modes.Test));
        var now = TypeHandlers.Truncate(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var ada = (await ClinicianStore.AllAsync(tenant, ct)).First(c => c.LastName == "Example");
        (string Email, string Name, string Role, string? Clinician)[] staff =
        [
            ("admin@demo-clinic.example", "Alex Admin (demo)", Roles.Admin, null),
            ("reception@demo-clinic.example", "Robin Reception (demo)", Roles.Reception, null),
            ("clinician@demo-clinic.example", "Dr Ada Example (demo)", Roles.Clinician, ada.Id),
        ];
        var existing = (await UserStore.ListAsync(tenant, new ListQuery { Limit = ListSpec.MaxLimit }, ct)).Items;
        var logins = new List<StaffLogin>();
        foreach (var (email, name, role, clinician) in staff)
        {
            var password = Passwords.Generate();
            var hash = Passwords.Hash(password);
            await tenant.WriteAsync(async write =>
            {
                if (existing.FirstOrDefault(u => u.Email == email) is { } user)
                {
                    return await UserStore.ResetPasswordAsync(write, user.Id, hash, clearSecondFactor: true, now, ct);
                }
                await UserStore.InsertAsync(write, new StoredUser
                {
                    Id = Ids.New(Ids.User), OrgId = organisation.Id, Mode = Modes.Test, Email = email, Name = name, Role = role,
                    ClinicianProfileId = clinician, PasswordHash = hash, CreatedAt = now, UpdatedAt = now,
                }, ct);
                return true;
            }, ct);
            logins.Add(new StaffLogin(email, role, password));
        }
        return logins;
    }

    public static void PrintStaff(string address, IReadOnlyList<StaffLogin> staff)
    {
        Console.WriteLine($"  Staff sign-in: {address}{StaffApp.StaffAppEndpoints.SignInPath}   (demo accounts, test data; new passwords each run)");
        foreach (var login in staff)
        {
            Console.WriteLine($"    {login.Role,-10} {login.Email,-32} {login.Password}");
        }
    }

    public static void PrintWelcome(WebApplication app, string? demoKey, IReadOnlyList<StaffLogin>? staff = null)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "http://127.0.0.1:5080";
        var storage = app.Services.GetRequiredService<StorageOptions>();
        var engine = storage.Provider == Engine.Sqlite ? $"SQLite ({Path.GetFullPath(storage.SqlitePath)})" : "PostgreSQL";
        Console.WriteLine();
        Console.WriteLine($"Leap is running on {engine}");
        Console.WriteLine($"  API:          {address}/api/v1   (also {address}/functions/v1/api-v1)");
        Console.WriteLine($"  API docs:     {address}{LeapServer.DocsPath}");
        Console.WriteLine($"  OpenAPI:      {address}/openapi/v1.json");
        var email = app.Services.GetRequiredService<Notifications.EmailOptions>();
        Console.WriteLine(email.UsesSmtp
            ? $"  Emails:       SMTP server {email.SmtpHost}:{email.SmtpPort}"
            : $"  Emails:       written as .eml files to {Path.GetFullPath(email.PickupFolder)} (no SMTP server set; docs/notifications.md)");
        var bookingPage = BookingPage.IsServed(app.Environment);
        if (bookingPage)
        {
            Console.WriteLine($"  Booking page: {address}{BookingPage.Path}");
        }
        if (demoKey is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"  Demo test key (all scopes, organisation '{OrganisationName}', test mode):");
            Console.WriteLine($"    {demoKey}");
            Console.WriteLine();
            Console.WriteLine("  Try it:");
            Console.WriteLine($"    curl -H 'Authorization: Bearer {demoKey}' '{address}/api/v1/appointment-templates?is_active=true'");
            if (bookingPage)
            {
                Console.WriteLine();
                // The key rides in the fragment, which browsers never send to a server (docs/booking-page.md).
                Console.WriteLine("  Book as the front desk (the link carries the demo key):");
                Console.WriteLine($"    {address}{BookingPage.Path}#key={demoKey}");
            }
        }
        if (staff is not null)
        {
            Console.WriteLine();
            PrintStaff(address, staff);
        }
        Console.WriteLine();
    }

    private static IEnumerable<Location> Locations(DateTimeOffset now)
    {
        var weekdays = new DayHours("08:00", "18:30");
        yield return new Location
        {
            Id = Ids.New(Ids.Location), Name = "Riverside Surgery (demo)", AddressLine1 = "1 Example Street", TownCity = "Sampleton",
            Postcode = "ZZ99 1AA", Country = "United Kingdom", Phone = "020 7946 0001", Email = "riverside@example.com",
            Lat = 51.5007, Lng = -0.1246, Timezone = "Europe/London", IsPrimary = true, IsActive = true,
            OpeningHours = new OpeningHours(weekdays, weekdays, weekdays, weekdays, weekdays, new DayHours("09:00", "12:00"), null),
            CreatedAt = now, UpdatedAt = now,
        };
        yield return new Location
        {
            Id = Ids.New(Ids.Location), Name = "Hillside Clinic (demo)", AddressLine1 = "2 Placeholder Road", TownCity = "Demoford",
            Postcode = "ZZ99 2BB", Country = "United Kingdom", Phone = "020 7946 0002", Email = "hillside@example.com",
            Lat = 51.5033, Lng = -0.1195, Timezone = "Europe/London", IsPrimary = false, IsActive = true,
            OpeningHours = new OpeningHours(weekdays, weekdays, weekdays, weekdays, weekdays, null, null),
            CreatedAt = now, UpdatedAt = now,
        };
    }

    /// <summary>Two GPs, a nurse and a physiotherapist, each providing their own services (so availability differs by service).</summary>
    private static IEnumerable<ClinicianProfile> Clinicians(IReadOnlyList<AppointmentTemplate> templates, DateTimeOffset now)
    {
        IReadOnlyList<string> Providing(string[] services) =>
            templates.Where(t => services.Contains(t.Name)).Select(t => t.Id).Order(StringComparer.Ordinal).ToList();
        ClinicianProfile Make(string title, string first, string last, string role, string qualifications, string body, params string[] services) => new()
        {
            AppointmentTemplateIds = Providing(services),
            Id = Ids.New(Ids.Clinician), Name = $"{title} {first} {last}".Trim(), DisplayName = $"{title} {first[0]}. {last}".Trim(),
            FirstName = first, LastName = last, Title = title.Length > 0 ? title : null, Role = role,
            Email = $"{first}.{last}@example.com".ToLowerInvariant(), Bio = $"Fictional {role.ToLowerInvariant()} for the Leap demo.",
            Qualifications = qualifications, RegistrationNumber = "0000000", ProfessionalRegistrationBody = body,
            IsActive = true, IsBookableOnline = true, CreatedAt = now, UpdatedAt = now,
        };
        yield return Make("Dr", "Ada", "Example", "GP Partner", "MBBS, MRCGP", "GMC", StandardGp, ExtendedGp);
        yield return Make("Dr", "Ben", "Sample", "Salaried GP", "MBChB, MRCGP", "GMC", StandardGp);
        yield return Make("", "Cara", "Placeholder", "Practice Nurse", "RGN", "NMC", Nurse);
        yield return Make("", "Dan", "Demo", "Physiotherapist", "BSc Physiotherapy", "HCPC", Physiotherapy);
    }

    /// <summary>A weekly rota (Monday to Friday, a nurse on Saturday mornings), so the demo offers free slots.</summary>
    private static IEnumerable<ClinicianSession> Sessions(IReadOnlyList<ClinicianProfile> clinicians, IReadOnlyList<Location> locations, DateTimeOffset now)
    {
        var (riverside, hillside) = (locations[0].Id, locations[1].Id);
        string[] weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"];
        IEnumerable<ClinicianSession> Weekly(ClinicianProfile clinician, string location, IEnumerable<string> days, string start, string end) =>
            days.Select(day => new ClinicianSession
            {
                Id = Ids.New(Ids.Session), ClinicianProfileId = clinician.Id, LocationId = location, Weekday = day, StartTime = start,
                EndTime = end, CreatedAt = now, UpdatedAt = now,
            });
        return Weekly(clinicians[0], riverside, weekdays, "09:00", "12:30")
            .Concat(Weekly(clinicians[0], riverside, weekdays, "14:00", "17:30"))
            .Concat(Weekly(clinicians[1], riverside, weekdays[..3], "09:00", "17:00"))
            .Concat(Weekly(clinicians[1], hillside, weekdays[3..], "09:00", "17:00"))
            .Concat(Weekly(clinicians[2], riverside, weekdays, "08:30", "13:00"))
            .Concat(Weekly(clinicians[2], riverside, ["saturday"], "09:00", "12:00"))
            .Concat(Weekly(clinicians[3], hillside, weekdays, "10:00", "18:00"));
    }

    /// <summary>Dr Sample's week of leave starting on the Monday two weeks after the demo is loaded.</summary>
    private static IEnumerable<ClinicianBlock> Blocks(IReadOnlyList<ClinicianProfile> clinicians, DateTimeOffset now)
    {
        var london = LocalTimes.Zone("Europe/London");
        var today = LocalTimes.DateAt(now, london);
        var monday = today.AddDays(14 - ((int)today.DayOfWeek + 6) % 7);
        yield return new ClinicianBlock
        {
            Id = Ids.New(Ids.Block), ClinicianProfileId = clinicians[1].Id, Reason = "leave", Note = "Annual leave (demo)",
            StartTime = LocalTimes.ToInstant(monday, TimeOnly.MinValue, london), EndTime = LocalTimes.ToInstant(monday.AddDays(5), TimeOnly.MinValue, london),
            CreatedAt = now,
        };
    }

    private const string StandardGp = "Standard GP Consultation";
    private const string ExtendedGp = "Extended GP Consultation";
    private const string Nurse = "Nurse Appointment";
    private const string Physiotherapy = "Physiotherapy Assessment";

    private static IEnumerable<AppointmentTemplate> Templates(DateTimeOffset now)
    {
        AppointmentTemplate Make(string name, int duration, int price, string pricing, int before = 0, int after = 0, bool active = true) => new()
        {
            Id = Ids.New(Ids.AppointmentTemplate), Name = name, Description = $"{name} (demo service).", Duration = duration,
            Price = price, PricingType = pricing, IsActive = active, Status = active ? "published" : "archived", Version = 1,
            AllowOnlineBooking = true, BufferBeforeMinutes = before, BufferAfterMinutes = after,
            MinNoticeMinutes = AppointmentTemplateValidation.DefaultMinNoticeMinutes, MaxAdvanceDays = AppointmentTemplateValidation.DefaultMaxAdvanceDays,
            CreatedAt = now, UpdatedAt = now,
        };
        yield return Make(StandardGp, 15, 0, "free");
        yield return Make(ExtendedGp, 30, 0, "free");
        yield return Make(Nurse, 20, 0, "free", after: 5);
        yield return Make(Physiotherapy, 45, 8500, "stripe", before: 5, after: 10);
        yield return Make("Travel Vaccination Clinic (retired)", 20, 4500, "stripe", active: false);
    }

    /// <summary>The clinic's own questionnaires, beside the system ones every organisation sees.</summary>
    private static IEnumerable<QuestionnaireTemplate> Questionnaires(DateTimeOffset now)
    {
        QuestionnaireTemplate Make(string key, string title, string category, bool clinical, string schema) => new()
        {
            Id = Ids.New(Ids.QuestionnaireTemplate), QuestionnaireId = Ids.New(Ids.Questionnaire), Title = title, Description = $"{title} (demo questionnaire).",
            Schema = JsonDocument.Parse(schema).RootElement.Clone(), Category = category, Tags = ["demo"], IsClinical = clinical, Version = 1,
            IsActive = true, Key = key, CreatedAt = now, UpdatedAt = now,
        };
        yield return Make("physio_pre_assessment", "Physiotherapy pre-assessment", "pre-booking", clinical: true,
            """
            {"fields":[
              {"key":"area","label":"Where is the problem?","type":"choice","options":["back","neck","shoulder","knee","other"],"required":true},
              {"key":"pain","label":"Pain today (0-10)","type":"scale","min":0,"max":10,"required":true},
              {"key":"since","label":"Since when?","type":"date"},
              {"key":"notes","label":"Anything we should know?","type":"text","max_length":2000}]}
            """);
        yield return Make("travel_vaccination", "Travel vaccination questionnaire", "pre-booking", clinical: true,
            """
            {"fields":[
              {"key":"destinations","label":"Countries you will visit","type":"text","required":true},
              {"key":"departure","label":"Departure date","type":"date","required":true},
              {"key":"pregnant","label":"Are you pregnant?","type":"boolean"}]}
            """);
    }

    /// <summary>Physiotherapy bookings go to the physio team; a worrying screen result is urgent.</summary>
    private static IEnumerable<PathwayRule> Rules(IReadOnlyList<AppointmentTemplate> templates, DateTimeOffset now)
    {
        var physio = templates.Single(t => t.Name == Physiotherapy);
        yield return PathwayRuleValidation.Blank(Ids.New(Ids.PathwayRule), now) with
        {
            TriggerType = PathwayValues.AppointmentBooked, RuleName = "Physiotherapy bookings to the physio team", Priority = 10,
            Conditions = new RuleConditions { AppointmentTypeIds = [physio.Id] }, SuggestedAssignment = "team_physio",
        };
        yield return PathwayRuleValidation.Blank(Ids.New(Ids.PathwayRule), now) with
        {
            TriggerType = PathwayValues.QuestionnaireSubmitted, RuleName = "Depression screens need a prompt review", Priority = 10,
            Conditions = new RuleConditions { QuestionnaireKeys = ["phq2"] }, SuggestedPriority = "high",
        };
    }

    private static IEnumerable<Patient> Patients(DateTimeOffset now)
    {
        string[] first = ["Alice", "Bob", "Carol", "Dev", "Erin", "Femi", "Grace", "Hiro", "Isla", "Jonah", "Kemi", "Liam"];
        string[] last = ["Example", "Sample", "Placeholder", "Testperson", "Demo", "Fakename", "Mockton", "Dummy", "Specimen", "Trialson", "Exemplar", "Notreal"];
        for (var i = 0; i < first.Length; i++)
        {
            yield return PatientValidation.Blank(Ids.New(Ids.Patient), now) with
            {
                FirstName = first[i],
                LastName = last[i],
                DateOfBirth = new DateOnly(1950 + i * 5, 1 + i % 12, 1 + i * 2),
                BiologicalSex = i % 2 == 0 ? "female" : "male",
                NhsNumber = TestNhsNumber(i),
                Email = $"{first[i]}.{last[i]}@example.com".ToLowerInvariant(),
                Phone = $"+44 7700 900{i:000}",
                AddressLine1 = $"{i + 1} Fictional Lane",
                TownCity = "Sampleton",
                Postcode = "ZZ99 3CC",
                PreferredContactMethod = "email",
            };
        }
    }

    /// <summary>
    /// Three fictional consultations of the first demo patients, with problems, medications, allergies and observations,
    /// and a (fictional) letter as a document (docs/clinical-record.md).
    /// </summary>
    private static async Task InsertClinicalRecordAsync(TenantDb write, IReadOnlyList<Patient> patients, IReadOnlyList<ClinicianProfile> clinicians,
        DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        (string Complaint, string Summary, (EntryKind Kind, string Fields)[] Entries)[] visits =
        [
            ("Headaches for two weeks", "Tension-type headache likely. Blood pressure raised; recheck in two weeks.",
            [
                (EntryKinds.Problem, """{"problem_name": "Tension-type headache", "snomed_code": "398057008", "severity": "mild"}"""),
                (EntryKinds.Observation, """{"code": "75367002", "display": "Blood pressure", "components": [{"code": "271649006", "display": "Systolic", "value": 148, "unit": "mm[Hg]"}, {"code": "271650006", "display": "Diastolic", "value": 92, "unit": "mm[Hg]"}]}"""),
                (EntryKinds.Medication, """{"medication_name": "Paracetamol 500 mg tablets", "dosage": "1000", "dosage_unit": "mg", "frequency": "up to four times a day", "route": "oral"}"""),
                (EntryKinds.Allergy, """{"allergen": "Penicillin", "category": "medication", "severity": "moderate", "reactions": [{"manifestation": "Rash", "severity": "moderate"}]}"""),
            ]),
            ("Cough and fever", "Viral upper respiratory infection. Self-care advice; return if worse.",
            [
                (EntryKinds.Problem, """{"problem_name": "Acute upper respiratory infection", "snomed_code": "54150009", "severity": "mild"}"""),
                (EntryKinds.Observation, """{"code": "8310-5", "display": "Body temperature", "value": 37.9, "unit": "Cel"}"""),
                (EntryKinds.Allergy, """{"allergen": "Peanut", "category": "food", "severity": "severe", "reactions": [{"manifestation": "Swelling of lips", "severity": "severe"}]}"""),
            ]),
            ("Asthma review", "Asthma well controlled. Inhaler technique checked.",
            [
                (EntryKinds.Problem, """{"problem_name": "Asthma", "snomed_code": "195967001", "severity": "moderate"}"""),
                (EntryKinds.Medication, """{"medication_name": "Salbutamol 100 micrograms inhaler", "dosage": "200", "dosage_unit": "micrograms", "frequency": "when needed", "route": "inhaled"}"""),
                (EntryKinds.Observation, """{"code": "19935-6", "display": "Peak expiratory flow", "value": 460, "unit": "L/min"}"""),
            ]),
        ];
        for (var i = 0; i < visits.Length; i++)
        {
            var uuid = Ids.NewUuidV7().ToString();
            var date = today.AddDays(-7 * (i + 1));
            var consultation = new Consultation
            {
                Id = uuid, ConsultationId = Ids.Consultation + uuid, PatientId = patients[i].Id, ClinicianId = clinicians[i % clinicians.Count].Id,
                ConsultationDate = date, ConsultationTime = "10:30:00", Status = ConsultationValues.Completed,
                ConsultationTypeCode = "11429006", ConsultationTypeDisplay = "Consultation", ConsultationMediumDisplay = "Face to face",
                ConsultationSetting = "General practice", ConsultationSettingCode = "394761003",
                ChiefComplaint = visits[i].Complaint, Summary = visits[i].Summary, CreatedByType = Actor.SystemType, CreatedAt = now, UpdatedAt = now,
            };
            await ConsultationStore.InsertAsync(write, consultation, ct);
            foreach (var (kind, fields) in visits[i].Entries)
            {
                var data = kind.Read(new BodyReader(JsonDocument.Parse(fields).RootElement));
                await ClinicalStore.InsertAsync(write, ClinicalEntry.New(kind, consultation.PatientId, consultation.Id, data, date, Actor.System, now), ct);
            }
            if (i == 0)
            {
                var letter = System.Text.Encoding.UTF8.GetBytes("Dear colleague,\nThank you for seeing this fictional demo patient about their headaches.\nLeap Demo Clinic (fictional)\n");
                var data = EntryKinds.Document.Read(new BodyReader(JsonDocument.Parse(
                    """{"document_type": "referral_letter", "title": "Referral letter (fictional)", "file_name": "referral-letter.txt"}""").RootElement));
                var sha256 = DocumentContent.Describe(data, letter, DocumentContent.Sniff(letter)!, uploadedBy: null);
                var document = ClinicalEntry.New(EntryKinds.Document, consultation.PatientId, consultation.Id, data, date, Actor.System, now);
                await ClinicalStore.InsertAsync(write, document, ct);
                await ClinicalStore.InsertContentAsync(write, document.Id, sha256, letter, ct);
            }
        }
    }

    /// <summary>NHS numbers starting 999 are reserved for testing; pick the i-th one with a valid check digit.</summary>
    private static string TestNhsNumber(int index)
    {
        var found = -1;
        for (var n = 0; ; n++)
        {
            var nine = $"999{n:000000}";
            if (NhsNumbers.CheckDigit(nine) is { } check && ++found == index)
            {
                return nine + check;
            }
        }
    }
}
