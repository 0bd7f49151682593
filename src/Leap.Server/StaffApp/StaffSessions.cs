using System.Security.Cryptography;
using System.Text;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace Leap.Server.StaffApp;

/// <summary>A session found from its cookie, with its user as they are now.</summary>
public sealed record SignedIn(StoredUser User, string TokenHash, DateTimeOffset ExpiresAt, bool SecondFactorPending);

/// <summary>How a sign-in attempt ended. <see cref="Secret"/> is the new session's cookie value.</summary>
public sealed record SignInOutcome(SignInStep Step, string? Secret = null, DateTimeOffset? LockedUntil = null);

public enum SignInStep
{
    SignedIn,
    SecondFactorRequired,
    Failed,
    LockedOut,
    Disabled,
}

/// <summary>
/// Staff sign-in and sessions (docs/staff-accounts.md). Sessions live in the database (<c>user_sessions</c>): the
/// cookie carries a random secret, the table its SHA-256, so signing out, disabling a user or resetting a password ends
/// a session at once on every server process. Every request with the cookie reads its session and user (one indexed
/// join), so a changed role applies at once too.
/// </summary>
public sealed class StaffSessions(Database database, TimeProvider clock, IAntiforgery antiforgery)
{
    public const string CookieName = "leap_session";
    public const string AntiforgeryHeader = "X-CSRF-Token";
    public const string AntiforgeryCookie = "leap_antiforgery";
    public const int MaxFailures = 5;
    public const int RateLimitPerHour = 10_000;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    public static readonly TimeSpan SecondFactorWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    private static readonly string UserColumns = string.Join(", ", UserStore.Columns.Split(',').Select(c => "u." + c.Trim()));

    // Sessions and sign-in are looked up before the tenant is known.
    private readonly CrossTenantDb db = database.CrossTenant("sign in");

    private sealed record SessionRow
    {
        public required string TokenHash { get; init; }
        public bool SecondFactorPending { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }

    /// <summary>
    /// Checks an email and password. The accounts with this email (one per organisation) are tried oldest first; a
    /// locked account is not checked at all until its lockout ends, and each wrong password counts against it.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(string email, string password, CancellationToken ct)
    {
        var now = Now();
        var candidates = await db.ListAsync<StoredUser>(
            $"SELECT {UserStore.Columns} FROM users WHERE email_normalized = @email ORDER BY created_at, id", new { email = UserStore.Normalize(email) }, ct);
        if (candidates.Count == 0)
        {
            Passwords.VerifyDecoy(password);
            return new SignInOutcome(SignInStep.Failed);
        }
        DateTimeOffset? lockedUntil = null;
        foreach (var user in candidates)
        {
            if (user.LockedUntil > now)
            {
                lockedUntil = user.LockedUntil;
                continue;
            }
            var verdict = Passwords.Verify(user.PasswordHash, password);
            if (verdict == PasswordVerificationResult.Failed)
            {
                lockedUntil = await RecordFailureAsync(user.Id, now, ct) ?? lockedUntil;
                continue;
            }
            if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            {
                await db.WriteAsync("UPDATE users SET password_hash = @hash WHERE id = @id", new { id = user.Id, hash = Passwords.Hash(password) }, ct);
            }
            if (user.DisabledAt is not null)
            {
                return new SignInOutcome(SignInStep.Disabled);
            }
            if (user.TotpEnabled)
            {
                // Failures are only forgiven once the code is right too, so a known password gives no free code guesses.
                return new SignInOutcome(SignInStep.SecondFactorRequired, await StartAsync(user.Id, pending: true, now, ct));
            }
            await RecordSuccessAsync(user.Id, null, now, ct);
            return new SignInOutcome(SignInStep.SignedIn, await StartAsync(user.Id, pending: false, now, ct));
        }
        return lockedUntil is null ? new SignInOutcome(SignInStep.Failed) : new SignInOutcome(SignInStep.LockedOut, LockedUntil: lockedUntil);
    }

    /// <summary>
    /// The second step: the code from the authenticator app. Right, the pending session is replaced by a full one (a
    /// new secret); wrong, it counts as a failed sign-in (five lock the account and end the pending session).
    /// </summary>
    public async Task<SignInOutcome> CompleteSecondFactorAsync(SignedIn pending, string? code, CancellationToken ct)
    {
        var now = Now();
        var user = pending.User;
        if (user.LockedUntil > now)
        {
            await EndAsync(pending.TokenHash, ct);
            return new SignInOutcome(SignInStep.LockedOut, LockedUntil: user.LockedUntil);
        }
        if (SecondFactor.Verify(user.TotpSecret!, code, now, user.TotpLastStep) is not { } step)
        {
            if (await RecordFailureAsync(user.Id, now, ct) is { } until)
            {
                await EndAsync(pending.TokenHash, ct);
                return new SignInOutcome(SignInStep.LockedOut, LockedUntil: until);
            }
            return new SignInOutcome(SignInStep.Failed);
        }
        await EndAsync(pending.TokenHash, ct);
        await RecordSuccessAsync(user.Id, step, now, ct);
        return new SignInOutcome(SignInStep.SignedIn, await StartAsync(user.Id, pending: false, now, ct));
    }

