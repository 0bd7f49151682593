using System.Text.Json;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Cli;

/// <summary>The organisation's public booking and notification settings on the command line, run as the real `leap` process.</summary>
public abstract class OrganisationCommandsTests(LeapFixture server)
{
    private static string NewSlug() => "cli-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Settings_made_on_the_command_line_are_what_the_api_reads_and_none_clears_them()
    {
        var t = await server.NewTenantAsync();
        var slug = NewSlug();
        var set = await LeapAsync("orgs", "set", t.OrgId, "--public-booking", "on", "--slug", slug, "--public-name", "Cli Physio",
            "--phone", "020 7946 0999", "--quiet-hours", "21:00-08:00");
        Assert.Contains($"public booking  on   /book/{slug}", set.Output);
        Assert.Contains("quiet hours     21:00-08:00", set.Output);

        var organisation = (await t.Api.GetAsync("organisation")).Expect(200).Data;
        Assert.True(organisation.GetProperty("online_booking_enabled").GetBoolean());
        Assert.Equal(slug, organisation.GetProperty("slug").GetString());
        Assert.Equal("Cli Physio", organisation.GetProperty("public_name").GetString());
        Assert.Equal("020 7946 0999", organisation.GetProperty("phone").GetString());
        var quiet = (await t.Api.GetAsync("notification-settings")).Expect(200).Data.GetProperty("quiet_hours");
        Assert.Equal(("21:00", "08:00"), (quiet.GetProperty("start").GetString(), quiet.GetProperty("end").GetString()));
        // Live data has settings of its own.
        Assert.Contains("public booking  off", (await LeapAsync("orgs", "show", t.OrgId, "--mode", "live")).Output);

        // Only what is named changes.
        await LeapAsync("orgs", "set", t.OrgId, "--public-booking", "off", "--public-name", "none", "--quiet-hours", "none");
        var show = (await LeapAsync("orgs", "show", t.OrgId)).Output;
        Assert.Contains("public booking  off", show);
        Assert.Contains($"slug            {slug}", show);
        Assert.Contains("phone           020 7946 0999", show);
        Assert.Contains("quiet hours     none", show);
        organisation = (await t.Api.GetAsync("organisation")).Expect(200).Data;
        Assert.False(organisation.GetProperty("online_booking_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, organisation.GetProperty("public_name").ValueKind);
        Assert.Equal(slug, organisation.GetProperty("slug").GetString());
        Assert.Equal(JsonValueKind.Null, (await t.Api.GetAsync("notification-settings")).Expect(200).Data.GetProperty("quiet_hours").ValueKind);
    }

    [Fact]
    public async Task Bad_settings_are_refused_naming_their_options_and_nothing_is_written()
    {
        var t = await server.NewTenantAsync();
        var refused = await LeapAsync(false, "orgs", "set", t.OrgId, "--slug", "Not A Slug", "--phone", "call me", "--quiet-hours", "9pm-08:00");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--slug: must be lower-case letters", refused.Error);
        Assert.Contains("--phone:", refused.Error);
        Assert.Contains("--quiet-hours: must be a local time", refused.Error);

        var noSlug = await LeapAsync(false, "orgs", "set", t.OrgId, "--public-booking", "on", "--public-name", "Half Written");
        Assert.Equal(1, noSlug.ExitCode);
        Assert.Contains("--public-booking: online booking needs a slug", noSlug.Error);

        var other = await server.NewTenantAsync();
        var taken = NewSlug();
        await LeapAsync("orgs", "set", other.OrgId, "--slug", taken);
        var clash = await LeapAsync(false, "orgs", "set", t.OrgId, "--slug", taken, "--quiet-hours", "22:00-07:00");
        Assert.Equal(1, clash.ExitCode);
        Assert.Contains("another organisation already uses this slug", clash.Error);

        Assert.Contains("Unknown option --colour", (await LeapAsync(false, "orgs", "set", t.OrgId, "--colour", "blue")).Error);
        Assert.Contains("No organisation org_nothing", (await LeapAsync(false, "orgs", "show", "org_nothing")).Error);

        var organisation = (await t.Api.GetAsync("organisation")).Expect(200).Data;
        Assert.Equal(JsonValueKind.Null, organisation.GetProperty("slug").ValueKind);
        Assert.Equal(JsonValueKind.Null, organisation.GetProperty("public_name").ValueKind);
        Assert.False(organisation.GetProperty("online_booking_enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await t.Api.GetAsync("notification-settings")).Expect(200).Data.GetProperty("quiet_hours").ValueKind);
    }

    private Task<LeapCommand.Run> LeapAsync(params string[] args) => LeapCommand.RunAsync(server, true, args);

    private Task<LeapCommand.Run> LeapAsync(bool mustSucceed, params string[] args) => LeapCommand.RunAsync(server, mustSucceed, args);
}

public sealed class OrganisationCommandsTestsOnSqlite(SqliteServer server) : OrganisationCommandsTests(server);
public sealed class OrganisationCommandsTestsOnPostgres(PostgresServer server) : OrganisationCommandsTests(server);
