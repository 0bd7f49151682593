using Leap.Server.Accounts;
using Leap.Server.Storage;

namespace Leap.Server.Organisations;

public static class OrganisationStore
{
    /// <summary>The tenant's organisation and its public settings (defaults until first set).</summary>
    public static async Task<OrganisationSettings> FindAsync(TenantDb db, CancellationToken ct) =>
        (await db.SingleAsync<OrganisationSettings>(
            """
            SELECT o.id, o.name, @Mode AS mode, s.slug, s.public_name, s.phone, s.online_booking_enabled,
                   COALESCE(s.duplicate_patients, 'warn') AS duplicate_patients, s.updated_at
            FROM organisations o LEFT JOIN organisation_settings s ON s.org_id = @OrgId AND s.mode = @Mode
            WHERE o.id = @OrgId
            """, null, ct))!;

    /// <summary>Inside a write: what a new patient who looks like one already there gets (<see cref="DuplicatePatientPolicy"/>).</summary>
    public static async Task<string> DuplicatePatientsAsync(TenantDb db, CancellationToken ct) =>
        await db.SingleAsync<string>($"SELECT duplicate_patients FROM organisation_settings WHERE {TenantSql.Filter}", null, ct)
            ?? DuplicatePatientPolicy.Warn;

    /// <summary>The dataset whose booking page is at <paramref name="slug"/>, looked up before any tenant is known.</summary>
    public static async Task<Tenant?> FindBySlugAsync(CrossTenantDb db, string slug, CancellationToken ct) =>
        await db.SingleAsync<Dataset>("SELECT org_id, mode FROM organisation_settings WHERE slug = @slug AND online_booking_enabled", new { slug }, ct)
            is { } found ? new Tenant(found.OrgId, found.Mode) : null;

    private sealed record Dataset
    {
        public required string OrgId { get; init; }
        public required string Mode { get; init; }
    }

    public static Task SaveAsync(TenantDb db, OrganisationSettings settings, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO organisation_settings ({TenantSql.Columns}, slug, public_name, phone, online_booking_enabled, duplicate_patients, updated_at)
            VALUES ({TenantSql.Values}, @Slug, @PublicName, @Phone, @OnlineBookingEnabled, @DuplicatePatients, @UpdatedAt)
            ON CONFLICT (org_id, mode) DO UPDATE SET slug = excluded.slug, public_name = excluded.public_name, phone = excluded.phone,
              online_booking_enabled = excluded.online_booking_enabled, duplicate_patients = excluded.duplicate_patients,
              updated_at = excluded.updated_at
            """,
            settings, ct);
}
