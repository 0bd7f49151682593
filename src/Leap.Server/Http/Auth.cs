using System.Collections.Concurrent;
using System.Reflection;
using Leap.Server.Accounts;
using Leap.Server.StaffApp;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Leap.Server.Http;

/// <summary>Endpoint metadata: the scope an API key needs to call the endpoint.</summary>
public sealed record RequiredScope(string Scope);

/// <summary>
/// The authenticated API key or signed-in user behind a request (<see cref="Actor"/> says which). Handlers take it
/// as a parameter.
/// </summary>
public sealed record Caller(Actor Actor, Tenant Tenant, IReadOnlySet<string> Scopes, int RateLimitPerHour)
{
    private const string ItemKey = "leap.caller";

    public string OrgId => Tenant.OrgId;
    public string Mode => Tenant.Mode;

    /// <summary>The key or user id: what rate limits count and records name as their author.</summary>
    public string Id => Actor.Id!;

    public static Caller? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var c) ? c as Caller : null;

    internal void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    /// <summary>Minimal API binding: endpoints that take a <see cref="Caller"/> only run after authentication.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<Caller?>(Of(context) ?? throw new InvalidOperationException("Endpoint has no RequiredScope metadata."));
}

public static class AuthEndpointExtensions
{
    /// <summary>The API key scheme's name in the OpenAPI document.</summary>
    public const string SecurityScheme = "bearer";

    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new RequiredScope(scope));
        return builder;
    }

    /// <summary>
    /// The OpenAPI operation transformer: an endpoint with a <see cref="RequiredScope"/> asks for the API key (and
    /// names the scope); one without (the public booking page's and manage links' API) declares no security at all,
    /// so a client generated from the document never sends a key there.
    /// </summary>
    public static Task DescribeSecurity(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>().FirstOrDefault() is { } required)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [] }];
            operation.Description = (operation.Description is { Length: > 0 } text ? text + "\n\n" : "") + $"Scope: `{required.Scope}`.";
        }
        else
        {
            operation.Security = [];
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// Bearer API-key authentication for every endpoint that declares a <see cref="RequiredScope"/>: 401 for a
/// missing, unknown or revoked key. A request without an Authorization header may instead carry a staff session
/// cookie (<see cref="StaffSessions.CallerAsync"/>): it acts as the signed-in user, with their role's scopes. The scope itself is checked by <see cref="ScopeAuthorization"/>, after
/// rate limiting has counted the request.
/// <para>
/// Known keys are cached for <see cref="CacheLifetime"/> so that a request costs no key lookup: a key revoked
/// in this process stops working at once, one revoked elsewhere (the CLI, another server) within that time.
/// </para>
/// </summary>
public sealed class ApiKeyAuthentication : IMiddleware
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    private readonly AccountStore accounts;
    private readonly StaffSessions sessions;
    private readonly TimeProvider clock;
    private readonly ILogger<ApiKeyAuthentication> logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastTouched = new();
    private readonly ConcurrentDictionary<string, (Caller? Caller, string? Refusal, DateTimeOffset Expires)> known = new(StringComparer.Ordinal);

    public ApiKeyAuthentication(AccountStore accounts, StaffSessions sessions, TimeProvider clock, ILogger<ApiKeyAuthentication> logger)
    {
        this.accounts = accounts;
        this.sessions = sessions;
        this.clock = clock;
        this.logger = logger;
        accounts.KeyRevoked += keyId =>
        {
            foreach (var entry in known.Where(e => e.Value.Caller?.Id == keyId))
            {
                known.TryRemove(entry.Key, out _);
            }
        };
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>();
        if (required is null)
        {
            await next(context);
            return;
        }

        var secret = ReadBearer(context.Request);
        if (secret is null)
        {
            if (context.Request.Headers.Authorization.Count == 0 && await sessions.CallerAsync(context) is { } user)
            {
                user.AttachTo(context);
                await next(context);
                return;
            }
            throw Unauthorised("Missing API key. Send 'Authorization: Bearer pk_live_…' or 'Bearer pk_test_…' (or sign in at /app/sign-in).");
        }
        if (!ApiKeySecrets.LooksValid(secret))
        {
            throw Unauthorised("Invalid API key.");
        }
        var now = clock.GetUtcNow();
        if (!known.TryGetValue(secret, out var entry) || entry.Expires <= now)
        {
            entry = await LookUpAsync(secret, now, context.RequestAborted);
        }
        if (entry.Caller is not { } caller)
        {
            throw Unauthorised(entry.Refusal!);
        }
        caller.AttachTo(context);
        Touch(caller.Id);
        await next(context);
    }

    private async Task<(Caller?, string?, DateTimeOffset)> LookUpAsync(string secret, DateTimeOffset now, CancellationToken ct)
    {
        var key = await accounts.FindKeyBySecretAsync(secret, ct);
        if (key is null)
        {
            // Unknown keys are not cached: random guesses must not fill memory.
            return (null, "Invalid API key.", now);
        }
        (Caller?, string?, DateTimeOffset) entry = key.RevokedAt is not null
            ? (null, "This API key has been revoked.", now + CacheLifetime)
            : (new Caller(Actor.ApiKey(key.Id), new Tenant(key.OrgId, key.Mode), key.ScopeList.ToHashSet(), key.RateLimitPerHour), null, now + CacheLifetime);
        known[secret] = entry;
        return entry;
    }

    private static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }

    private static ApiException Unauthorised(string message) => new(401, ErrorCodes.Unauthorised, message);

    /// <summary>Records last_used_at at most once a minute per key, off the request path.</summary>
    private void Touch(string keyId)
    {
        var now = clock.GetUtcNow();
        var previous = lastTouched.GetOrAdd(keyId, DateTimeOffset.MinValue);
        if (now - previous < TouchInterval || !lastTouched.TryUpdate(keyId, now, previous))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await accounts.TouchKeyAsync(keyId, now);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not record last use of API key {KeyId}", keyId);
            }
        });
    }
}

/// <summary>403 naming the scope an authenticated key lacks.</summary>
public sealed class ScopeAuthorization : IMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is { } required
            && Caller.Of(context) is { } caller
            && !caller.Scopes.Contains(required.Scope))
        {
            var who = caller.Actor.Type == Actor.UserType ? "The signed-in user's role" : "This API key";
            throw new ApiException(403, ErrorCodes.Forbidden,
                $"{who} lacks the '{required.Scope}' scope required for {context.Request.Method} {context.Request.Path}.");
        }
        return next(context);
    }
}
