using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Leap.Server.Users;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with HMAC-SHA512, a
/// random salt, the iteration count in the hash, so that a future default is picked up by rehashing at sign-in).
/// </summary>
public static class Passwords
{
    public const int MinLength = 10;
    public const int MaxLength = 256;

    private static readonly PasswordHasher<StoredUser> Hasher = new();

    /// <summary>A hash of nothing anyone can type: checked when no account matches, so both answers take as long.</summary>
    private static readonly string Decoy = Hasher.HashPassword(null!, RandomNumberGenerator.GetHexString(32));

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static PasswordVerificationResult Verify(string hash, string password) => Hasher.VerifyHashedPassword(null!, hash, password);

    public static void VerifyDecoy(string password) => Hasher.VerifyHashedPassword(null!, Decoy, password);

    /// <summary>What is wrong with a new password, or null. Length is the rule that matters (NIST SP 800-63B).</summary>
    public static string? Problem(string? password) => password switch
    {
        null or "" => "is required",
        { Length: < MinLength } => $"must be at least {MinLength} characters",
        { Length: > MaxLength } => $"must be at most {MaxLength} characters",
        _ => null,
    };

    /// <summary>A random password to hand to a person (about 90 bits), without look-alike characters.</summary>
    public static string Generate()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
        var chunks = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString(alphabet, 4));
        return string.Join('-', chunks);
    }
}
