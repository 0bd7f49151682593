using Leap.Bench;

// One command for the load benchmark: see docs/performance.md.
var options = BenchOptions.Parse(args);
var report = new Report(options);
var server = await ServerBuild.PublishAsync();
foreach (var engine in options.Engines)
{
    Console.WriteLine($"== {engine.Name}: seeding {options.Size} data set");
    var seed = await Seeder.SeedAsync(engine, options.Size);
    await using var process = await ServerProcess.StartAsync(server, seed.ServerEnvironment, options.Port);
    Console.WriteLine($"== {engine.Name}: server pid {process.Pid} on {process.BaseUrl}");
    using var http = new HttpClient { BaseAddress = new Uri(process.BaseUrl) };
    var database = engine.PostgresConnectionString is { } connection ? await DatabaseProcesses.FindAsync(connection) : null;
    var scenarios = Scenarios.All(seed).Where(options.Includes).ToList();
    // The baseline runs first and again last: on a shared machine its speed drifts during a run, and every
    // ratio is taken against the mean of the two (the report shows both).
    foreach (var scenario in scenarios.Append(scenarios.Single(s => s.Name == Scenarios.BaselineName)))
    {
        if (scenario.Prepare is { } prepare)
        {
            await prepare(http);
        }
        await Wrk.RunAsync(process.BaseUrl, scenario, options, options.WarmUp);
        // Routing left over from the warm-up must not be counted (or slow down) the measurement.
        await ServerStats.DrainAsync(http);
        var before = await ServerStats.SampleAsync(http, database);
        var result = await Wrk.RunAsync(process.BaseUrl, scenario, options, options.Duration);
        var queued = (await ServerStats.SampleAsync(http, null)).Queued;
        // A booking's routing runs after its answer: its cost counts until the queue is empty again.
        var drain = await ServerStats.DrainAsync(http);
        var spent = await ServerStats.SampleAsync(http, database) - before;
        report.Add(engine.Name, scenario, result, spent, queued, drain);
        Console.WriteLine($"   {scenario.Name,-22} {result.RequestsPerSecond,10:N0} req/s   p50 {result.P50Ms,7:N2} ms   p99 {result.P99Ms,7:N2} ms" +
                          $"   CPU {spent.CpuMicroseconds / (double)Math.Max(1, result.Requests),6:N0} µs/req" +
                          (queued > 0 ? $"   {queued} queued (changes to route, messages to send), done in {drain.TotalSeconds:N1} s" : "") +
                          (result.Errors > 0 ? $"   {result.Errors} non-2xx/errors" : ""));
    }
    report.AddMemory(engine.Name, process.PeakMemoryMiB());
}
report.Print();
return report.Failed ? 1 : 0;
