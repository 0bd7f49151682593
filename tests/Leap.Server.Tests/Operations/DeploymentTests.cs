using System.Diagnostics;
using Leap.Server.Cli;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.Operations;

/// <summary>
/// The server as a newcomer or an operator meets it: started from any folder, with the README's commands. The
/// engine does not matter, so SQLite only.
/// </summary>
public sealed class DeploymentTests(SqliteServer server) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("leap-deployment-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_server_started_from_another_folder_serves_the_API_docs_and_booking_page_and_keeps_its_data_there()
    {
        // No storage settings: the default SQLite file, relative to the working directory.
        await using var started = await ServerProcess.StartAsync(new Dictionary<string, string?>(), workingDirectory: folder);
        using var http = started.CreateHttpClient();

        foreach (var (path, expected) in new[] { ("/book/", "<h1>Book an appointment</h1>"), ("/docs", "Leap API"), ("/openapi/v1.json", "\"openapi\"") })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.True(File.Exists(Path.Combine(folder, "data", "leap.db")));
        Assert.Contains(started.Output, line => line.Contains($"SQLite ({Path.Combine(folder, "data", "leap.db")})", StringComparison.Ordinal));
        Assert.Contains(started.Output, line => line.Contains($"Booking page: {started.BaseUrl}/book", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_banner_names_the_booking_page_only_when_it_is_served()
    {
        var empty = Directory.CreateDirectory(Path.Combine(folder, "empty-web-root")).FullName;
        await using var started = await ServerProcess.StartAsync(server.StorageSettings(), null, "--webroot", empty);
        using var http = started.CreateHttpClient();

        Assert.Equal(404, (int)(await http.GetAsync("/book/")).StatusCode);
        Assert.Contains(started.Output, line => line.Contains("The booking page is not served", StringComparison.Ordinal));
        Assert.Contains(started.Output, line => line.Contains("API docs:", StringComparison.Ordinal));
        Assert.DoesNotContain(started.Output, line => line.Contains("/book", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_README_try_it_commands_book_an_appointment_on_the_demo_server()
    {
        var (demo, _) = server.StartIsolatedServer();
        await using var _ = demo;
        var key = await DemoData.SeedAsync(demo.Services);
        var commands = TryItCommands()
            .Replace("KEY=pk_test_...", $"KEY={key}", StringComparison.Ordinal)
            .Replace("API=http://127.0.0.1:5080/api/v1", $"API={demo.BaseUrl}/api/v1", StringComparison.Ordinal);

        var (exitCode, output) = await BashAsync(commands);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"status\":\"confirmed\"", output, StringComparison.Ordinal);
        Assert.Contains("\"title\":\"Consultation\"", output, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"apt_", output, StringComparison.Ordinal);
    }

    /// <summary>The first bash block under the README's "Try it" heading, as a reader would paste it.</summary>
    private static string TryItCommands()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var section = readme[readme.IndexOf("## Try it", StringComparison.Ordinal)..];
        var start = section.IndexOf("```bash\n", StringComparison.Ordinal) + "```bash\n".Length;
        return section[start..section.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static async Task<(int ExitCode, string Output)> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(start)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var error = bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        return (bash.ExitCode, await output + await error);
    }
}
