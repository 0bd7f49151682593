using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Leap.Server.Webhooks;

/// <summary>
/// How deliveries are signed (docs/webhooks.md has the receiver's side):
/// <c>X-Webhook-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, keyed with the UTF-8 bytes of the whole
/// secret (<c>whsec_…</c>) over <c>"&lt;t&gt;.&lt;raw body&gt;"</c>.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "X-Webhook-Id";
    public const string TimestampHeader = "X-Webhook-Timestamp";
    public const string SignatureHeader = "X-Webhook-Signature";
    public const string SecretPrefix = "whsec_";

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>32 base62 characters after the prefix: about 190 bits.</summary>
    public static string NewSecret() => SecretPrefix + RandomNumberGenerator.GetString(Alphabet, 32);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(mac)}";
    }
}
