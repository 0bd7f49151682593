using Leap.Server.Accounts;
using Leap.Server.Storage;

namespace Leap.Server.Cli;

/// <summary>
/// The admin command line, run as <c>leap &lt;command&gt;</c> (or <c>dotnet run --project src/Leap.Server -- &lt;command&gt;</c>).
/// It uses the same configuration as the server (appsettings.json, then environment variables such as
/// <c>Storage__Provider</c>, <c>Storage__Sqlite__Path</c>, <c>Storage__Postgres</c>).
/// </summary>
public static class AdminCommands
{
    private const string Usage =
        """
        Usage: leap [command]

          (no command)                      start the API server; add --demo to load demo data and print a test key
          migrate                           apply pending database migrations
          orgs create <name>                create an organisation
          orgs list                         list organisations
          keys create --org <org_id> --name <name> [--mode test|live] [--scopes all|s1,s2] [--rate-limit N]
                                            create an API key; its secret is printed once
          keys list --org <org_id>          list an organisation's keys (never their secrets)
          keys revoke <key_id>              revoke a key immediately
          keys set-limit <key_id> <N>       set a key's requests per hour
          demo                              load the demo organisation; print a fresh test key and the demo staff passwords
          scopes                            list every scope
        """ + "\n" + OrganisationCommands.Usage + "\n" + BackupCommands.Usage + "\n" + DirectoryCommands.Usage + "\n" + UserCommands.Usage;

    private static readonly string[] Commands = ["migrate", "orgs", "keys", "demo", "scopes", "help", "--help", "-h", .. BackupCommands.Commands, .. DirectoryCommands.Commands, .. UserCommands.Commands];

    public static bool IsAdminCommand(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        if (args[0] is "help" or "--help" or "-h")
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (args[0] == "scopes")
        {
            Console.WriteLine(string.Join(Environment.NewLine, Scopes.All));
            return 0;
        }

        // The same configuration as the server, appsettings.json next to the binary included (see Program.cs).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var storage = StorageOptions.From(builder.Configuration);
        if (BackupCommands.Commands.Contains(args[0]))
        {
            return await BackupCommands.RunAsync(args, storage);
        }
        builder.Services.AddSingleton(storage);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => Database.Create(sp.GetRequiredService<StorageOptions>(), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<AccountStore>();
        await using var services = builder.Services.BuildServiceProvider();
        var db = services.GetRequiredService<Database>();
        var accounts = services.GetRequiredService<AccountStore>();
        try
        {
            await db.MigrateAsync();
            return args switch
            {
                ["migrate"] => Done("Database is up to date."),
                ["orgs", "create", .. var name] when name.Length > 0 => Print(await accounts.CreateOrganisationAsync(string.Join(' ', name)), o => $"{o.Id}  {o.Name}"),
                ["orgs", "show" or "set", ..] => await OrganisationCommands.RunAsync(args, services),
                ["orgs", "list"] => PrintAll(await accounts.ListOrganisationsAsync(), o => $"{o.Id}  {o.CreatedAt:yyyy-MM-dd}  {o.Name}"),
                ["keys", "create", .. var options] => await CreateKeyAsync(accounts, Options(options)),
                ["keys", "list", .. var options] => PrintAll(await accounts.ListKeysAsync(Require(Options(options), "org")), k =>
                    $"{k.Id}  {k.DisplayPrefix}  {k.Mode}  {(k.RevokedAt is null ? "active " : "revoked")}  {k.RateLimitPerHour}/h  {k.Name}  [{k.Scopes}]"),
                ["keys", "revoke", var keyId] => await accounts.RevokeKeyAsync(keyId) ? Done($"Revoked {keyId}.") : Fail($"No key {keyId}."),
                ["keys", "set-limit", var keyId, var limit] when int.TryParse(limit, out var perHour) && perHour > 0 =>
                    await SetLimitAsync(accounts, keyId, perHour),
                ["demo"] => await DemoAsync(services),
                [var command, ..] when DirectoryCommands.Commands.Contains(command) => await DirectoryCommands.RunAsync(args, services),
                [var command, ..] when UserCommands.Commands.Contains(command) => await UserCommands.RunAsync(args, services),
                _ => Fail(Usage),
            };
        }
        catch (ArgumentException e)
        {
            return Fail(e.Message);
        }
        finally
        {
            await db.DisposeAsync();
        }
    }

    private static async Task<int> CreateKeyAsync(AccountStore accounts, Dictionary<string, string> options)
    {
        var orgId = Require(options, "org");
        if (await accounts.FindOrganisationAsync(orgId) is null)
        {
            return Fail($"No organisation {orgId}.");
        }
        var scopes = options.GetValueOrDefault("scopes", "all");
        var scopeList = scopes == "all" ? Scopes.All : scopes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var limit = options.TryGetValue("rate-limit", out var raw) ? int.Parse(raw, System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var (key, secret) = await accounts.CreateKeyAsync(orgId, Require(options, "name"), options.GetValueOrDefault("mode", Modes.Test), scopeList, limit);
        Console.WriteLine($"Created {key.Id} ({key.Mode}, {key.RateLimitPerHour}/h) with scopes: {key.Scopes}");
        Console.WriteLine("Secret (shown once, store it now):");
        Console.WriteLine(secret);
        return 0;
    }

    private static async Task<int> DemoAsync(IServiceProvider services)
    {
        Console.WriteLine($"Demo test key (all scopes): {await DemoData.SeedAsync(services)}");
        DemoData.PrintStaff("http://127.0.0.1:5080", await DemoData.SeedStaffAsync(services));
        return 0;
    }

    private static async Task<int> SetLimitAsync(AccountStore accounts, string keyId, int perHour)
    {
        await accounts.SetRateLimitAsync(keyId, perHour);
        return Done($"{keyId} may now make {perHour} requests per hour.");
    }

    internal static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'. Options are written --name value.");
            }
            options[args[i][2..]] = args[++i];
        }
        return options;
    }

    internal static string Require(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    private static int Print<T>(T item, Func<T, string> format) => Done(format(item));

    internal static int PrintAll<T>(IEnumerable<T> items, Func<T, string> format)
    {
        foreach (var item in items)
        {
            Console.WriteLine(format(item));
        }
        return 0;
    }

    internal static int Done(string message)
    {
        Console.WriteLine(message);
        return 0;
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}
