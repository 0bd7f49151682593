using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leap.Server.Accounts;
using Leap.Server.Availability;
using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Pathways;
using Leap.Server.Storage;
using static Leap.Server.Cli.AdminCommands;

namespace Leap.Server.Cli;

/// <summary>
/// The practice's directory and rota from the command line: locations, clinicians, their weekly and one-off
/// sessions, and blocks (leave, training). Records are read with the API's own validation (docs/directory.md).
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
            ["sessions", "remove", var id] =>
                await OwnerAsync(database, everyone, "clinician_sessions", id) is { } owner
                && await ClinicianScheduleStore.DeleteAsync(owner, id, default) ? Done($"Removed {id}.") : Fail($"No session {id}."),
            ["blocks", "remove", var id] =>
                await OwnerAsync(database, everyone, "clinician_blocks", id) is { } owner
                && await ClinicianScheduleStore.RemoveBlockAsync(owner, services.GetRequiredService<RoutingQueue>(), id, default)
                    ? Done($"Removed {id}.") : Fail($"No block {id}."),
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
        var body = Body(options, LocationFields);
        if (options.TryGetValue("hours", out var hours))
        {
            body["opening_hours"] = ParseHours(hours);
        }
        var location = Read(body, LocationFields, r => LocationValidation.Apply(r, LocationValidation.Blank(Ids.New(Ids.Location), now), creating: true, now));
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
        var clinician = Read(Body(options, ClinicianFields), ClinicianFields,
            r => ClinicianValidation.Apply(r, ClinicianValidation.Blank(Ids.New(Ids.Clinician), now), creating: true, now));
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
        var tenant = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var location = await tenant.SingleAsync<string>($"SELECT id FROM locations WHERE id = @locationId AND {TenantSql.Filter}", new { locationId });
        if (location is null)
        {
            return Fail($"No location {locationId} in the clinician's organisation and mode.");
        }
        var body = Body(options, SessionFields);
        IReadOnlyList<JsonObject> bodies = options.ContainsKey("date") ? [body]
            : Weekdays(Require(options, "weekdays")).Select(day => new JsonObject(body.Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))) { ["weekday"] = day }).ToList();
        var sessions = bodies.Select(each => Read(each, SessionFields,
            r => ScheduleValidation.ApplySession(r, ScheduleValidation.BlankSession(Ids.New(Ids.Session), clinicianId, now), creating: true, now))).ToList();
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
        var tenant = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var zone = LocalTimes.Zone(await ClinicianStore.TimezoneAsync(tenant, clinicianId, LocationValidation.DefaultTimezone, default));
        var block = Read(Body(options, BlockFields), BlockFields, r => ScheduleValidation.ReadBlock(r, Ids.New(Ids.Block), clinicianId, zone, now));
        await tenant.WriteAsync(async write =>
        {
            await ClinicianScheduleStore.InsertBlockAsync(write, block, default);
            return 0;
        });
        return Done($"{block.Id}  {block.Reason}  {block.StartTime:yyyy-MM-dd'T'HH:mm'Z'} to {block.EndTime:yyyy-MM-dd'T'HH:mm'Z'}");
    }

    // The options of each command and the API fields they fill: the command line goes through the API's validation.
    private static readonly Dictionary<string, string> LocationFields = new(StringComparer.Ordinal)
    {
        ["name"] = "name", ["address"] = "address_line_1", ["town"] = "town_city", ["postcode"] = "postcode", ["country"] = "country",
        ["phone"] = "phone", ["email"] = "email", ["timezone"] = "timezone", ["primary"] = "is_primary", ["hours"] = "opening_hours",
    };

    private static readonly Dictionary<string, string> ClinicianFields = new(StringComparer.Ordinal)
    {
        ["name"] = "name", ["display-name"] = "display_name", ["title"] = "title", ["first-name"] = "first_name", ["last-name"] = "last_name",
        ["role"] = "role", ["email"] = "email", ["qualifications"] = "qualifications", ["registration-number"] = "registration_number",
        ["registration-body"] = "professional_registration_body", ["bookable-online"] = "is_bookable_online",
    };

    private static readonly Dictionary<string, string> SessionFields = new(StringComparer.Ordinal)
    {
        ["location"] = "location_id", ["date"] = "date", ["weekdays"] = "weekday", ["start"] = "start_time", ["end"] = "end_time",
        ["from"] = "valid_from", ["until"] = "valid_until",
    };

    private static readonly Dictionary<string, string> BlockFields = new(StringComparer.Ordinal)
    {
        ["from"] = "start_time", ["to"] = "end_time", ["reason"] = "reason", ["note"] = "note",
    };

    /// <summary>The options as an API body (text options as strings, true/false as booleans); those of other meanings are left out.</summary>
    private static JsonObject Body(Dictionary<string, string> options, Dictionary<string, string> fields)
    {
        var body = new JsonObject();
        foreach (var (option, field) in fields.Where(f => options.ContainsKey(f.Key) && f.Key is not ("weekdays" or "hours")))
        {
            var text = options[option];
            body[field] = field.StartsWith("is_", StringComparison.Ordinal) && bool.TryParse(text, out var flag) ? JsonValue.Create(flag) : JsonValue.Create(text);
        }
        return body;
    }

    /// <summary>Reads <paramref name="body"/> as the API does; its problems, named by option, refuse the command.</summary>
    internal static T Read<T>(JsonObject body, Dictionary<string, string> fields, Func<BodyReader, T> read)
    {
        var reader = new BodyReader(JsonDocument.Parse(body.ToJsonString()).RootElement);
        var value = read(reader);
        if (reader.Errors.Count > 0)
        {
            var options = fields.ToDictionary(f => f.Value, f => "--" + f.Key, StringComparer.Ordinal);
            throw new ArgumentException(string.Join(Environment.NewLine, reader.Errors.Select(e =>
                $"{options.GetValueOrDefault(e.Field.Split('.')[0], e.Field)}: {e.Message}")));
        }
        return value;
    }

    private static async Task<int> ListSessionsAsync(Database database, CrossTenantDb everyone, string clinicianId)
    {
        var tenant = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var page = await ClinicianScheduleStore.ListSessionsAsync(tenant, clinicianId, new ListQuery { Limit = ListSpec.MaxLimit }, default);
        return PrintAll(page.Items, Describe);
    }

    private static async Task<int> ListBlocksAsync(Database database, CrossTenantDb everyone, string clinicianId)
    {
        var tenant = await ClinicianOwnerAsync(database, everyone, clinicianId);
        var page = await ClinicianScheduleStore.ListBlocksAsync(tenant, clinicianId, new ListQuery { Limit = ListSpec.MaxLimit }, default);
        return PrintAll(page.Items, b => $"{b.Id}  {b.Reason,-8}  {b.StartTime:yyyy-MM-dd'T'HH:mm'Z'} to {b.EndTime:yyyy-MM-dd'T'HH:mm'Z'}  {b.Note}");
    }

    private static string Describe(ClinicianSession s) =>
        $"{s.Id}  {s.LocationId}  {(s.Weekday ?? s.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),-10}  {s.StartTime}-{s.EndTime}" +
        (s.ValidFrom is { } from ? $"  from {from:yyyy-MM-dd}" : "") + (s.ValidUntil is { } until ? $"  until {until:yyyy-MM-dd}" : "");

    /// <summary>The clinician's tenant.</summary>
    private static async Task<TenantDb> ClinicianOwnerAsync(Database database, CrossTenantDb everyone, string clinicianId) =>
        await OwnerAsync(database, everyone, "clinician_profiles", clinicianId) ?? throw new ArgumentException($"No clinician {clinicianId}.");

    private static IEnumerable<string> Weekdays(string list) => list.Split(',', StringSplitOptions.TrimEntries).Select(day =>
    {
        var index = Array.IndexOf(Days, day.Length >= 3 ? day[..3].ToLowerInvariant() : day);
        return index >= 0 ? ScheduleValues.Weekdays[index] : throw new ArgumentException($"'{day}' is not a weekday (mon, tue, ... sun).");
    });

    /// <summary>"mon-fri=08:00-18:30,sat=09:00-12:00" as the API's <c>opening_hours</c>: days not named are closed.</summary>
    private static JsonObject ParseHours(string text)
    {
        var hours = new JsonObject();
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
                hours[ScheduleValues.Weekdays[i]] = new JsonObject { ["open"] = times[0], ["close"] = times[1] };
            }
        }
        return hours;
    }
}
