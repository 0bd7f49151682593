using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Leap.Bench;

public sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors);

/// <summary>Runs wrk (the strongest load generator on these machines) on loopback and reads its summary.</summary>
public static partial class Wrk
{
    private static int phase;

    /// <summary>One wrk run of <paramref name="duration"/> (a warm-up or a measurement).</summary>
    public static async Task<WrkResult> RunAsync(string baseUrl, Scenario scenario, BenchOptions options, TimeSpan duration)
    {
        var script = Path.Combine(Path.GetTempPath(), $"leap-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, scenario.Script(Interlocked.Increment(ref phase)));
        var connections = scenario.Connections ?? options.Connections;
        try
        {
            var start = new ProcessStartInfo("wrk",
            [
                "-t", Math.Min(options.Threads, connections).ToString(CultureInfo.InvariantCulture),
                "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{(int)duration.TotalSeconds}s",
                "--timeout", "10s",
                "--latency",
                "-s", script,
                baseUrl,
            ])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk could not start (apt-get install wrk).");
            var output = await wrk.StandardOutput.ReadToEndAsync();
            await wrk.WaitForExitAsync();
            if (wrk.ExitCode != 0)
            {
                throw new InvalidOperationException($"wrk failed: {output}{await wrk.StandardError.ReadToEndAsync()}");
            }
            var result = Parse(output);
            // A script error makes wrk fall back to plain GETs: a run without the status check's line is invalid.
            return UnexpectedStatuses().Match(output) is { Success: true } check
                ? result with { Errors = result.Errors + long.Parse(check.Groups[1].Value, CultureInfo.InvariantCulture) }
                : throw new InvalidOperationException($"The {scenario.Name} script did not run as written:\n{output}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    public static WrkResult Parse(string output)
    {
        double Latency(string percentile)
        {
            var match = Regex.Match(output, $@"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            if (!match.Success)
            {
                return double.NaN;
            }
            var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
        }
        long Count(Regex pattern) => pattern.Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

        var socketErrors = SocketErrors().Match(output);
        var errors = Count(NonSuccess()) + (socketErrors.Success
            ? Enumerable.Range(1, 4).Sum(g => long.Parse(socketErrors.Groups[g].Value, CultureInfo.InvariantCulture))
            : 0);
        return new WrkResult(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Latency("50"), Latency("99"), Count(TotalRequests()), errors);
    }

    [GeneratedRegex(@"Unexpected statuses: (\d+)")]
    private static partial Regex UnexpectedStatuses();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex TotalRequests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
