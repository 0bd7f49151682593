using Leap.Server.Storage;

namespace Leap.Server.Notifications;

/// <summary>
/// Email settings, from <c>Notifications:Email</c> (docs/notifications.md). With no <c>Smtp:Host</c>, messages are
/// written as <c>.eml</c> files to <see cref="PickupFolder"/> instead, so a server with no set-up shows what
/// patients would receive.
/// </summary>
public sealed class EmailOptions
{
    public string From { get; init; } = "Leap <no-reply@leap.invalid>";

    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    /// <summary>On: TLS on connect (port 465) or STARTTLS, whichever the server offers; off: plain SMTP (a relay on the clinic's own host).</summary>
    public bool SmtpUseTls { get; init; } = true;

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    public string PickupFolder { get; init; } = Path.Combine("data", "mail");

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(SmtpHost);

    public static EmailOptions Read(IConfiguration configuration, StorageOptions storage)
    {
        var section = configuration.GetSection("Notifications:Email");
        var defaults = new EmailOptions();
        var dataFolder = Path.GetDirectoryName(storage.SqlitePath) is { Length: > 0 } folder ? folder : "data";
        var options = new EmailOptions
        {
            From = section["From"] ?? defaults.From,
            SmtpHost = section["Smtp:Host"],
            SmtpPort = section.GetValue("Smtp:Port", defaults.SmtpPort),
            SmtpUseTls = section.GetValue("Smtp:UseTls", defaults.SmtpUseTls),
            SmtpUser = section["Smtp:User"],
            SmtpPassword = section["Smtp:Password"],
            PickupFolder = section["PickupFolder"] ?? Path.Combine(dataFolder, "mail"),
        };
        if (!MimeKit.MailboxAddress.TryParse(options.From, out _))
        {
            throw new InvalidOperationException($"Notifications:Email:From is not an email address: '{options.From}'.");
        }
        if (options.SmtpPort is < 1 or > 65535)
        {
            throw new InvalidOperationException("Notifications:Email:Smtp:Port must be between 1 and 65535.");
        }
        return options;
    }
}
