using System.Globalization;
using Leap.Server.Accounts;
using Leap.Server.Availability;
using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Storage;
using static Leap.Server.Cli.AdminCommands;

namespace Leap.Server.Cli;

/// <summary>
/// The practice's directory and rota from the command line: locations, clinicians, their weekly and one-off
/// sessions, and blocks (leave, training). The API only reads these (as in Jump).
/// </summary>
public static class DirectoryCommands
{
    public const string Usage =
        """
          locations create --org <org_id> --name <name> [--mode test|live] [--timezone Europe/London] [--address <line 1>]
                           [--town <town>] [--postcode <postcode>] [--country <country>] [--phone <phone>] [--email <email>]
                           [--hours mon-fri=08:00-18:30,sat=09:00-12:00] [--primary true]
          locations list --org <org_id> [--mode test|live]
          locations activate|deactivate <loc_id>
          clinicians create --org <org_id> --name <"Dr Ada Example"> [--mode test|live] [--title Dr] [--first-name <first>]
                           [--last-name <last>] [--display-name <name>] [--role <role>] [--email <email>] [--qualifications <text>]
                           [--registration-number <n>] [--registration-body GMC] [--bookable-online true|false]
          clinicians list --org <org_id> [--mode test|live]
          clinicians activate|deactivate <cli_id>
          sessions add --clinician <cli_id> --location <loc_id> --start HH:MM --end HH:MM
                       (--weekdays mon,tue,... [--from YYYY-MM-DD] [--until YYYY-MM-DD] | --date YYYY-MM-DD)
                                            weekly (or one-off) working time, in the location's local time
          sessions list --clinician <cli_id>
          blocks add --clinician <cli_id> --from <date or ISO time> --to <date or ISO time> [--reason leave|training|sickness|other]
                     [--note <text>]        time away; dates are whole days in the clinician's time zone, --to included
          blocks list --clinician <cli_id>
          sessions remove <ses_id>  |  blocks remove <blk_id>
        """;

    public static readonly string[] Commands = ["locations", "clinicians", "sessions", "blocks"];

    private static readonly string[] Days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    private sealed record Owner
    {
        public required string OrgId { get; init; }
        public required string Mode { get; init; }
        public string? Timezone { get; init; }
    }

    public static async Task<int> RunAsync(string[] args, IServiceProvider services)
    {
        var database = services.GetRequiredService<Database>();
        // The command line names records by id, whatever their organisation: it looks up the owner, then works as that tenant.
        var everyone = database.CrossTenant("command line");
        var now = TypeHandlers.Truncate(services.GetRequiredService<TimeProvider>().GetUtcNow());
        return args switch
        {
            ["locations", "create", .. var options] => await CreateLocationAsync(services, Options(options), now),
            ["locations", "list", .. var options] => PrintAll(await LocationStore.AllAsync(await TenantAsync(services, Options(options)), default), l =>
                $"{l.Id}  {(l.IsActive ? "active  " : "inactive")}  {l.Timezone,-16}  {l.Name}{(l.Postcode is null ? "" : $", {l.Postcode}")}"),
            ["locations", ("activate" or "deactivate") and var verb, var id] =>
                await OwnerAsync(database, everyone, "locations", id) is { } owner
                && await LocationStore.SetActiveAsync(owner, id, verb == "activate", now, default) == 1 ? Done($"{id} {verb}d.") : Fail($"No location {id}."),
            ["clinicians", "create", .. var options] => await CreateClinicianAsync(services, Options(options), now),
            ["clinicians", "list", .. var options] => PrintAll(await ClinicianStore.AllAsync(await TenantAsync(services, Options(options)), default), c =>
                $"{c.Id}  {(c.IsActive ? "active  " : "inactive")}  {(c.IsBookableOnline ? "online " : "offline")}  {c.Name}  [{string.Join(", ", c.LocationIds)}]"),
            ["clinicians", ("activate" or "deactivate") and var verb, var id] =>
                await OwnerAsync(database, everyone, "clinician_profiles", id) is { } owner
                && await ClinicianStore.SetActiveAsync(owner, id, verb == "activate", now, default) == 1 ? Done($"{id} {verb}d.") : Fail($"No clinician {id}."),
            ["sessions", "add", .. var options] => await AddSessionsAsync(database, everyone, Options(options), now),
            ["sessions", "list", .. var options] => await ListSessionsAsync(database, everyone, Require(Options(options), "clinician")),
            ["blocks", "add", .. var options] => await AddBlockAsync(database, everyone, Options(options), now),
            ["blocks", "list", .. var options] => await ListBlocksAsync(database, everyone, Require(Options(options), "clinician")),
            ["sessions" or "blocks", "remove", var id] =>
                await OwnerAsync(database, everyone, args[0] == "sessions" ? "clinician_sessions" : "clinician_blocks", id) is { } owner
                && await ClinicianScheduleStore.DeleteAsync(owner, id, default) ? Done($"Removed {id}.") : Fail($"No {args[0][..^1]} {id}."),
            _ => Fail(Usage),
        };
    }

