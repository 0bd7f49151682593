using System.Globalization;
using System.Text;

namespace Leap.Bench;

/// <summary>The result table: every scenario beside the same engine's same-run baseline, plus targets and peak memory.</summary>
public sealed class Report(BenchOptions options)
{
    private sealed record Row(string Engine, Scenario Scenario, WrkResult Result, string Label);

    /// <summary>Booking throughput as a share of the same engine's baseline (docs/performance.md, "Targets"): set for SQLite only.</summary>
    private static readonly Dictionary<string, double> BookingTargets = new() { ["sqlite"] = 0.25 };

    private readonly List<Row> rows = [];
    private readonly Dictionary<string, double> memory = [];

    /// <summary>A run with errors (non-2xx answers, socket errors) is not a valid measurement.</summary>
    public bool Failed => rows.Any(r => r.Result.Errors > 0 || r.Result.Requests == 0);

    public void Add(string engine, Scenario scenario, WrkResult result)
    {
        var again = rows.Any(r => r.Engine == engine && r.Scenario.Name == scenario.Name);
        rows.Add(new Row(engine, scenario, result, again ? scenario.Name + " (again, last)" : scenario.Name));
    }

    public void AddMemory(string engine, double peakMiB) => memory[engine] = peakMiB;

    /// <summary>The engine's baseline runs (first and last), in requests per second.</summary>
    private List<double> BaselineRuns(string engine) =>
        rows.Where(r => r.Engine == engine && r.Scenario.Name == Scenarios.BaselineName).Select(r => r.Result.RequestsPerSecond).ToList();

    private double Baseline(string engine) => BaselineRuns(engine).Average();

    public void Print()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Leap benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $"wrk -t{options.Threads} -c{options.Connections} -d{options.Duration.TotalSeconds}s after a {options.WarmUp.TotalSeconds}s warm-up, " +
            $"{(options.Size == DataSize.Full ? "100,000 patients / 50 clinicians / 200,000 appointments" : "quick data set")}");
        text.AppendLine();
        text.AppendLine("| engine | scenario | requests/s | p50 ms | p99 ms | vs baseline | errors |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var baseline = Baseline(row.Engine);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Engine} | {row.Label} | {row.Result.RequestsPerSecond:N0} | {row.Result.P50Ms:N2} | {row.Result.P99Ms:N2} | " +
                $"{row.Result.RequestsPerSecond / baseline:P0} | {row.Result.Errors} |");
        }
        text.AppendLine();
        foreach (var (engine, peak) in memory)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {engine}: server peak memory (VmHWM) {peak:N0} MiB");
        }
        foreach (var engine in memory.Keys)
        {
            var runs = BaselineRuns(engine);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- {engine}: ratios are to the mean baseline, {Baseline(engine):N0} req/s (first run {runs[0]:N0}, last {runs[^1]:N0})");
        }
        foreach (var booking in rows.Where(r => r.Scenario.Name == "booking"))
        {
            var share = booking.Result.RequestsPerSecond / Baseline(booking.Engine);
            var target = BookingTargets.TryGetValue(booking.Engine, out var least)
                ? $"target: at least {least:P0}, {(share >= least ? "met" : "not met")}"
                : "no target is set for this engine";
            text.AppendLine(CultureInfo.InvariantCulture, $"- {booking.Engine}: booking throughput is {share:P0} of the baseline ({target})");
        }
        if (Failed)
        {
            text.AppendLine("- INVALID RUN: some scenario had errors or no requests (see the errors column).");
        }
        Console.WriteLine();
        Console.Write(text);
        if (options.OutputFile is { } file)
        {
            File.WriteAllText(file, text.ToString());
            Console.WriteLine($"(written to {file})");
        }
    }
}
