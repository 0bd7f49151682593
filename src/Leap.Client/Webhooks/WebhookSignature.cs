using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Leap.Client;

/// <summary>
/// Checks that a webhook delivery really comes from the API and is recent. Each delivery carries
/// <c>X-Webhook-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, where the HMAC key is the UTF-8 bytes
/// of the endpoint's whole signing secret (<c>whsec_…</c>) and the signed message is <c>"&lt;t&gt;.&lt;raw body&gt;"</c>.
/// <code>
/// // ASP.NET Core: read the body as it arrived, before any JSON parsing.
/// var body = await new StreamReader(request.Body).ReadToEndAsync();
/// WebhookSignature.Verify(secret, body, request.Headers[WebhookSignature.SignatureHeader], DateTimeOffset.UtcNow);
/// </code>
/// </summary>
public static class WebhookSignature
{
    /// <summary>The delivery's event id (<c>evt_…</c>): store it to ignore repeated deliveries.</summary>
    public const string IdHeader = "X-Webhook-Id";

    /// <summary>The delivery time in Unix seconds (the signature's <c>t</c> is the authoritative copy).</summary>
    public const string TimestampHeader = "X-Webhook-Timestamp";

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Webhook-Signature";

    /// <summary>How far a delivery's timestamp may be from now: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Throws unless <paramref name="signatureHeader"/> holds a <c>v1</c> signature of <paramref name="rawBody"/>
    /// made with <paramref name="secret"/>, timestamped within <paramref name="tolerance"/> of <paramref name="now"/>
    /// (either way: a timestamp far in the future would stretch the replay window). Several <c>v1</c> entries are
    /// allowed (one per secret while a secret is rotated); any match is enough. Comparison takes constant time.
    /// </summary>
    /// <param name="secret">The endpoint's signing secret, <c>whsec_…</c>.</param>
    /// <param name="rawBody">The request body exactly as received.</param>
    /// <param name="signatureHeader">The <c>X-Webhook-Signature</c> header.</param>
    /// <param name="now">The current time.</param>
    /// <param name="tolerance">How old (or early) a timestamp may be; <see cref="DefaultTolerance"/> when null.</param>
    /// <exception cref="WebhookSignatureException">The header is missing or malformed, too old, or no signature matches.</exception>
    public static void Verify(string secret, ReadOnlySpan<byte> rawBody, string? signatureHeader, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            throw new WebhookSignatureException($"The {SignatureHeader} header is missing.");
        }
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in signatureHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = separator < 0 ? (part, "") : (part[..separator], part[(separator + 1)..]);
            if (name == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                timestamp = seconds;
            }
            else if (name == "v1" && TryHex(value) is { } signature)
            {
                signatures.Add(signature);
            }
        }
        if (timestamp is null || signatures.Count == 0)
        {
            throw new WebhookSignatureException($"The {SignatureHeader} header must look like t=<unix seconds>,v1=<hex HMAC-SHA256>.");
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp.Value, 0, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        var allowed = tolerance ?? DefaultTolerance;
        if (age.Duration() > allowed)
        {
            throw new WebhookSignatureException(
                $"The delivery's timestamp is {age.Duration().TotalSeconds:0} seconds {(age < TimeSpan.Zero ? "ahead of" : "behind")} now, " +
                $"outside the {allowed.TotalSeconds:0}-second tolerance: a replay, or a clock out of step.");
        }

        var expected = Hmac(secret, timestamp.Value, rawBody);
        var matched = false;
        foreach (var signature in signatures)
        {
            matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }
        if (!matched)
        {
            throw new WebhookSignatureException("No signature matches: wrong secret, or the body was changed (verify the raw body, before parsing it).");
        }
    }

    /// <summary>As <see cref="Verify(string, ReadOnlySpan{byte}, string?, DateTimeOffset, TimeSpan?)"/>, for a body read as text.</summary>
    /// <param name="secret">The endpoint's signing secret.</param>
    /// <param name="rawBody">The request body exactly as received.</param>
    /// <param name="signatureHeader">The <c>X-Webhook-Signature</c> header.</param>
    /// <param name="now">The current time.</param>
    /// <param name="tolerance">How old a timestamp may be.</param>
    /// <exception cref="WebhookSignatureException">The signature does not check out.</exception>
    public static void Verify(string secret, string rawBody, string? signatureHeader, DateTimeOffset now, TimeSpan? tolerance = null) =>
        Verify(secret, Encoding.UTF8.GetBytes(rawBody), signatureHeader, now, tolerance);

    /// <summary>True when <see cref="Verify(string, string, string?, DateTimeOffset, TimeSpan?)"/> would not throw.</summary>
    /// <param name="secret">The endpoint's signing secret.</param>
    /// <param name="rawBody">The request body exactly as received.</param>
    /// <param name="signatureHeader">The <c>X-Webhook-Signature</c> header.</param>
    /// <param name="now">The current time.</param>
    /// <param name="tolerance">How old a timestamp may be.</param>
    public static bool IsValid(string secret, string rawBody, string? signatureHeader, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        try
        {
            Verify(secret, rawBody, signatureHeader, now, tolerance);
            return true;
        }
        catch (WebhookSignatureException)
        {
            return false;
        }
    }

    /// <summary>
    /// The <c>X-Webhook-Signature</c> value for a body sent at <paramref name="timestamp"/>: what the server
    /// sends, for testing your webhook receiver.
    /// </summary>
    /// <param name="secret">The signing secret.</param>
    /// <param name="rawBody">The body.</param>
    /// <param name="timestamp">The delivery time (whole seconds are used).</param>
    public static string Sign(string secret, string rawBody, DateTimeOffset timestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var seconds = timestamp.ToUnixTimeSeconds();
        return $"t={seconds.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Hmac(secret, seconds, Encoding.UTF8.GetBytes(rawBody)))}";
    }

    private static byte[] Hmac(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static byte[]? TryHex(string value)
    {
        if (value.Length != 64)
        {
            return null;
        }
        try
        {
            return Convert.FromHexString(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>A webhook delivery failed verification; the message says why. Answer it with 400 and do not process it.</summary>
public sealed class WebhookSignatureException(string message) : LeapException(message);
