using System.Diagnostics;
using System.Globalization;

namespace Leap.Bench.Availability;

/// <summary>
/// Latencies of one request path, each request timed from send to the last byte of the answer, and the CPU time
/// the process (server and client) spent per request: unlike latency, that hardly moves when other work shares the machine.
/// </summary>
public sealed record Measure(double[] Milliseconds, TimeSpan Elapsed, TimeSpan Cpu)
{
    public static async Task<Measure> RunAsync(HttpClient http, string path, int requests, int concurrency)
    {
        var latencies = new double[requests];
        var next = -1;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: the run is not valid.");
                }
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        })));
        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        return new Measure(latencies, elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    public double Percentile(double p) => Milliseconds[Math.Min(Milliseconds.Length - 1, (int)Math.Ceiling(p / 100 * Milliseconds.Length) - 1)];

    public string Row(string query, string mode) => string.Create(CultureInfo.InvariantCulture,
        $"| {query} | {mode} | {Milliseconds.Length / Elapsed.TotalSeconds:N0} | {Percentile(50):N2} | {Percentile(99):N2} | {Milliseconds[^1]:N2} | " +
        $"{Cpu.TotalMilliseconds / Milliseconds.Length:N2} |");
}
