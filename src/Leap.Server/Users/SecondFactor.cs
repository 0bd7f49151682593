using OtpNet;

namespace Leap.Server.Users;

/// <summary>
/// The optional second factor: time-based one-time codes (RFC 6238: SHA-1, 6 digits, 30 seconds) from an authenticator
/// app. The shared secret has to be readable to check a code, so it is stored as it is (as in ASP.NET Core Identity).
/// </summary>
public static class SecondFactor
{
    public const string Issuer = "Leap";

    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The <c>otpauth://</c> URI an authenticator app reads (usually from a QR code).</summary>
    public static string AppUri(string secret, string email) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";

    /// <summary>
    /// The time step a code belongs to, when it is right for now (or one step either side, for clock drift) and newer
    /// than <paramref name="lastStep"/>: each code works once.
    /// </summary>
    public static long? Verify(string secret, string? code, DateTimeOffset now, long? lastStep)
    {
        var digits = code?.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (digits is not { Length: 6 } || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(now.UtcDateTime, digits, out var step, VerificationWindow.RfcSpecifiedNetworkDelay) && (lastStep is null || step > lastStep)
            ? step
            : null;
    }
}
