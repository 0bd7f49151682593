using System.Globalization;
using System.Text.Encodings.Web;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Users;
using Microsoft.AspNetCore.Antiforgery;

namespace Leap.Server.StaffApp;

/// <summary>What <c>GET /app/session</c> answers: who is signed in, where, with what, and the token for changes.</summary>
public sealed record StaffSession(User User, SessionOrganisation Organisation, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt,
    SessionAntiforgery Antiforgery);

public sealed record SessionOrganisation(string Id, string Name);

/// <summary>The token a page sends in <see cref="HeaderName"/> with every change it makes.</summary>
public sealed record SessionAntiforgery(string HeaderName, string Token);

public sealed record SecondFactorSetup(string Secret, string OtpauthUri);

/// <summary>
/// The staff app's doorway at <c>/app</c> (docs/staff-accounts.md): a server-rendered sign-in form (email and password,
/// then the authenticator code when the account has one), sign-out, the session as JSON for the app's pages, enrolment
/// of the second factor, and the staff app's shell.
/// </summary>
public static class StaffAppEndpoints
{
    public const string Path = "/app";
    public const string SignInPath = "/app/sign-in";

    /// <summary>Only this server's own stylesheet; forms post only here; no script, no framing.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>The app shell: its own scripts and calls to this server only, as the booking page.</summary>
    private const string AppContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; " +
        "base-uri 'none'; frame-ancestors 'none'";