    /// <summary>The request's session (a pending one included), or null without a cookie or once it has ended.</summary>
    public async Task<SignedIn?> FindAsync(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var secret) || string.IsNullOrEmpty(secret) || secret.Length > 100)
        {
            return null;
        }
        var rows = await db.ListAsync<SessionRow, StoredUser, SignedIn>(
            $"""
            SELECT s.token_hash, s.second_factor_pending, s.expires_at, {UserColumns}
            FROM user_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = @hash AND s.expires_at > @now AND u.disabled_at IS NULL
            """,
            (session, user) => new SignedIn(user, session.TokenHash, session.ExpiresAt, session.SecondFactorPending),
            splitOn: "id", new { hash = Hash(secret), now = Now() }, context.RequestAborted);
        return rows.Count == 1 ? rows[0] : null;
    }

    /// <summary>
    /// The API caller a session cookie stands for, with its role's scopes; null without a (complete) session. A change
    /// (any method but GET, HEAD, OPTIONS) must carry the antiforgery token in <see cref="AntiforgeryHeader"/>: 403 without.
    /// </summary>
    public async Task<Caller?> CallerAsync(HttpContext context)
    {
        if (await FindAsync(context) is not { SecondFactorPending: false } session)
        {
            return null;
        }
        await RequireAntiforgeryAsync(context);
        return new Caller(Actor.User(session.User.Id), session.User.Tenant, Roles.ScopesOf(session.User.Role), RateLimitPerHour);
    }

    /// <summary>403 (in the API's envelope) when a change lacks a valid antiforgery token; safe methods pass.</summary>
    public async Task RequireAntiforgeryAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return;
        }
        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            throw new ApiException(403, ErrorCodes.Forbidden,
                $"A change made with a session cookie must send the antiforgery token (from GET /app/session) in the {AntiforgeryHeader} header.");
        }
    }

    /// <summary>Sets the session cookie: never readable by scripts, never sent from another site, HTTPS-only on HTTPS.</summary>
    public static void SetCookie(HttpContext context, string secret) =>
        context.Response.Cookies.Append(CookieName, secret, CookieOptions(context));

    public static void ClearCookie(HttpContext context) => context.Response.Cookies.Delete(CookieName, CookieOptions(context));

    private static CookieOptions CookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };

    public Task EndAsync(string tokenHash, CancellationToken ct) =>
        db.WriteAsync("DELETE FROM user_sessions WHERE token_hash = @tokenHash", new { tokenHash }, ct);

    private async Task<string> StartAsync(string userId, bool pending, DateTimeOffset now, CancellationToken ct)
    {
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        await db.WriteAsync(
            """
            INSERT INTO user_sessions (token_hash, user_id, second_factor_pending, created_at, expires_at)
            VALUES (@hash, @userId, @pending, @now, @expires)
            """,
            new { hash = Hash(secret), userId, pending, now, expires = now + (pending ? SecondFactorWindow : Lifetime) }, ct);
        return secret;
    }

    /// <summary>Counts a failure; the fifth in a row locks the account for <see cref="LockoutDuration"/> (returned) and starts the count again.</summary>
    private async Task<DateTimeOffset?> RecordFailureAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        var until = now + LockoutDuration;
        // The count goes back to zero exactly when this failure locks the account.
        var count = await db.WriteAsync(write => write.SingleAsync<int>(
            """
            UPDATE users SET
              locked_until = CASE WHEN failed_attempts + 1 >= @max THEN @until ELSE locked_until END,
              failed_attempts = CASE WHEN failed_attempts + 1 >= @max THEN 0 ELSE failed_attempts + 1 END
            WHERE id = @id RETURNING failed_attempts
            """,
            new { id, until, max = MaxFailures }, ct), ct);
        return count == 0 ? until : null;
    }

    private Task RecordSuccessAsync(string id, long? step, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync(
            """
            UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = @now, totp_last_step = COALESCE(@step, totp_last_step)
            WHERE id = @id
            """,
            new { id, step, now }, ct);

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private DateTimeOffset Now() => TypeHandlers.Truncate(clock.GetUtcNow());
}