    internal static async Task<TenantDb> TenantAsync(IServiceProvider services, Dictionary<string, string> options)
    {
        var orgId = Require(options, "org");
        if (await services.GetRequiredService<AccountStore>().FindOrganisationAsync(orgId) is null)
        {
            throw new ArgumentException($"No organisation {orgId}.");
        }
        var mode = options.GetValueOrDefault("mode", Modes.Test);
        return Modes.IsValid(mode)
            ? services.GetRequiredService<Database>().ForTenant(new Tenant(orgId, mode))
            : throw new ArgumentException($"--mode must be {Modes.Test} or {Modes.Live}.");
    }

    private sealed record Owned
    {
        public required string OrgId { get; init; }
        public required string Mode { get; init; }
    }

    /// <summary>The tenant of the record <paramref name="id"/> of <paramref name="table"/> (a tenant table), or null.</summary>
    internal static async Task<TenantDb?> OwnerAsync(Database database, CrossTenantDb everyone, string table, string id) =>
        await everyone.SingleAsync<Owned>($"SELECT org_id, mode FROM {table} WHERE id = @id", new { id }) is { } owned
            ? database.ForTenant(new Tenant(owned.OrgId, owned.Mode))
            : null;

    private static async Task<int> CreateLocationAsync(IServiceProvider services, Dictionary<string, string> options, DateTimeOffset now)
    {
        var tenant = await TenantAsync(services, options);
        var timezone = options.GetValueOrDefault("timezone", "Europe/London");
        if (LocalTimes.FindZone(timezone) is null)
        {
            return Fail($"Unknown time zone '{timezone}': use an IANA zone id such as Europe/London.");
        }
        var location = new Location
        {
            Id = Ids.New(Ids.Location), Name = Require(options, "name"), AddressLine1 = options.GetValueOrDefault("address"),
            TownCity = options.GetValueOrDefault("town"), Postcode = options.GetValueOrDefault("postcode")?.ToUpperInvariant(),
            Country = options.GetValueOrDefault("country", "United Kingdom"), Phone = options.GetValueOrDefault("phone"),
            Email = options.GetValueOrDefault("email"), Timezone = timezone, OpeningHours = options.TryGetValue("hours", out var hours) ? ParseHours(hours) : null,
            IsPrimary = Flag(options, "primary", false), IsActive = true, CreatedAt = now, UpdatedAt = now,
        };
        await tenant.WriteAsync(async write =>
        {
            await LocationStore.InsertAsync(write, location, default);
            return 0;
        });
        return Done($"{location.Id}  {location.Name} ({location.Timezone})");
    }

    private static async Task<int> CreateClinicianAsync(IServiceProvider services, Dictionary<string, string> options, DateTimeOffset now)
    {
        var tenant = await TenantAsync(services, options);
        var name = Require(options, "name");
        var clinician = new ClinicianProfile
        {
            Id = Ids.New(Ids.Clinician), Name = name, DisplayName = options.GetValueOrDefault("display-name", name),
            Title = options.GetValueOrDefault("title"), FirstName = options.GetValueOrDefault("first-name"),
            LastName = options.GetValueOrDefault("last-name"), Role = options.GetValueOrDefault("role"), Email = options.GetValueOrDefault("email"),
            Qualifications = options.GetValueOrDefault("qualifications"), RegistrationNumber = options.GetValueOrDefault("registration-number"),
            ProfessionalRegistrationBody = options.GetValueOrDefault("registration-body"), IsActive = true,
            IsBookableOnline = Flag(options, "bookable-online", true), CreatedAt = now, UpdatedAt = now,
        };
        await tenant.WriteAsync(async write =>
        {
            await ClinicianStore.InsertAsync(write, clinician, default);
            return 0;
        });
        return Done($"{clinician.Id}  {clinician.Name}  (add working time with: sessions add --clinician {clinician.Id} ...)");
    }

