using System.Globalization;
using System.Text;

namespace Leap.Bench;

/// <summary>
/// The result table: every scenario beside the same engine's same-run baseline and, where it has one, its limit row
/// (the same work without the API around it); what the server and the database spent per request; targets and peak
/// memory.
/// </summary>
public sealed class Report(BenchOptions options)
{
    private sealed record Row(string Engine, Scenario Scenario, WrkResult Result, ServerStats Spent, long Queued, TimeSpan Drain, string Label)
    {
        public double PerRequest(long total) => total / (double)Math.Max(1, Result.Requests);
    }

    private readonly List<Row> rows = [];
    private readonly Dictionary<string, double> memory = [];

    /// <summary>A run with errors (non-2xx answers, socket errors) is not a valid measurement.</summary>
    public bool Failed => rows.Any(r => r.Result.Errors > 0 || r.Result.Requests == 0);

    public void Add(string engine, Scenario scenario, WrkResult result, ServerStats spent, long queued, TimeSpan drain)
    {
        var again = rows.Any(r => r.Engine == engine && r.Scenario.Name == scenario.Name);
        rows.Add(new Row(engine, scenario, result, spent, queued, drain, again ? scenario.Name + " (again, last)" : scenario.Name));
    }

    public void AddMemory(string engine, double peakMiB) => memory[engine] = peakMiB;

    /// <summary>The engine's baseline runs (first and last), in requests per second.</summary>
    private List<double> BaselineRuns(string engine) =>
        rows.Where(r => r.Engine == engine && r.Scenario.Name == Scenarios.BaselineName).Select(r => r.Result.RequestsPerSecond).ToList();

    private double Baseline(string engine) => BaselineRuns(engine).Average();

    private Row? Find(string engine, string scenario) => rows.FirstOrDefault(r => r.Engine == engine && r.Scenario.Name == scenario);

    /// <summary>The row this one is measured against: its limit row, in the same run.</summary>
    private Row? LimitOf(Row row) => rows.FirstOrDefault(r => r.Engine == row.Engine && r.Scenario.LimitOf == row.Scenario.Name);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    public void Print()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Leap benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $"wrk -t{options.Threads} -c{options.Connections} -d{options.Duration.TotalSeconds}s after a {options.WarmUp.TotalSeconds}s warm-up, " +
            $"{(options.Size == DataSize.Full ? "100,000 patients / 50 clinicians / 200,000 appointments" : "quick data set")}");
        text.AppendLine();
        text.AppendLine("| engine | scenario | requests/s | p50 ms | p99 ms | vs baseline | vs limit row | server CPU µs/req | database CPU µs/req | write µs/req | commands/req | errors |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var limit = LimitOf(row);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Engine} | {row.Label} | {row.Result.RequestsPerSecond:N0} | {row.Result.P50Ms:N2} | {row.Result.P99Ms:N2} | " +
                $"{row.Result.RequestsPerSecond / Baseline(row.Engine):P0} | {(limit is null ? "" : (row.Result.RequestsPerSecond / limit.Result.RequestsPerSecond).ToString("P0", CultureInfo.InvariantCulture))} | " +
                $"{row.PerRequest(row.Spent.CpuMicroseconds):N0} | {(row.Spent.DatabaseCpuMicroseconds > 0 ? row.PerRequest(row.Spent.DatabaseCpuMicroseconds).ToString("N0", CultureInfo.InvariantCulture) : "")} | " +
                $"{row.PerRequest(row.Spent.WriteMicroseconds):N0} | {row.PerRequest(row.Spent.Commands):N1} | {row.Result.Errors} |");
        }
        text.AppendLine();
        text.AppendLine("Per request: the server's CPU time (and on PostgreSQL the cluster's), the time spent inside write transactions (on SQLite the single writer's busy time) and database commands (statements and commits; on PostgreSQL each is one round trip), measured from the start of the run until every change it queued was routed and every message it made due (a booking's confirmation email) was sent.");
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
            if (Find(engine, Scenarios.BookingName) is { } booking)
            {
                var raw = Find(engine, Scenarios.RawInsertName);
                var target = engine == "sqlite" ? "at least 10% of the baseline and 35% of the raw insert" : "at least 35% of the raw insert, p99 at most 100 ms";
                var vsRaw = raw is null ? "" : Invariant($" and {booking.Result.RequestsPerSecond / raw.Result.RequestsPerSecond:P0} of the raw insert ({raw.Result.RequestsPerSecond:N0}/s)");
                var rawCosts = raw is null ? "" : Invariant($" (raw insert: {raw.PerRequest(raw.Spent.WriteMicroseconds):N0} µs, {raw.PerRequest(raw.Spent.CpuMicroseconds + raw.Spent.DatabaseCpuMicroseconds):N0} µs CPU)");
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"- {engine}: booking {booking.Result.RequestsPerSecond:N0}/s is {booking.Result.RequestsPerSecond / Baseline(engine):P0} of the baseline{vsRaw}, " +
                    $"p99 {booking.Result.P99Ms:N1} ms (target: {target}); per booking {booking.PerRequest(booking.Spent.WriteMicroseconds):N0} µs inside write transactions, " +
                    $"{booking.PerRequest(booking.Spent.CpuMicroseconds + booking.Spent.DatabaseCpuMicroseconds):N0} µs CPU{rawCosts}, " +
                    $"{booking.PerRequest(booking.Spent.Commands):N1} commands, routing and confirmation emails included; {booking.Queued:N0} changes " +
                    $"and messages still waiting when the run ended, all done {booking.Drain.TotalSeconds:N1} s later");
            }
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
