using Leap.Server.Storage;

namespace Leap.Server.Pathways;

/// <summary>The routing worker's settings, from the <c>Routing</c> configuration section (docs/appointments.md, "Routing").</summary>
public sealed class RoutingOptions
{
    /// <summary>Off: changes are still queued, only this process routes none of them (another process, or this one later, will).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// How often a worker looks at the queue without being woken: a commit in this process wakes it at once; rows
    /// queued by another process (one that died before routing them) or due again after a failure wait for this.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows routed per transaction.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Workers per process. SQLite's single writer runs one routing batch at a time whatever the count; on PostgreSQL
    /// each worker claims its own rows, so routing keeps pace while each waits for round trips.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>The longest wait before a row whose routing keeps failing is tried again (the first is 1 second, then doubling).</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    public static RoutingOptions From(IConfiguration configuration, StorageOptions storage)
    {
        var section = configuration.GetSection("Routing");
        var defaults = new RoutingOptions();
        var options = new RoutingOptions
        {
            Enabled = section.GetValue("Enabled", defaults.Enabled),
            PollInterval = section.GetValue("PollInterval", defaults.PollInterval),
            BatchSize = section.GetValue("BatchSize", defaults.BatchSize),
            Workers = section.GetValue("Workers", storage.Provider == Engine.Postgres ? 4 : 1),
        };
        if (options.PollInterval <= TimeSpan.Zero || options.BatchSize < 1 || options.Workers < 1)
        {
            throw new InvalidOperationException("Routing: PollInterval must be positive, BatchSize and Workers at least 1.");
        }
        return options;
    }

    /// <summary>When a row whose routing failed <paramref name="attempts"/> times is tried again.</summary>
    public static TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxRetryDelay.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20))));
}
