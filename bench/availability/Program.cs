using System.Globalization;
using Leap.Bench.Availability;
using Leap.Server;
using Leap.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// One command: dotnet run -c Release --project bench/availability [-- --requests 2000 --concurrency 8]
// Starts the real server in this process on a fresh SQLite database, seeds 20 clinicians with 5,000 appointments,
// warms up, then times the 14-day availability query sequentially and concurrently. See bench/availability/README.md.
var requests = Option("--requests", 2000);
var concurrency = Option("--concurrency", 8);
var directory = Path.Combine(Path.GetTempPath(), "leap-bench-availability", Guid.NewGuid().ToString("N"));

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Storage:Provider"] = "sqlite",
    ["Storage:Sqlite:Path"] = Path.Combine(directory, "leap.db"),
    ["Logging:LogLevel:Default"] = "Warning",
});
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.AddLeap();
var app = builder.Build();
await app.Services.GetRequiredService<Database>().MigrateAsync();
app.UseLeap();
await app.StartAsync();
var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

try
{
    Console.WriteLine($"== seeding {Seed.Clinicians} clinicians, {Seed.Appointments:N0} appointments, holds and blocks (SQLite, {directory})");
    var seed = await Seed.RunAsync(app.Services);
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    http.DefaultRequestHeaders.Authorization = new("Bearer", seed.ApiKey);

    var to = seed.FirstDay.AddDays(13).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    var from = seed.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    var queries = new (string Name, string Path)[]
    {
        ($"14 days, all {Seed.Clinicians} clinicians", $"/api/v1/availability?appointment_template_id={seed.TemplateId}&date_from={from}&date_to={to}"),
        ("14 days, one clinician", $"/api/v1/availability?appointment_template_id={seed.TemplateId}&date_from={from}&date_to={to}&clinician_profile_id={seed.ClinicianId}"),
        ("next free slot", $"/api/v1/availability/next?appointment_template_id={seed.TemplateId}"),
    };

    var rows = new List<string>();
    foreach (var (name, path) in queries)
    {
        var sample = await http.GetByteArrayAsync(path);
        Console.WriteLine($"== {name}: {sample.Length:N0} bytes per answer; warming up");
        await Measure.RunAsync(http, path, requests: 200, concurrency: 1);
        var sequential = await Measure.RunAsync(http, path, requests, concurrency: 1);
        var concurrent = await Measure.RunAsync(http, path, requests, concurrency);
        rows.Add(sequential.Row(name, "sequential"));
        rows.Add(concurrent.Row(name, $"{concurrency} concurrent"));
    }

    Console.WriteLine();
    Console.WriteLine($"Availability benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, SQLite, " +
                      $"{Seed.Clinicians} clinicians, {Seed.Appointments:N0} appointments, {requests:N0} requests per row (client and server in one process)");
    Console.WriteLine();
    Console.WriteLine("| query | mode | requests/s | p50 ms | p99 ms | max ms | CPU ms/request |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
    rows.ForEach(Console.WriteLine);
    Console.WriteLine();
    Console.WriteLine("Target: p99 under 20 ms for the 14-day, all-clinician query (sequential row). Latencies include any other load on");
    Console.WriteLine($"the machine (load average now {File.ReadAllText("/proc/loadavg").Split(' ')[0]}); CPU ms/request counts this process only, server and client.");
    return 0;
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    Directory.Delete(directory, recursive: true);
}

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
