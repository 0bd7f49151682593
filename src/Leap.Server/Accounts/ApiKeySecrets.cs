using System.Security.Cryptography;
using System.Text;

namespace Leap.Server.Accounts;

/// <summary>Key format and hashing: <c>pk_{mode}_</c> + 40 base62 characters (about 238 bits).</summary>
public static class ApiKeySecrets
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int SecretLength = 40;

    public static string Generate(string mode) =>
        $"pk_{mode}_" + RandomNumberGenerator.GetString(Alphabet, SecretLength);

    /// <summary>
    /// A fast hash is enough: the secret is random with ~238 bits of entropy, so there is nothing to
    /// brute-force, and lookups stay a single indexed read.
    /// </summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Only strings shaped like our keys are looked up, so junk never reaches the database.</summary>
    public static bool LooksValid(string key) =>
        (key.StartsWith("pk_live_", StringComparison.Ordinal) || key.StartsWith("pk_test_", StringComparison.Ordinal))
        && key.Length == 8 + SecretLength
        && key.AsSpan(8).IndexOfAnyExcept(Alphabet) < 0;

    public static string DisplayPrefix(string key) => key[..12] + "…";
}