    private static async Task<int> AddSessionsAsync(Database database, CrossTenantDb everyone, Dictionary<string, string> options, DateTimeOffset now)
    {
        var clinicianId = Require(options, "clinician");
        var locationId = Require(options, "location");
        var (tenant, _) = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var location = await tenant.SingleAsync<string>($"SELECT id FROM locations WHERE id = @locationId AND {TenantSql.Filter}", new { locationId });
        if (location is null)
        {
            return Fail($"No location {locationId} in the clinician's organisation and mode.");
        }
        var (start, end) = (Time(Require(options, "start")), Time(Require(options, "end")));
        if (string.CompareOrdinal(end, start) <= 0)
        {
            return Fail("--end must be after --start (sessions lie within one day).");
        }
        var session = new ClinicianSession
        {
            Id = "", ClinicianProfileId = clinicianId, LocationId = locationId, StartTime = start, EndTime = end,
            ValidFrom = OptionalDate(options, "from"), ValidUntil = OptionalDate(options, "until"), CreatedAt = now, UpdatedAt = now,
        };
        IReadOnlyList<ClinicianSession> sessions = options.TryGetValue("date", out var date)
            ? [session with { Id = Ids.New(Ids.Session), Date = Date(date), ValidFrom = null, ValidUntil = null }]
            : Weekdays(Require(options, "weekdays")).Select(day => session with { Id = Ids.New(Ids.Session), Weekday = day }).ToList();
        if (session.ValidFrom > session.ValidUntil)
        {
            return Fail("--until must not be before --from.");
        }
        await tenant.WriteAsync(async write =>
        {
            foreach (var each in sessions)
            {
                await ClinicianScheduleStore.InsertSessionAsync(write, each, default);
            }
            return 0;
        });
        return PrintAll(sessions, Describe);
    }

    private static async Task<int> AddBlockAsync(Database database, CrossTenantDb everyone, Dictionary<string, string> options, DateTimeOffset now)
    {
        var clinicianId = Require(options, "clinician");
        var (tenant, timezone) = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var zone = LocalTimes.Zone(timezone ?? "Europe/London");
        var reason = options.GetValueOrDefault("reason", "leave");
        if (!ScheduleValues.BlockReasons.Contains(reason))
        {
            return Fail($"--reason must be one of: {string.Join(", ", ScheduleValues.BlockReasons)}.");
        }
        var block = new ClinicianBlock
        {
            Id = Ids.New(Ids.Block), ClinicianProfileId = clinicianId, Reason = reason, Note = options.GetValueOrDefault("note"),
            StartTime = Instant(Require(options, "from"), zone, endOfDay: false), EndTime = Instant(Require(options, "to"), zone, endOfDay: true),
            CreatedAt = now,
        };
        if (block.EndTime <= block.StartTime)
        {
            return Fail("--to must be after --from.");
        }
        await tenant.WriteAsync(async write =>
        {
            await ClinicianScheduleStore.InsertBlockAsync(write, block, default);
            return 0;
        });
        return Done($"{block.Id}  {block.Reason}  {block.StartTime:yyyy-MM-dd'T'HH:mm'Z'} to {block.EndTime:yyyy-MM-dd'T'HH:mm'Z'}");
    }

    private static async Task<int> ListSessionsAsync(Database database, CrossTenantDb everyone, string clinicianId)
    {
        var (tenant, _) = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var page = await ClinicianScheduleStore.ListSessionsAsync(tenant, clinicianId, new ListQuery { Limit = ListSpec.MaxLimit }, default);
        return PrintAll(page.Items, Describe);
    }

