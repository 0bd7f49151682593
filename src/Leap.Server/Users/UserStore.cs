using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Users;

/// <summary>
/// The SQL of staff accounts and their sessions. An organisation's users are a tenant table like any other (the API
/// and the command line reach them through a <see cref="TenantDb"/>); signing in and finding a session happen before
/// the tenant is known, so those statements are cross-tenant (<see cref="StaffApp.StaffSessions"/>).
/// </summary>
public static class UserStore
{
    internal const string Columns =
        """
        id, org_id, mode, email, name, role, clinician_profile_id, password_hash, totp_secret, totp_enabled, totp_last_step,
        failed_attempts, locked_until, disabled_at, last_sign_in_at, created_at, updated_at
        """;

    public static readonly ListSpec ListSpec = new ListSpec()
        .ExactOrIn("role", "role", Roles.All)
        .TimeRange("created_at", "created_at");

    /// <summary>Emails compare without regard to case (and surrounding spaces): one person, one account per organisation.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static Task<StoredUser?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<StoredUser>($"SELECT {Columns} FROM users WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    public static async Task<Page<User>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct)
    {
        var page = await db.PageAsync<StoredUser>(
            $"SELECT {Columns} FROM users WHERE {TenantSql.Filter}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);
        return new Page<User>(page.Items.Select(u => u.ToView()).ToList(), page.Limit, page.Offset, page.HasMore);
    }

    /// <summary>Adds a user; 409 when the organisation already has one with this email (in either mode).</summary>
    public static async Task InsertAsync(TenantDb db, StoredUser user, CancellationToken ct)
    {
        await RequireClinicianAsync(db, user.ClinicianProfileId, ct);
        try
        {
            await db.ExecuteAsync(
                $"""
                INSERT INTO users (id, {TenantSql.Columns}, email, email_normalized, name, role, clinician_profile_id, password_hash,
                                   totp_enabled, failed_attempts, created_at, updated_at)
                VALUES (@Id, {TenantSql.Values}, @Email, @EmailNormalized, @Name, @Role, @ClinicianProfileId, @PasswordHash,
                        @TotpEnabled, 0, @CreatedAt, @UpdatedAt)
                """,
                new
                {
                    user.Id, user.Email, EmailNormalized = Normalize(user.Email), user.Name, user.Role, user.ClinicianProfileId,
                    user.PasswordHash, user.TotpEnabled, user.CreatedAt, user.UpdatedAt,
                }, ct);
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            throw new ApiException(409, ErrorCodes.Conflict, $"This organisation already has a user with the email {user.Email}.");
        }
    }

    private static readonly string EnabledAdminsSql = $"SELECT id FROM users WHERE role = '{Roles.Admin}' AND disabled_at IS NULL AND {TenantSql.Filter}";

    /// <summary>
    /// Saves name, role, clinician link and the disabled flag; disabling ends the user's sessions. An organisation
    /// that has an enabled admin keeps one: the change that would leave none is a 409 (and nothing is written).
    /// </summary>
    public static async Task UpdateAsync(TenantDb db, StoredUser user, CancellationToken ct)
    {
        await RequireClinicianAsync(db, user.ClinicianProfileId, ct);
        var mayRemoveAnAdmin = user.Role != Roles.Admin || user.DisabledAt is not null;
        // The enabled admins, locked (PostgreSQL), so two admins disabled or demoted at once are decided one after the other.
        var admins = mayRemoveAnAdmin ? (await db.ListAsync<string>(EnabledAdminsSql + db.RowLock(), null, ct)).Count : 0;
        await db.ExecuteAsync(
            $"""
            UPDATE users SET name = @Name, role = @Role, clinician_profile_id = @ClinicianProfileId, disabled_at = @DisabledAt,
                             updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            new { user.Id, user.Name, user.Role, user.ClinicianProfileId, user.DisabledAt, user.UpdatedAt }, ct);
        if (admins > 0 && (await db.ListAsync<string>(EnabledAdminsSql, null, ct)).Count == 0)
        {
            throw new ApiException(409, ErrorCodes.Conflict,
                "This is the organisation's last enabled admin: make another user admin before disabling this one or changing its role.");
        }
        if (user.DisabledAt is not null)
        {
            await EndSessionsAsync(db, user.Id, ct);
        }
    }

    /// <summary>
    /// An admin's reset: the new password, the lockout lifted, the second factor removed if asked, every session ended
    /// (whoever knew the old password is signed out). False when the tenant has no such user.
    /// </summary>
    public static async Task<bool> ResetPasswordAsync(TenantDb db, string id, string passwordHash, bool clearSecondFactor, DateTimeOffset now,
        CancellationToken ct)
    {
        var clear = clearSecondFactor ? ", totp_secret = NULL, totp_enabled = @off, totp_last_step = NULL" : "";
        var rows = await db.ExecuteAsync(
            $"""
            UPDATE users SET password_hash = @passwordHash, failed_attempts = 0, locked_until = NULL, updated_at = @now{clear}
            WHERE id = @id AND {TenantSql.Filter}
            """,
            new { id, passwordHash, now, off = false }, ct);
        if (rows == 1)
        {
            await EndSessionsAsync(db, id, ct);
        }
        return rows == 1;
    }

    /// <summary>Stores a new (not yet confirmed) TOTP secret, replacing an unconfirmed one.</summary>
    public static Task<int> StartSecondFactorAsync(TenantDb db, string id, string secret, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync($"UPDATE users SET totp_secret = @secret, updated_at = @now WHERE id = @id AND {TenantSql.Filter}", new { id, secret, now }, ct);

    /// <summary>The first code was right: the second factor is on, and that code cannot be used again.</summary>
    public static Task<int> ConfirmSecondFactorAsync(TenantDb db, string id, long step, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            UPDATE users SET totp_enabled = @enabled, totp_last_step = @step, updated_at = @now
            WHERE id = @id AND {TenantSql.Filter}
            """,
            new { id, step, now, enabled = true }, ct);

    /// <summary>A clinician user is linked to a clinician profile of their own organisation and mode (422 otherwise).</summary>
    private static async Task RequireClinicianAsync(TenantDb db, string? clinicianProfileId, CancellationToken ct)
    {
        if (clinicianProfileId is not null && await ClinicianStore.FindAsync(db, clinicianProfileId, ct) is null)
        {
            throw ApiException.Validation([new FieldError("clinician_profile_id", $"no clinician profile {clinicianProfileId} in this organisation")]);
        }
    }

    /// <summary>Deletes sessions past their end; run periodically by <see cref="Housekeeping"/>.</summary>
    public static Task<int> PurgeSessionsAsync(CrossTenantDb db, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync("DELETE FROM user_sessions WHERE expires_at <= @now", new { now }, ct);

    internal static Task EndSessionsAsync(SqlSession db, string userId, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM user_sessions WHERE user_id = @userId", new { userId }, ct);
}
