using Leap.Bench;

// One command for the load benchmark: see bench/README.md.
var options = BenchOptions.Parse(args);
var report = new Report(options);
var server = await ServerBuild.PublishAsync();
foreach (var engine in options.Engines)
{
    Console.WriteLine($"== {engine.Name}: seeding {options.Size} data set");
    var seed = await Seeder.SeedAsync(engine, options.Size);
    await using var process = await ServerProcess.StartAsync(server, seed.ServerEnvironment, options.Port);
    Console.WriteLine($"== {engine.Name}: server pid {process.Pid} on {process.BaseUrl}");
    var scenarios = Scenarios.All(seed).Where(s => options.Includes(s.Name)).ToList();
    // The baseline runs first and again last: on a shared machine its speed drifts during a run, and every
    // ratio is taken against the mean of the two (the report shows both).
    foreach (var scenario in scenarios.Append(scenarios.Single(s => s.Name == Scenarios.BaselineName)))
    {
        var result = await Wrk.RunAsync(process.BaseUrl, scenario, options);
        report.Add(engine.Name, scenario, result);
        Console.WriteLine($"   {scenario.Name,-22} {result.RequestsPerSecond,10:N0} req/s   p50 {result.P50Ms,7:N2} ms   p99 {result.P99Ms,7:N2} ms" +
                          (result.Errors > 0 ? $"   {result.Errors} non-2xx/errors" : ""));
    }
    report.AddMemory(engine.Name, process.PeakMemoryMiB());
}
report.Print();
return report.Failed ? 1 : 0;
