using System.Security.Cryptography;
using System.Text;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.CalendarFeeds;

/// <summary>The SQL of calendar feeds: a tenant's feeds, and the one cross-tenant lookup, by the token in a feed's URL.</summary>
public static class CalendarFeedStore
{
    private const string Columns = "id, clinician_profile_id, created_by, created_at, revoked_at";

    /// <summary>A feed found by its token, with whose it is and the organisation's choice of patient names.</summary>
    public sealed record Found
    {
        public required string Id { get; init; }
        public required string OrgId { get; init; }
        public required string Mode { get; init; }
        public required string ClinicianProfileId { get; init; }
        public bool FullNames { get; init; }

        public Tenant Tenant => new(OrgId, Mode);
    }

    /// <summary>One appointment as a feed shows it.</summary>
    public sealed record Entry
    {
        public required string Id { get; init; }
        public required string Title { get; init; }
        public DateTimeOffset StartTime { get; init; }
        public DateTimeOffset EndTime { get; init; }
        public required string Status { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public bool IsRemote { get; init; }
        public required string FirstName { get; init; }
        public required string LastName { get; init; }
        public string? TemplateName { get; init; }
        public string? LocationName { get; init; }
    }

    public static readonly ListSpec ListSpec = new ListSpec().Exact("clinician_profile_id", "clinician_profile_id");

    public static Task<Page<CalendarFeed>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<CalendarFeed>($"SELECT {Columns} FROM calendar_feeds WHERE {TenantSql.Filter}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);

    public static Task<CalendarFeed?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<CalendarFeed>($"SELECT {Columns} FROM calendar_feeds WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    /// <summary>Records a feed (inside the create's write).</summary>
    public static Task InsertAsync(TenantDb db, CalendarFeed feed, string token, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO calendar_feeds (id, {TenantSql.Columns}, clinician_profile_id, token_hash, created_by, created_at)
            VALUES (@Id, {TenantSql.Values}, @ClinicianProfileId, @tokenHash, @CreatedBy, @CreatedAt)
            """,
            new { feed.Id, feed.ClinicianProfileId, tokenHash = Hash(token), feed.CreatedBy, feed.CreatedAt }, ct);

    /// <summary>Revokes a live feed; false when it was already revoked (or is not the tenant's).</summary>
    public static async Task<bool> RevokeAsync(TenantDb db, string id, DateTimeOffset now, CancellationToken ct) =>
        await db.WriteAsync($"UPDATE calendar_feeds SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL AND {TenantSql.Filter}", new { id, now }, ct) == 1;

    /// <summary>Whether the organisation's feeds show full names (its own row, shared by both modes).</summary>
    public static async Task<bool> FullNamesAsync(TenantDb db, CancellationToken ct) =>
        await db.SingleAsync<bool>("SELECT calendar_feed_full_names FROM organisations WHERE id = @OrgId", null, ct);

    public static Task SetFullNamesAsync(TenantDb db, bool fullNames, CancellationToken ct) =>
        db.WriteAsync("UPDATE organisations SET calendar_feed_full_names = @fullNames WHERE id = @OrgId", new { fullNames }, ct);

    /// <summary>The live feed whose URL carries <paramref name="token"/>, across tenants (the URL is all a calendar app sends).</summary>
    public static Task<Found?> FindByTokenAsync(CrossTenantDb db, string token, CancellationToken ct) =>
        db.SingleAsync<Found>(
            """
            SELECT f.id, f.org_id, f.mode, f.clinician_profile_id, o.calendar_feed_full_names AS full_names
            FROM calendar_feeds f JOIN organisations o ON o.id = f.org_id
            WHERE f.token_hash = @hash AND f.revoked_at IS NULL
            """,
            new { hash = Hash(token) }, ct);

    /// <summary>The clinician's appointments starting in [from, to), cancelled ones included (so calendars drop them).</summary>
    public static Task<IReadOnlyList<Entry>> EntriesAsync(TenantDb db, string clinicianId, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken ct) =>
        db.ListAsync<Entry>(
            $"""
            SELECT a.id, a.title, a.start_time, a.end_time, a.status, a.created_at, a.updated_at, a.is_remote,
                   p.first_name, p.last_name, t.name AS template_name, l.name AS location_name
            FROM appointments a
            JOIN patients p ON p.id = a.patient_id AND {TenantSql.Of("p")}
            LEFT JOIN appointment_templates t ON t.id = a.appointment_type_id AND {TenantSql.Of("t")}
            LEFT JOIN locations l ON l.id = a.location_id AND {TenantSql.Of("l")}
            WHERE {TenantSql.Of("a")} AND a.clinician_profile_id = @clinicianId AND a.start_time >= @from AND a.start_time < @to
            ORDER BY a.start_time, a.id LIMIT @max
            """,
            new { clinicianId, from, to, max }, ct);

    /// <summary>A new feed token: 32 random bytes, URL-safe.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