    public static void MapStaffApp(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).ExcludeFromDescription();
        group.MapGet("/", Landing);
        group.MapGet("/sign-in", SignInForm);
        group.MapPost("/sign-in", SignIn);
        group.MapPost("/sign-in/code", SecondStep);
        group.MapPost("/sign-out", SignOut);
        group.MapGet("/session", Session);
        group.MapPost("/second-factor", StartSecondFactor);
        group.MapPost("/second-factor/confirm", ConfirmSecondFactor);
    }

    /// <summary>
    /// The staff app itself (docs/staff-app.md): this shell names who is signed in and offers sign-out without any
    /// script; <c>/app/app.js</c> then reads <c>GET /app/session</c> and draws the diary and the rota through the API.
    /// </summary>
    private static async Task<IResult> Landing(HttpContext http, StaffSessions sessions, AccountStore accounts, IAntiforgery antiforgery)
    {
        if (await sessions.FindAsync(http) is not { SecondFactorPending: false } session)
        {
            return Results.Redirect(SignInPath);
        }
        var user = session.User;
        var organisation = await accounts.FindOrganisationAsync(user.OrgId, http.RequestAborted);
        return Html(http, 200, "Leap", $"""
            <header class="bar">
              <p class="who">Signed in as <strong>{E(user.Name)}</strong> ({E(user.Email)}), {E(user.Role)} ·
                {E(organisation?.Name ?? user.OrgId)}, {E(user.Mode)} data</p>
              <nav aria-label="Staff app">
                <button type="button" class="nav" data-view="diary" aria-current="page">Diary</button>
                <button type="button" class="nav" data-view="inbox">Episodes</button>
                <button type="button" class="nav" data-view="series">Series</button>
                <button type="button" class="nav" data-view="waitlist">Waitlist</button>
                <button type="button" class="nav" data-view="rota">Rota</button>
                <button type="button" class="nav" data-view="directory">Directory</button>
                <button type="button" class="nav" data-view="resources">Rooms and equipment</button>
                <button type="button" class="nav" data-view="messages">Messages</button>
              </nav>
              <form method="post" action="/app/sign-out">
                {TokenField(http, antiforgery)}
                <button type="submit" class="quiet">Sign out</button>
              </form>
            </header>
            <div id="status" class="status" role="status" aria-live="polite"></div>
            <div id="alert" class="alert" role="alert" tabindex="-1"></div>
            <div id="view"><p>Loading the diary…</p></div>
            """, appShell: true);
    }

    private static async Task<IResult> SignInForm(HttpContext http, StaffSessions sessions, IAntiforgery antiforgery) =>
        await sessions.FindAsync(http) is { SecondFactorPending: false }
            ? Results.Redirect(Path)
            : SignInPage(http, antiforgery, 200, null, "");

    private static async Task<IResult> SignIn(HttpContext http, StaffSessions sessions, IAntiforgery antiforgery, TimeProvider clock)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return SignInPage(http, antiforgery, 400, "This form had expired. Please sign in again.", "");
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var email = form["email"].ToString();
        var password = form["password"].ToString();
        if (email.Length is 0 or > 254 || password.Length is 0 or > Passwords.MaxLength)
        {
            return SignInPage(http, antiforgery, 400, "Enter your email and password.", email);
        }
        var outcome = await sessions.SignInAsync(email, password, http.RequestAborted);
        return Answer(http, antiforgery, clock, outcome, email);
    }

    private static async Task<IResult> SecondStep(HttpContext http, StaffSessions sessions, IAntiforgery antiforgery, TimeProvider clock)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return SignInPage(http, antiforgery, 400, "This form had expired. Please sign in again.", "");
        }
        if (await sessions.FindAsync(http) is not { SecondFactorPending: true } pending)
        {
            return SignInPage(http, antiforgery, 401, "Your sign-in took too long. Please sign in again.", "");
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var outcome = await sessions.CompleteSecondFactorAsync(pending, form["code"].ToString(), http.RequestAborted);
        return outcome.Step == SignInStep.Failed
            ? CodePage(http, antiforgery, 401, "That code is not right. Enter the current code from your authenticator app.")
            : Answer(http, antiforgery, clock, outcome, pending.User.Email);
    }

    private static IResult Answer(HttpContext http, IAntiforgery antiforgery, TimeProvider clock, SignInOutcome outcome, string email)
    {
        switch (outcome.Step)
        {
            case SignInStep.SignedIn:
                StaffSessions.SetCookie(http, outcome.Secret!);
                return Results.Redirect(Path);
            case SignInStep.SecondFactorRequired:
                StaffSessions.SetCookie(http, outcome.Secret!);
                return CodePage(http, antiforgery, 200, null);
            case SignInStep.LockedOut:
                StaffSessions.ClearCookie(http);
                var minutes = Math.Max(1, (int)Math.Ceiling((outcome.LockedUntil!.Value - clock.GetUtcNow()).TotalMinutes));
                return SignInPage(http, antiforgery, 401,
                    $"Too many failed attempts: this account is locked for {minutes.ToString(CultureInfo.InvariantCulture)} minutes. " +
                    "Try again later, or ask an administrator to reset your password.", email);
            case SignInStep.Disabled:
                return SignInPage(http, antiforgery, 401, "This account is disabled. Ask an administrator.", email);
            default:
                return SignInPage(http, antiforgery, 401, "The email or password is not right.", email);
        }
    }

    private static async Task<IResult> SignOut(HttpContext http, StaffSessions sessions)
    {
        await sessions.RequireAntiforgeryAsync(http);
        if (await sessions.FindAsync(http) is { } session)
        {
            await sessions.EndAsync(session.TokenHash, http.RequestAborted);
        }
        StaffSessions.ClearCookie(http);
        return Results.Redirect(SignInPath);
    }

    private static async Task<ApiData<StaffSession>> Session(HttpContext http, StaffSessions sessions, AccountStore accounts, IAntiforgery antiforgery)
    {
        var session = await RequireSessionAsync(http, sessions);
        var user = session.User;
        var organisation = await accounts.FindOrganisationAsync(user.OrgId, http.RequestAborted);
        var tokens = antiforgery.GetAndStoreTokens(http);
        return Api.Ok(new StaffSession(user.ToView(), new SessionOrganisation(user.OrgId, organisation?.Name ?? ""),
            [.. Roles.ScopesOf(user.Role).Order(StringComparer.Ordinal)], session.ExpiresAt,
            new SessionAntiforgery(StaffSessions.AntiforgeryHeader, tokens.RequestToken!)));
    }

    /// <summary>Starts enrolment: a new secret for the authenticator app, in force once a code from it is confirmed.</summary>
    private static async Task<ApiData<SecondFactorSetup>> StartSecondFactor(HttpContext http, StaffSessions sessions, Database database, TimeProvider clock)
    {
        var session = await RequireSessionAsync(http, sessions);
        await sessions.RequireAntiforgeryAsync(http);
        if (session.User.TotpEnabled)
        {
            throw new ApiException(409, ErrorCodes.Conflict, "The second factor is already on. An administrator's password reset can remove it.");
        }
        var secret = SecondFactor.NewSecret();
        var db = database.ForTenant(session.User.Tenant, Actor.User(session.User.Id));
        await db.WriteAsync(write => UserStore.StartSecondFactorAsync(write, session.User.Id, secret, TypeHandlers.Truncate(clock.GetUtcNow()), http.RequestAborted),
            http.RequestAborted);
        return Api.Ok(new SecondFactorSetup(secret, SecondFactor.AppUri(secret, session.User.Email)));
    }

    private static async Task<ApiData<User>> ConfirmSecondFactor(HttpContext http, StaffSessions sessions, Database database, TimeProvider clock)
    {
        var session = await RequireSessionAsync(http, sessions);
        await sessions.RequireAntiforgeryAsync(http);
        var reader = new BodyReader((await JsonBody.ReadAsync(http.Request, http.RequestAborted)).Root);
        var code = reader.String("code", 10, required: true);
        reader.ThrowIfInvalid();
        var user = session.User;
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        if (user.TotpEnabled || user.TotpSecret is null)
        {
            throw new ApiException(409, ErrorCodes.Conflict,
                user.TotpEnabled ? "The second factor is already on." : "Start with POST /app/second-factor to get a secret.");
        }
        if (SecondFactor.Verify(user.TotpSecret, code, now, user.TotpLastStep) is not { } step)
        {
            throw ApiException.Validation([new FieldError("code", "is not the current code of the authenticator app")]);
        }
        var db = database.ForTenant(user.Tenant, Actor.User(user.Id));
        await db.WriteAsync(write => UserStore.ConfirmSecondFactorAsync(write, user.Id, step, now, http.RequestAborted), http.RequestAborted);
        return Api.Ok(user.ToView() with { SecondFactorEnabled = true, UpdatedAt = now });
    }

    private static async Task<SignedIn> RequireSessionAsync(HttpContext http, StaffSessions sessions) =>
        await sessions.FindAsync(http) is { SecondFactorPending: false } session
            ? session
            : throw new ApiException(401, ErrorCodes.Unauthorised, $"Not signed in: sign in at {SignInPath}.");

    private static IResult SignInPage(HttpContext http, IAntiforgery antiforgery, int status, string? error, string email) =>
        Html(http, status, "Sign in · Leap", $"""
            <h1>Sign in to Leap</h1>
            {Error(error)}
            <form method="post" action="/app/sign-in">
              {TokenField(http, antiforgery)}
              <label for="email">Email</label>
              <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="{E(email)}"{Describe(error)}>
              <label for="password">Password</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="{Passwords.MaxLength}"{Describe(error)}>
              <button type="submit">Sign in</button>
            </form>
            """);

    private static IResult CodePage(HttpContext http, IAntiforgery antiforgery, int status, string? error) =>
        Html(http, status, "Authentication code · Leap", $"""
            <h1>Enter your authentication code</h1>
            <p>Open your authenticator app and enter the 6-digit code for Leap.</p>
            {Error(error)}
            <form method="post" action="/app/sign-in/code">
              {TokenField(http, antiforgery)}
              <label for="code">Code</label>
              <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{"{6,7}"}" maxlength="7" required autofocus{Describe(error)}>
              <button type="submit">Continue</button>
            </form>
            """);

    private static string Error(string? error) =>
        error is null ? "" : $"""<p class="error" id="form-error" role="alert">{E(error)}</p>""";

    private static string Describe(string? error) => error is null ? "" : """ aria-describedby="form-error" aria-invalid="true" """.TrimEnd();

    private static string TokenField(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"""<input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken!)}">""";
    }

    private static IResult Html(HttpContext http, int status, string title, string main, bool appShell = false)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = appShell ? AppContentSecurityPolicy : ContentSecurityPolicy;
        var script = appShell ? "\n  <script type=\"module\" src=\"/app/app.js\"></script>" : "";
        var bodyClass = appShell ? "app" : "form";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return Results.Content($"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{E(title)}</title>
              <link rel="stylesheet" href="/app/app.css">{script}
            </head>
            <body class="{bodyClass}">
            <main>
            {main}
            </main>
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
