using Leap.Server;
using Leap.Server.Cli;
using Leap.Server.Storage;

if (AdminCommands.IsAdminCommand(args))
{
    return await AdminCommands.RunAsync(args);
}

var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    // Configuration is read once: the default reload-on-change file watcher would otherwise wake up on every
    // write to a database file under the content root (measured: a tenth of the CPU of a booking load).
    Args = [.. args.Where(a => a != "--demo"), "--hostBuilder:reloadConfigOnChange=false"],
    // The server's own files (wwwroot, appsettings.json) are next to its binary, wherever it is started from.
    ContentRootPath = AppContext.BaseDirectory,
});
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}
builder.AddLeap();
var app = builder.Build();

await app.Services.GetRequiredService<Database>().MigrateAsync();
var demoKey = demo ? await DemoData.SeedAsync(app.Services) : null;
var demoStaff = demo ? await DemoData.SeedStaffAsync(app.Services) : null;
app.UseLeap();
app.Lifetime.ApplicationStarted.Register(() => DemoData.PrintWelcome(app, demoKey, demoStaff));
await app.RunAsync();
return 0;
