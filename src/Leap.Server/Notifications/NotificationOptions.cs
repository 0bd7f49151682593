using System.Globalization;

namespace Leap.Server.Notifications;

/// <summary>The notification worker's settings, from the <c>Notifications</c> configuration section (docs/notifications.md).</summary>
public sealed class NotificationOptions
{
    /// <summary>Off: messages are still planned with every change, only this process sends none of them.</summary>
    public bool Enabled { get; init; } = true;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a claimed message is its worker's alone: well past an SMTP or SMS call's timeout (30 seconds), so a
    /// message being sent is never taken by another worker, and one whose server died is sent by another after it.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait before each retry of a failed send; as many retries as entries, then the message is failed.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; init; } =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)];

    public int BatchSize { get; init; } = 20;

    /// <summary>
    /// Under load (at least this many requests in flight in this process; 0: never) the worker waits before it sends,
    /// while the oldest message due is less than <see cref="GiveWayFor"/> late: a confirmation a few seconds late is
    /// harmless, a booking answered late is not. Past that, messages go out whatever the load.
    /// </summary>
    public int GiveWayAt { get; init; } = 8;

    public TimeSpan GiveWayFor { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The zone of local times (placeholders, quiet hours) for an appointment without a location.</summary>
    public string DefaultTimeZone { get; init; } = "Europe/London";

    public required SmsOptions Sms { get; init; }

    public static NotificationOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Notifications");
        var defaults = new NotificationOptions { Sms = new SmsOptions() };
        var options = new NotificationOptions
        {
            Enabled = section.GetValue("Enabled", defaults.Enabled),
            PollInterval = section.GetValue("PollInterval", defaults.PollInterval),
            Lease = section.GetValue("Lease", defaults.Lease),
            RetryDelays = section["RetryDelays"] is { Length: > 0 } delays
                ? delays.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(d => TimeSpan.Parse(d, CultureInfo.InvariantCulture)).ToList()
                : defaults.RetryDelays,
            BatchSize = section.GetValue("BatchSize", defaults.BatchSize),
            GiveWayAt = section.GetValue("GiveWayAt", defaults.GiveWayAt),
            GiveWayFor = section.GetValue("GiveWayFor", defaults.GiveWayFor),
            DefaultTimeZone = section["DefaultTimeZone"] ?? defaults.DefaultTimeZone,
            Sms = SmsOptions.From(section.GetSection("Sms")),
        };
        if (options.PollInterval <= TimeSpan.Zero || options.Lease <= TimeSpan.Zero || options.BatchSize < 1 || options.RetryDelays.Any(d => d < TimeSpan.Zero)
            || options.GiveWayAt < 0 || options.GiveWayFor < TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                "Notifications: PollInterval and Lease must be positive, BatchSize at least 1, RetryDelays, GiveWayAt and GiveWayFor not negative.");
        }
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.DefaultTimeZone, out _))
        {
            throw new InvalidOperationException($"Notifications:DefaultTimeZone is not a time zone: '{options.DefaultTimeZone}'.");
        }
        return options;
    }
}

/// <summary>SMS settings, <c>Notifications:Sms</c>: off unless a provider is named and configured.</summary>
public sealed class SmsOptions
{
    public const string None = "none";
    public const string GovukNotify = "govuk_notify";
    public const string Twilio = "twilio";

    public string Provider { get; init; } = None;
    /// <summary>The provider's API address; set only to reach a stand-in (tests), never in production.</summary>
    public string? BaseUrl { get; init; }
    /// <summary>GOV.UK Notify: the API key, and the id of a text message template whose whole body is <c>((body))</c>.</summary>
    public string? GovukNotifyApiKey { get; init; }
    public string? GovukNotifyTemplateId { get; init; }
    public string? TwilioAccountSid { get; init; }
    public string? TwilioAuthToken { get; init; }
    /// <summary>Twilio: the sending number (E.164) or alphanumeric sender id.</summary>
    public string? TwilioFrom { get; init; }

    public bool Enabled => Provider != None;

    public static SmsOptions From(IConfigurationSection section)
    {
        var options = new SmsOptions
        {
            Provider = section["Provider"] is { Length: > 0 } provider ? provider : None,
            BaseUrl = section["BaseUrl"],
            GovukNotifyApiKey = section["GovukNotify:ApiKey"],
            GovukNotifyTemplateId = section["GovukNotify:TemplateId"],
            TwilioAccountSid = section["Twilio:AccountSid"],
            TwilioAuthToken = section["Twilio:AuthToken"],
            TwilioFrom = section["Twilio:From"],
        };
        var missing = options.Provider switch
        {
            None => [],
            GovukNotify => new[] { ("GovukNotify:ApiKey", options.GovukNotifyApiKey), ("GovukNotify:TemplateId", options.GovukNotifyTemplateId) },
            Twilio => [("Twilio:AccountSid", options.TwilioAccountSid), ("Twilio:AuthToken", options.TwilioAuthToken), ("Twilio:From", options.TwilioFrom)],
            _ => throw new InvalidOperationException($"Notifications:Sms:Provider must be {None}, {GovukNotify} or {Twilio}, not '{options.Provider}'."),
        };
        if (missing.FirstOrDefault(m => string.IsNullOrWhiteSpace(m.Item2)) is { Item1: { } name })
        {
            throw new InvalidOperationException($"Notifications:Sms:{name} must be set for the {options.Provider} provider.");
        }
        return options;
    }
}