    private static async Task<int> ListBlocksAsync(Database database, CrossTenantDb everyone, string clinicianId)
    {
        var (tenant, _) = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var page = await ClinicianScheduleStore.ListBlocksAsync(tenant, clinicianId, new ListQuery { Limit = ListSpec.MaxLimit }, default);
        return PrintAll(page.Items, b => $"{b.Id}  {b.Reason,-8}  {b.StartTime:yyyy-MM-dd'T'HH:mm'Z'} to {b.EndTime:yyyy-MM-dd'T'HH:mm'Z'}  {b.Note}");
    }

    private static string Describe(ClinicianSession s) =>
        $"{s.Id}  {s.LocationId}  {(s.Weekday ?? s.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),-10}  {s.StartTime}-{s.EndTime}" +
        (s.ValidFrom is { } from ? $"  from {from:yyyy-MM-dd}" : "") + (s.ValidUntil is { } until ? $"  until {until:yyyy-MM-dd}" : "");

    /// <summary>The clinician's tenant, and the time zone of their locations when they share one.</summary>
    private static async Task<(TenantDb Tenant, string? Timezone)> ClinicianOwnerAsync(Database database, CrossTenantDb everyone, string clinicianId)
    {
        var owner = await everyone.SingleAsync<Owner>(
            """
            SELECT c.org_id, c.mode,
                   (SELECT CASE WHEN COUNT(DISTINCT l.timezone) = 1 THEN MIN(l.timezone) END
                    FROM clinician_locations cl JOIN locations l ON l.id = cl.location_id WHERE cl.clinician_id = c.id) AS timezone
            FROM clinician_profiles c WHERE c.id = @clinicianId
            """, new { clinicianId })
            ?? throw new ArgumentException($"No clinician {clinicianId}.");
        return (database.ForTenant(new Tenant(owner.OrgId, owner.Mode)), owner.Timezone);
    }

    private static IEnumerable<string> Weekdays(string list) => list.Split(',', StringSplitOptions.TrimEntries).Select(day =>
    {
        var index = Array.IndexOf(Days, day.Length >= 3 ? day[..3].ToLowerInvariant() : day);
        return index >= 0 ? ScheduleValues.Weekdays[index] : throw new ArgumentException($"'{day}' is not a weekday (mon, tue, ... sun).");
    });

    /// <summary>"mon-fri=08:00-18:30,sat=09:00-12:00": days not named are closed.</summary>
    private static OpeningHours ParseHours(string text)
    {
        var hours = new DayHours?[7];
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (days, times) = part.Split('=') is [var d, var t] ? (d.Split('-'), t.Split('-')) : throw new ArgumentException($"'{part}' is not day=HH:MM-HH:MM.");
            var first = Array.IndexOf(Days, days[0].ToLowerInvariant());
            var last = Array.IndexOf(Days, days[^1].ToLowerInvariant());
            if (first < 0 || last < first || times.Length != 2)
            {
                throw new ArgumentException($"'{part}' is not day=HH:MM-HH:MM or mon-fri=HH:MM-HH:MM.");
            }
            for (var i = first; i <= last; i++)
            {
                hours[i] = new DayHours(Time(times[0]), Time(times[1]));
            }
        }
        return new OpeningHours(hours[0], hours[1], hours[2], hours[3], hours[4], hours[5], hours[6]);
    }

    private static string Time(string text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToString("HH:mm", CultureInfo.InvariantCulture)
            : throw new ArgumentException($"'{text}' is not a time HH:MM (00:00 to 23:59).");

    private static DateOnly Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new ArgumentException($"'{text}' is not a date YYYY-MM-DD.");

    private static DateOnly? OptionalDate(Dictionary<string, string> options, string name) => options.TryGetValue(name, out var text) ? Date(text) : null;

    /// <summary>An ISO 8601 time with offset, or a date: its start in the zone (the day after it for an end, so the day is included).</summary>
    private static DateTimeOffset Instant(string text, TimeZoneInfo zone, bool endOfDay) =>
        BodyReader.TryParseTimestamp(text, out var instant) ? instant
            : LocalTimes.ToInstant(endOfDay ? Date(text).AddDays(1) : Date(text), TimeOnly.MinValue, zone);

    private static bool Flag(Dictionary<string, string> options, string name, bool fallback) =>
        !options.TryGetValue(name, out var text) ? fallback
            : bool.TryParse(text, out var value) ? value : throw new ArgumentException($"--{name} must be true or false.");
}
