using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Cli;

/// <summary>The admin command line for the directory and rota, run as the real `leap` process against the fixture's database.</summary>
public abstract class DirectoryCommandsTests(LeapFixture server)
{
    [Fact]
    public async Task Locations_clinicians_sessions_and_blocks_made_on_the_command_line_are_what_the_api_reads()
    {
        var t = await server.NewTenantAsync();
        var location = FirstWord((await LeapAsync("locations", "create", "--org", t.OrgId, "--name", "CLI Surgery", "--postcode", "zz1 1zz",
            "--town", "Sampleton", "--hours", "mon-fri=08:00-18:00,sat=09:00-12:00", "--primary", "true")).Output);
        var clinician = FirstWord((await LeapAsync("clinicians", "create", "--org", t.OrgId, "--name", "Dr Cli Example", "--title", "Dr",
            "--role", "GP", "--bookable-online", "false")).Output);
        var weekly = await LeapAsync("sessions", "add", "--clinician", clinician, "--location", location, "--weekdays", "mon,tue",
            "--start", "09:00", "--end", "12:30", "--from", "2026-06-01");
        Assert.Equal(2, weekly.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await LeapAsync("sessions", "add", "--clinician", clinician, "--location", location, "--date", "2026-06-13", "--start", "10:00", "--end", "11:00");
        var block = FirstWord((await LeapAsync("blocks", "add", "--clinician", clinician, "--from", "2026-06-15", "--to", "2026-06-16", "--note", "Leave")).Output);

        var place = (await t.Api.GetAsync($"locations/{location}")).Expect(200).Data;
        Assert.Equal("ZZ1 1ZZ", place.GetProperty("postcode").GetString());
        Assert.Equal("Europe/London", place.GetProperty("timezone").GetString());
        Assert.True(place.GetProperty("is_primary").GetBoolean());
        Assert.Equal("08:00", place.GetProperty("opening_hours").GetProperty("friday").GetProperty("open").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, place.GetProperty("opening_hours").GetProperty("sunday").ValueKind);

        var profile = (await t.Api.GetAsync($"clinician-profiles/{clinician}")).Expect(200).Data;
        Assert.Equal("Dr Cli Example", profile.GetProperty("name").GetString());
        Assert.False(profile.GetProperty("is_bookable_online").GetBoolean());
        Assert.Equal(location, profile.GetProperty("location_ids")[0].GetString());

        var sessions = (await t.Api.GetAsync($"clinician-profiles/{clinician}/sessions")).Expect(200).Data.EnumerateArray().ToList();
        Assert.Equal(["monday", "tuesday", null], sessions.Select(s => s.GetProperty("weekday").GetString()));
        Assert.Equal("2026-06-01", sessions[0].GetProperty("valid_from").GetString());
        Assert.Equal("2026-06-13", sessions[2].GetProperty("date").GetString());

        // Whole local days, the last one included: midnight BST to midnight BST.
        var leave = (await t.Api.GetAsync($"clinician-profiles/{clinician}/blocks")).Expect(200).Data[0];
        Assert.Equal(block, leave.GetProperty("id").GetString());
        Assert.Equal("2026-06-14T23:00:00Z", leave.GetProperty("start_time").GetString());
        Assert.Equal("2026-06-16T23:00:00Z", leave.GetProperty("end_time").GetString());
        Assert.Equal("leave", leave.GetProperty("reason").GetString());

        Assert.Equal(0, (await LeapAsync("sessions", "remove", sessions[2].GetProperty("id").GetString()!)).ExitCode);
        Assert.Equal(2, (await t.Api.GetAsync($"clinician-profiles/{clinician}/sessions")).Expect(200).Ids().Count);
    }

    [Theory]
    [InlineData("funday", "09:00", "17:00", "is not a weekday")]
    [InlineData("mon", "17:00", "09:00", "--end: must be after start_time")]
    [InlineData("mon", "9am", "17:00", "--start: must be a local time HH:MM")]
    public async Task Bad_sessions_are_refused_with_a_message_and_nothing_is_written(string weekdays, string start, string end, string message)
    {
        var t = await server.NewTenantAsync();
        var location = await t.CreateLocationAsync();
        var clinician = await t.CreateClinicianAsync();
        var run = await LeapAsync(false, "sessions", "add", "--clinician", clinician, "--location", location, "--weekdays", weekdays, "--start", start, "--end", end);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.Empty((await t.Api.GetAsync($"clinician-profiles/{clinician}/sessions")).Expect(200).Ids());
    }

    private Task<LeapCommand.Run> LeapAsync(params string[] args) => LeapCommand.RunAsync(server, true, args);

    private Task<LeapCommand.Run> LeapAsync(bool mustSucceed, params string[] args) => LeapCommand.RunAsync(server, mustSucceed, args);

    private static string FirstWord(string output) => LeapCommand.FirstWord(output);
}

public sealed class DirectoryCommandsTestsOnSqlite(SqliteServer server) : DirectoryCommandsTests(server);
public sealed class DirectoryCommandsTestsOnPostgres(PostgresServer server) : DirectoryCommandsTests(server);
