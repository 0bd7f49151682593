using System.Diagnostics;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>The admin command line run as the real <c>leap</c> process against a fixture's database.</summary>
public static class LeapCommand
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static async Task<Run> RunAsync(LeapFixture server, bool mustSucceed, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "leap.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in server.StorageSettings())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var run = new Run(process.ExitCode, await output, await error);
        Assert.True(!mustSucceed || run.ExitCode == 0, $"leap {string.Join(' ', args)} failed ({run.ExitCode}): {run.Error}{run.Output}");
        return run;
    }

    public static string FirstWord(string output) => output.Split(' ', 2)[0].Trim();
}
