using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Leap.Server.Notifications;

/// <summary>Hands a finished message to whatever delivers email: an SMTP server, or the pickup folder when none is set.</summary>
public interface IEmailTransport
{
    /// <summary>Sends <paramref name="message"/> (its From is filled in when empty); answers the provider's message id.</summary>
    Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken);

    public static IEmailTransport Create(EmailOptions options) =>
        options.UsesSmtp ? new SmtpEmailTransport(options) : new PickupFolderEmailTransport(options);
}

/// <summary>SMTP through MailKit: one connection per message, which keeps a failed send from poisoning the next.</summary>
public sealed class SmtpEmailTransport(EmailOptions options) : IEmailTransport
{
    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var messageId = Address(message, options);
        var host = options.SmtpHost ?? throw new InvalidOperationException("Notifications:Email:Smtp:Host is not set.");
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(host, options.SmtpPort,
            options.SmtpUseTls ? SecureSocketOptions.Auto : SecureSocketOptions.None, cancellationToken);
        if (!string.IsNullOrEmpty(options.SmtpUser))
        {
            await client.AuthenticateAsync(options.SmtpUser, options.SmtpPassword ?? "", cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
        return messageId;
    }

    /// <summary>Fills in From and Message-Id where the message has none; answers the Message-Id.</summary>
    internal static string Address(MimeMessage message, EmailOptions options)
    {
        if (message.From.Count == 0)
        {
            message.From.Add(MailboxAddress.Parse(options.From));
        }
        if (string.IsNullOrEmpty(message.MessageId))
        {
            message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        }
        return message.MessageId;
    }
}

/// <summary>Writes each message as an <c>.eml</c> file (the zero set-up default and <c>--demo</c>): any mail program opens it.</summary>
public sealed class PickupFolderEmailTransport(EmailOptions options) : IEmailTransport
{
    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var messageId = SmtpEmailTransport.Address(message, options);
        Directory.CreateDirectory(options.PickupFolder);
        var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}.eml";
        // Written under a temporary name and renamed, so a reader of the folder never sees half a message.
        var path = Path.Combine(options.PickupFolder, name);
        await message.WriteToAsync(path + ".tmp", cancellationToken);
        File.Move(path + ".tmp", path);
        return messageId;
    }
}
