using Microsoft.Extensions.Options;

namespace Leap.Server;

/// <summary>
/// What SIGTERM (or Ctrl+C) does (docs/deploy.md, "Graceful shutdown"): the server stops accepting connections,
/// requests in progress run to their answer, background work ends (webhook attempts under way finish within their
/// own timeout and record their outcome; housekeeping stops between steps), and then the database is closed, the
/// SQLite writer first writing everything queued. <c>Shutdown:Timeout</c> (default 30 seconds) bounds all of it:
/// whatever is still running then is cut off, as in a crash, which the database's transactions make safe.
/// </summary>
public static class GracefulShutdown
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static void AddGracefulShutdown(this WebApplicationBuilder builder)
    {
        var timeout = builder.Configuration.GetValue("Shutdown:Timeout", DefaultTimeout);
        if (timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Shutdown:Timeout must be positive, e.g. 00:00:30.");
        }
        builder.Services.Configure<HostOptions>(options =>
        {
            options.ShutdownTimeout = timeout;
            // One after the other, the background services would stop before the web server (services stop in the
            // reverse order they were added), and a webhook attempt finishing would keep new connections coming in.
            options.ServicesStopConcurrently = true;
        });
    }

    public static void LogShutdown(this WebApplication app)
    {
        var timeout = app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        app.Lifetime.ApplicationStopping.Register(() => app.Logger.LogInformation(
            "No new connections are accepted; requests and webhook attempts in progress have up to {Timeout} to finish (Shutdown:Timeout)", timeout));
    }
}
