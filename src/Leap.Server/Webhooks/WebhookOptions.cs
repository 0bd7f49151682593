using System.Globalization;

namespace Leap.Server.Webhooks;

/// <summary>Delivery settings, from the <c>Webhooks</c> configuration section (docs/webhooks.md).</summary>
public sealed class WebhookOptions
{
    /// <summary>Off: events are still recorded (the outbox), only nobody sends them until a server with delivery on runs.</summary>
    public bool DeliveryEnabled { get; init; } = true;

    /// <summary>Accept plain-http URLs for any host (development set-ups); loopback http is accepted with <see cref="AllowPrivateNetworks"/>.</summary>
    public bool AllowInsecureUrls { get; init; }

    /// <summary>Deliver to loopback, private and link-local addresses (receivers on the clinic's own network); see <see cref="ReceiverAddresses"/>.</summary>
    public bool AllowPrivateNetworks { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt may take, connection to response headers and a first kilobyte of body.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before each retry: as many retries as entries (the default gives the 5 of Jump's docs).</summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; init; } =
        [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)];

    public int BatchSize { get; init; } = 20;

    /// <summary>
    /// Finished events (with their deliveries and attempt logs), and any delivery attempt, are kept this long,
    /// then purged by housekeeping.
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A claimed attempt is another worker's to retry only after this long: well past the attempt's timeout, so
    /// an attempt still running is never sent twice, and an attempt whose server died is not lost.
    /// </summary>
    public TimeSpan Lease => 2 * Timeout + TimeSpan.FromSeconds(1);

    public static WebhookOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Webhooks");
        var defaults = new WebhookOptions();
        var options = new WebhookOptions
        {
            DeliveryEnabled = section.GetValue("DeliveryEnabled", defaults.DeliveryEnabled),
            AllowInsecureUrls = section.GetValue("AllowInsecureUrls", defaults.AllowInsecureUrls),
            AllowPrivateNetworks = section.GetValue("AllowPrivateNetworks", defaults.AllowPrivateNetworks),
            PollInterval = section.GetValue("PollInterval", defaults.PollInterval),
            Timeout = section.GetValue("Timeout", defaults.Timeout),
            RetryDelays = section["RetryDelays"] is { Length: > 0 } delays
                ? delays.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(d => TimeSpan.Parse(d, CultureInfo.InvariantCulture)).ToList()
                : defaults.RetryDelays,
            BatchSize = section.GetValue("BatchSize", defaults.BatchSize),
            Retention = section.GetValue("Retention", defaults.Retention),
        };
        if (options.PollInterval <= TimeSpan.Zero || options.Timeout <= TimeSpan.Zero || options.BatchSize < 1
            || options.RetryDelays.Any(d => d < TimeSpan.Zero))
        {
            throw new InvalidOperationException("Webhooks: PollInterval and Timeout must be positive, BatchSize at least 1, RetryDelays not negative.");
        }
        return options;
    }
}
