using System.Text.Json.Nodes;
using Leap.Server.Notifications;
using Leap.Server.Organisations;
using Leap.Server.Storage;
using static Leap.Server.Cli.AdminCommands;
using static Leap.Server.Cli.DirectoryCommands;

namespace Leap.Server.Cli;

/// <summary>
/// An organisation's public booking and notification settings from the command line: what <c>GET/PATCH
/// /organisation</c> and <c>/notification-settings</c> show and change, read with the same validation
/// (docs/online-booking.md, docs/notifications.md). Like the API, they belong to one dataset: organisation and mode.
/// </summary>
public static class OrganisationCommands
{
    public const string Usage =
        """
          orgs show <org_id> [--mode test|live]
                                            the dataset's public booking page and notification settings
          orgs set <org_id> [--mode test|live] [--public-booking on|off] [--slug <slug>] [--public-name <name>]
                   [--phone <phone>] [--quiet-hours HH:MM-HH:MM]
                                            change them; "none" clears the slug, public name, phone or quiet hours
        """;

    private const string None = "none";

    // The options and the API fields they fill: errors name the option.
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["public-booking"] = "online_booking_enabled", ["slug"] = "slug", ["public-name"] = "public_name", ["phone"] = "phone",
        ["quiet-hours"] = "quiet_hours",
    };

    public static Task<int> RunAsync(string[] args, IServiceProvider services) => args switch
    {
        ["orgs", "show", var orgId, .. var options] => ShowAsync(services, orgId, Options(options)),
        ["orgs", "set", var orgId, .. var options] => SetAsync(services, orgId, Options(options)),
        _ => Task.FromResult(Fail(Usage)),
    };

    private static async Task<int> ShowAsync(IServiceProvider services, string orgId, Dictionary<string, string> options)
    {
        var tenant = await TenantAsync(services, new Dictionary<string, string>(options) { ["org"] = orgId });
        return Print(services, await OrganisationStore.FindAsync(tenant, default), await NotificationStore.SettingsAsync(tenant, default));
    }

    private static async Task<int> SetAsync(IServiceProvider services, string orgId, Dictionary<string, string> options)
    {
        var tenant = await TenantAsync(services, new Dictionary<string, string>(options) { ["org"] = orgId });
        var unknown = options.Keys.Where(o => o != "mode" && !Fields.ContainsKey(o)).ToList();
        if (unknown.Count > 0 || options.Keys.All(o => o == "mode"))
        {
            return Fail(unknown.Count > 0 ? $"Unknown option --{unknown[0]}.{Environment.NewLine}{Usage}" : Usage);
        }
        var body = Body(options);
        var now = TypeHandlers.Truncate(services.GetRequiredService<TimeProvider>().GetUtcNow());
        try
        {
            var (organisation, notifications) = await tenant.WriteAsync(async write =>
            {
                var current = await OrganisationStore.FindAsync(write, default);
                var currentNotifications = await NotificationStore.SettingsAsync(write, default);
                var changed = Read(body, Fields, r => (OrganisationApi.Apply(r, current) with { UpdatedAt = now }, NotificationSettings.Apply(r, currentNotifications, now)));
                if (options.Keys.Any(o => o is not ("mode" or "quiet-hours")))
                {
                    await OrganisationStore.SaveAsync(write, changed.Item1, default);
                }
                if (options.ContainsKey("quiet-hours"))
                {
                    await NotificationStore.SaveSettingsAsync(write, changed.Item2, default);
                }
                return changed;
            });
            return Print(services, organisation, notifications);
        }
        catch (Exception e) when (tenant.IsUniqueViolation(e))
        {
            return Fail("--slug: another organisation already uses this slug; choose another.");
        }
    }

    /// <summary>The options as the API's bodies: on/off as a boolean, "none" as null, HH:MM-HH:MM as the quiet hours object.</summary>
    private static JsonObject Body(Dictionary<string, string> options)
    {
        var body = new JsonObject();
        foreach (var (option, field) in Fields.Where(f => options.ContainsKey(f.Key)))
        {
            var text = options[option];
            body[field] = option switch
            {
                _ when text == None && option != "public-booking" => null,
                "public-booking" => text switch
                {
                    "on" => true,
                    "off" => false,
                    _ => throw new ArgumentException("--public-booking: must be on or off."),
                },
                "quiet-hours" => text.Split('-') is [var start, var end]
                    ? new JsonObject { ["start"] = start, ["end"] = end }
                    : throw new ArgumentException("--quiet-hours: must be HH:MM-HH:MM (e.g. 21:00-08:00), or none."),
                _ => text,
            };
        }
        return body;
    }

    private static int Print(IServiceProvider services, OrganisationSettings o, NotificationSettings n)
    {
        var publicUrl = services.GetRequiredService<IConfiguration>()["PublicUrl"]?.TrimEnd('/') ?? "";
        return PrintAll(
        [
            $"{o.Id}  {o.Mode}  {o.Name}",
            $"public booking  {(o.OnlineBookingEnabled ? $"on   {publicUrl}{BookingPage.Path}/{o.Slug}" : "off")}",
            $"slug            {o.Slug ?? None}",
            $"public name     {o.PublicName ?? $"{None} (patients see {o.Name})"}",
            $"phone           {o.Phone ?? None}",
            $"quiet hours     {(n.QuietHours is { } quiet ? $"{quiet.Start}-{quiet.End} (each location's local time)" : None)}",
        ], line => line);
    }
}
