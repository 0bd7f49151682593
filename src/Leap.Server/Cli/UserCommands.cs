using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Users;
using static Leap.Server.Cli.AdminCommands;
using static Leap.Server.Cli.DirectoryCommands;

namespace Leap.Server.Cli;

/// <summary>
/// Staff accounts from the command line (docs/staff-accounts.md): the first admin of an organisation is made here,
/// and a locked-out admin gets back in here. A password left out is generated and printed once.
/// </summary>
public static class UserCommands
{
    public const string Usage =
        """
          users create --org <org_id> --email <email> --name <name> --role admin|reception|clinician [--mode test|live]
                       [--clinician <cli_id>] [--password <password>]
                                            create a staff account; without --password one is generated and printed once
          users list --org <org_id> [--mode test|live]
          users reset <usr_id> [--password <password>] [--clear-second-factor true]
                                            set a new password (printed when generated), lift a lockout, end the user's sessions
          users disable <usr_id>            disable an account and end its sessions
        """;

    public static readonly string[] Commands = ["users"];

    public static async Task<int> RunAsync(string[] args, IServiceProvider services)
    {
        var database = services.GetRequiredService<Database>();
        var everyone = database.CrossTenant("command line");
        var now = TypeHandlers.Truncate(services.GetRequiredService<TimeProvider>().GetUtcNow());
        try
        {
            return args switch
            {
                ["users", "create", .. var options] => await CreateAsync(services, Options(options), now),
                ["users", "list", .. var options] => PrintAll((await UserStore.ListAsync(await TenantAsync(services, Options(options)),
                    new ListQuery { Limit = ListSpec.MaxLimit }, default)).Items, Describe),
                ["users", "reset", var id, .. var options] => await OwnerAsync(database, everyone, "users", id) is { } owner
                    ? await ResetAsync(owner, id, Options(options), now)
                    : Fail($"No user {id}."),
                ["users", "disable", var id] => await OwnerAsync(database, everyone, "users", id) is { } owner
                    ? await DisableAsync(owner, id, now)
                    : Fail($"No user {id}."),
                _ => Fail(Usage),
            };
        }
        catch (ApiException e)
        {
            return Fail(e.Details is { Count: > 0 } details ? string.Join(Environment.NewLine, details.Select(d => $"{d.Field}: {d.Message}")) : e.Message);
        }
    }

    private static async Task<int> CreateAsync(IServiceProvider services, Dictionary<string, string> options, DateTimeOffset now)
    {
        var tenant = await TenantAsync(services, options);
        var role = Require(options, "role");
        if (!Roles.All.Contains(role))
        {
            return Fail($"--role must be one of: {string.Join(", ", Roles.All)}.");
        }
        var (password, generated) = Password(options);
        var user = new StoredUser
        {
            Id = Ids.New(Ids.User), OrgId = tenant.Tenant.OrgId, Mode = tenant.Tenant.Mode, Email = Require(options, "email"), Name = Require(options, "name"),
            Role = role, ClinicianProfileId = options.GetValueOrDefault("clinician"), PasswordHash = Passwords.Hash(password), CreatedAt = now, UpdatedAt = now,
        };
        await tenant.WriteAsync(async write =>
        {
            await UserStore.InsertAsync(write, user, default);
            return 0;
        });
        Console.WriteLine(Describe(user.ToView()));
        return generated ? Done($"Password (shown once): {password}") : 0;
    }

    private static async Task<int> ResetAsync(TenantDb owner, string id, Dictionary<string, string> options, DateTimeOffset now)
    {
        var (password, generated) = Password(options);
        var clear = options.GetValueOrDefault("clear-second-factor") == "true";
        var hash = Passwords.Hash(password);
        await owner.WriteAsync(write => UserStore.ResetPasswordAsync(write, id, hash, clear, now, default));
        return Done($"Password of {id} reset; its sessions have ended." + (generated ? $" New password (shown once): {password}" : ""));
    }

    private static async Task<int> DisableAsync(TenantDb owner, string id, DateTimeOffset now)
    {
        await owner.WriteAsync(async write =>
        {
            var user = (await UserStore.FindAsync(write, id, default))!;
            await UserStore.UpdateAsync(write, user with { DisabledAt = user.DisabledAt ?? now, UpdatedAt = now }, default);
            return 0;
        });
        return Done($"{id} disabled; its sessions have ended.");
    }

    private static (string Password, bool Generated) Password(Dictionary<string, string> options)
    {
        if (!options.TryGetValue("password", out var password))
        {
            return (Passwords.Generate(), true);
        }
        return Passwords.Problem(password) is { } problem ? throw new ArgumentException($"--password {problem}.") : (password, false);
    }

    private static string Describe(User u) =>
        $"{u.Id}  {u.Mode}  {u.Role,-9}  {(u.IsDisabled ? "disabled" : "active  ")}  {(u.SecondFactorEnabled ? "2fa" : "   ")}  {u.Email}  {u.Name}" +
        (u.ClinicianProfileId is null ? "" : $"  [{u.ClinicianProfileId}]");
}
