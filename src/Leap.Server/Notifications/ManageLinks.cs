using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Leap.Server.Notifications;

/// <summary>
/// Manage links (docs/online-booking.md, "Manage links"): <c>{PublicUrl}/manage/{token}</c>, where the token is the
/// tenant, appointment, patient, issue and expiry times, encrypted and signed with the Data Protection key ring the
/// server processes share (kept in the database). Nothing in it is readable, and issuing one needs no database
/// write, so every appointment answer can carry one without slowing the booking down. A link stops working when it
/// expires, when its appointment is no longer active (cancelled, completed, missed), or when it was issued before the
/// appointment's last reschedule (<see cref="RevokeAsync"/>).
/// </summary>
public sealed class ManageLinks : IManageLinks
{
    public const string PagePath = "/manage";
    private const string Purpose = "Leap.ManageLinks.v1";
    private const int TimeBytes = 16;

    private readonly IDataProtector protector;
    private readonly TimeProvider clock;
    private readonly IServer server;
    private readonly string? configuredUrl;
    private string? listeningUrl;

    public ManageLinks(IDataProtectionProvider protection, TimeProvider clock, IServer server, IConfiguration configuration)
    {
        protector = protection.CreateProtector(Purpose);
        this.clock = clock;
        this.server = server;
        configuredUrl = configuration["PublicUrl"]?.TrimEnd('/');
        Lifetime = configuration.GetValue("ManageLinks:Lifetime", TimeSpan.FromDays(365));
    }

    /// <summary>How long a link works after it is issued (<c>ManageLinks:Lifetime</c>, a year unless set).</summary>
    public TimeSpan Lifetime { get; }

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

    private string Issue(Claim claim)
    {
        var text = Encoding.UTF8.GetBytes($"{claim.Tenant.OrgId}\n{claim.Tenant.Mode}\n{claim.AppointmentId}\n{claim.PatientId}");
        var plain = new byte[TimeBytes + text.Length];
        BinaryPrimitives.WriteInt64BigEndian(plain, claim.IssuedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(plain.AsSpan(8), (claim.IssuedAt + Lifetime).ToUnixTimeMilliseconds());
        text.CopyTo(plain, TimeBytes);
        return WebEncoders.Base64UrlEncode(protector.Protect(plain));
    }

    /// <summary>The token's claim, or null when it is not one of ours, was altered, or has expired.</summary>
    public Claim? Read(string token)
    {
        byte[] plain;
        try
        {
            plain = protector.Unprotect(WebEncoders.Base64UrlDecode(token));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
        if (plain.Length <= TimeBytes)
        {
            return null;
        }
        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain));
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(plain.AsSpan(8)));
        var parts = Encoding.UTF8.GetString(plain, TimeBytes, plain.Length - TimeBytes).Split('\n');
        return expires > clock.GetUtcNow() && parts.Length == 4 ? new Claim(new Tenant(parts[0], parts[1]), parts[2], parts[3], issued) : null;
    }

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
