using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Leap.Server.Notifications;

/// <summary>
/// Manage links (docs/online-booking.md, "Manage links"): <c>{PublicUrl}/manage/{token}</c>, where the token is the
/// tenant, appointment, patient, issue and expiry times, encrypted and authenticated with AES-256-GCM under a key the
/// server processes share (made once, kept in the database). Nothing in it is readable, and issuing one needs no
/// database write and about a microsecond, so every appointment answer, lists included, can carry one. A link stops
/// working when it expires, when its appointment is no longer active (cancelled, completed, missed), or when it was
/// issued before the appointment's last reschedule (<see cref="RevokeAsync"/>).
/// </summary>
public sealed class ManageLinks(Database database, TimeProvider clock, IServer server, IConfiguration configuration, ILogger<ManageLinks> logger)
    : IManageLinks, IHostedService
{
    public const string PagePath = "/manage";
    private const string SecretName = "manage_links";
    private const byte Version = 1;
    private const int TimeBytes = 16;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int KeyBytes = 32;

    private readonly string? configuredUrl = configuration["PublicUrl"]?.TrimEnd('/');
    private string? listeningUrl;
    private (byte[] Encryption, byte[] Nonce)? keys;

    /// <summary>How long a link works after it is issued (<c>ManageLinks:Lifetime</c>, a year unless set).</summary>
    public TimeSpan Lifetime { get; } = configuration.GetValue("ManageLinks:Lifetime", TimeSpan.FromDays(365));

    /// <summary>
    /// The key, read once. Only a read when start-up could not make it (a read never waits for SQLite's writer):
    /// if no process has made it yet, issuing a link fails until one starts with its database answering.
    /// </summary>
    private (byte[] Encryption, byte[] Nonce) Keys => keys ??= ReadKeysAsync(CancellationToken.None).GetAwaiter().GetResult()
        ?? throw new InvalidOperationException("The manage links' key is not made yet: restart a server process while its database answers.");

    /// <summary>What the token says, once decrypted and checked for its expiry.</summary>
    public sealed record Claim(Tenant Tenant, string AppointmentId, string PatientId, DateTimeOffset IssuedAt);

    /// <summary>Where patients reach this server: <c>PublicUrl</c> when set, else the first address it listens on.</summary>
    public string BaseUrl => configuredUrl ?? (listeningUrl ??= server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/') ?? "");

    public string? UrlFor(string orgId, string mode, string appointmentId, string patientId) =>
        LinkFor(PagePath, new Tenant(orgId, mode), appointmentId, patientId);

    /// <summary>
    /// A link under <paramref name="path"/> whose token names another of the patient's records (a waitlist offer) in
    /// place of an appointment: read the same way, by endpoints that look the record up by that id.
    /// </summary>
    public string LinkFor(string path, Tenant tenant, string recordId, string patientId) =>
        $"{BaseUrl}{path}/{Issue(new Claim(tenant, recordId, patientId, TypeHandlers.Truncate(clock.GetUtcNow())))}";

    /// <summary>The appointment as answered to its clinic: with the patient's manage link while it is still active.</summary>
    public Appointment Attach(Tenant tenant, Appointment appointment) => appointment with
    {
        ManageUrl = AppointmentStatuses.IsActive(appointment.Status) && appointment.PatientId.Length > 0
            ? UrlFor(tenant.OrgId, tenant.Mode, appointment.Id, appointment.PatientId)
            : null,
    };

    /// <summary>
    /// The nonce is a MAC of the content (a synthetic IV, as in AES-SIV): two tokens share a nonce only when they say the
    /// same thing, so no count of issued tokens or source of randomness limits how many one key may encrypt.
    /// </summary>
    private string Issue(Claim claim)
    {
        var text = Encoding.UTF8.GetBytes($"{claim.Tenant.OrgId}\n{claim.Tenant.Mode}\n{claim.AppointmentId}\n{claim.PatientId}");
        var plain = new byte[TimeBytes + text.Length];
        BinaryPrimitives.WriteInt64BigEndian(plain, claim.IssuedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(8), (claim.IssuedAt + Lifetime).ToUnixTimeMilliseconds());
        text.CopyTo(plain, TimeBytes);
        var (encryption, nonceKey) = Keys;
        var token = new byte[1 + NonceBytes + plain.Length + TagBytes];
        token[0] = Version;
        var nonce = token.AsSpan(1, NonceBytes);
        HMACSHA256.HashData(nonceKey, plain).AsSpan(0, NonceBytes).CopyTo(nonce);
        using var aes = new AesGcm(encryption, TagBytes);
        aes.Encrypt(nonce, plain, token.AsSpan(1 + NonceBytes, plain.Length), token.AsSpan(1 + NonceBytes + plain.Length), [Version]);
        return WebEncoders.Base64UrlEncode(token);
    }

    /// <summary>The token's claim, or null when it is not one of ours, was altered, or has expired.</summary>
    public Claim? Read(string token)
    {
        byte[] sealedToken;
        try
        {
            sealedToken = WebEncoders.Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            return null;
        }
        if (sealedToken.Length <= 1 + NonceBytes + TimeBytes + TagBytes || sealedToken[0] != Version)
        {
            return null;
        }
        var plain = new byte[sealedToken.Length - 1 - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(Keys.Encryption, TagBytes);
            aes.Decrypt(sealedToken.AsSpan(1, NonceBytes), sealedToken.AsSpan(1 + NonceBytes, plain.Length), sealedToken.AsSpan(^TagBytes), plain, [Version]);
        }
        catch (CryptographicException)
        {
            return null;
        }
        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain));
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(8)));
        var parts = Encoding.UTF8.GetString(plain, TimeBytes, plain.Length - TimeBytes).Split('\n');
        return expires > clock.GetUtcNow() && parts.Length == 4 ? new Claim(new Tenant(parts[0], parts[1]), parts[2], parts[3], issued) : null;
    }

    /// <summary>
    /// Loads the shared key before the server answers anything (an answer may need a link inside a write, where
    /// SQLite's single writer could not also make the key): made by whichever process starts first, the others keep
    /// the one that won. A server whose database does not answer at start-up still starts (its health check says
    /// so); the key is then read when a link is first needed.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var made = Convert.ToBase64String(RandomNumberGenerator.GetBytes(2 * KeyBytes));
        try
        {
            await Secrets.WriteAsync("INSERT INTO server_secrets (name, value, created_at) VALUES (@SecretName, @made, @now) ON CONFLICT (name) DO NOTHING",
                new { SecretName, made, now = TypeHandlers.Truncate(clock.GetUtcNow()) }, cancellationToken);
            keys = await ReadKeysAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read or make the manage links' key at start-up; it is read when a link is first needed");
        }
    }

    private CrossTenantDb Secrets => database.CrossTenant("manage links");

    private async Task<(byte[] Encryption, byte[] Nonce)?> ReadKeysAsync(CancellationToken ct) =>
        await Secrets.SingleAsync<string>("SELECT value FROM server_secrets WHERE name = @SecretName", new { SecretName }, ct) is { } value
            ? Split(Convert.FromBase64String(value))
            : null;

    private static (byte[] Encryption, byte[] Nonce) Split(byte[] secret) => (secret[..KeyBytes], secret[KeyBytes..]);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether links issued at <paramref name="issuedAt"/> were revoked since (by a later reschedule).</summary>
    public static async Task<bool> IsRevokedAsync(TenantDb db, string appointmentId, DateTimeOffset issuedAt, CancellationToken ct) =>
        await db.SingleAsync<DateTimeOffset?>(
            $"SELECT revoked_before FROM manage_link_revocations WHERE appointment_id = @appointmentId AND {TenantSql.Filter}",
            new { appointmentId }, ct) is { } revokedBefore && issuedAt < revokedBefore;

    /// <summary>Links to the appointment issued before <paramref name="now"/> stop working (sent with the change that calls for it).</summary>
    public static Task RevokeAsync(TenantDb db, string appointmentId, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO manage_link_revocations ({TenantSql.Columns}, appointment_id, revoked_before) VALUES ({TenantSql.Values}, @appointmentId, @now)
            ON CONFLICT (org_id, mode, appointment_id) DO UPDATE SET revoked_before = excluded.revoked_before
            """,
            new { appointmentId, now }, ct);
}
