using Leap.Server.Storage;

namespace Leap.Server.Accounts;

/// <summary>Organisations and API keys: used by the CLI to administer and by authentication to look keys up.</summary>
public sealed class AccountStore(Database database, TimeProvider clock)
{
    // Keys are looked up before their tenant is known, and organisations are administered across tenants.
    private readonly CrossTenantDb db = database.CrossTenant("accounts");

    private const string KeyColumns =
        "id, org_id, name, mode, display_prefix, scopes, rate_limit_per_hour, created_at, revoked_at, last_used_at";

    public async Task<Organisation> CreateOrganisationAsync(string name, CancellationToken ct = default)
    {
        var organisation = new Organisation { Id = Ids.New(Ids.Organisation), Name = name, CreatedAt = Now() };
        await db.WriteAsync(
            "INSERT INTO organisations (id, name, created_at) VALUES (@Id, @Name, @CreatedAt)", organisation, ct);
        return organisation;
    }

    public Task<IReadOnlyList<Organisation>> ListOrganisationsAsync(CancellationToken ct = default) =>
        db.ListAsync<Organisation>("SELECT id, name, created_at FROM organisations ORDER BY created_at, id", ct: ct);

    public Task<Organisation?> FindOrganisationAsync(string id, CancellationToken ct = default) =>
        db.SingleAsync<Organisation>("SELECT id, name, created_at FROM organisations WHERE id = @id", new { id }, ct);

    /// <summary>Creates a key and returns its secret: the only time the secret exists outside the caller's hands.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateKeyAsync(
        string orgId, string name, string mode, IEnumerable<string> scopes, int rateLimitPerHour = 1000, CancellationToken ct = default)
    {
        if (!Modes.IsValid(mode))
        {
            throw new ArgumentException($"Mode must be '{Modes.Live}' or '{Modes.Test}'.", nameof(mode));
        }
        var scopeList = scopes.Distinct().ToList();
        if (scopeList.FirstOrDefault(s => !Scopes.IsKnown(s)) is { } unknown)
        {
            throw new ArgumentException($"Unknown scope '{unknown}'. Known scopes: {string.Join(", ", Scopes.All)}.", nameof(scopes));
        }
        if (rateLimitPerHour < 1)
        {
            throw new ArgumentException("The rate limit must be at least 1 request per hour.", nameof(rateLimitPerHour));
        }
        var secret = ApiKeySecrets.Generate(mode);
        var key = new ApiKey
        {
            Id = Ids.New(Ids.ApiKey),
            OrgId = orgId,
            Name = name,
            Mode = mode,
            DisplayPrefix = ApiKeySecrets.DisplayPrefix(secret),
            Scopes = string.Join(' ', scopeList),
            RateLimitPerHour = rateLimitPerHour,
            CreatedAt = Now(),
        };
        await db.WriteAsync(
            """
            INSERT INTO api_keys (id, org_id, name, mode, secret_hash, display_prefix, scopes, rate_limit_per_hour, created_at)
            VALUES (@Id, @OrgId, @Name, @Mode, @SecretHash, @DisplayPrefix, @Scopes, @RateLimitPerHour, @CreatedAt)
            """,
            new { key.Id, key.OrgId, key.Name, key.Mode, SecretHash = ApiKeySecrets.Hash(secret), key.DisplayPrefix, key.Scopes, key.RateLimitPerHour, key.CreatedAt },
            ct);
        return (key, secret);
    }

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string orgId, CancellationToken ct = default) =>
        db.ListAsync<ApiKey>($"SELECT {KeyColumns} FROM api_keys WHERE org_id = @orgId ORDER BY created_at, id", new { orgId }, ct);

    public Task<ApiKey?> FindKeyBySecretAsync(string secret, CancellationToken ct = default) =>
        db.SingleAsync<ApiKey>(
            $"SELECT {KeyColumns} FROM api_keys WHERE secret_hash = @hash", new { hash = ApiKeySecrets.Hash(secret) }, ct);

    /// <summary>Raised after a key is revoked by this process, so caches here forget it at once.</summary>
    public event Action<string>? KeyRevoked;

    /// <summary>Revokes a key; returns false when no such key exists. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeKeyAsync(string keyId, CancellationToken ct = default)
    {
        var now = Now();
        var rows = await db.WriteAsync(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @keyId", new { keyId, now }, ct);
        KeyRevoked?.Invoke(keyId);
        return rows == 1;
    }

    public Task SetRateLimitAsync(string keyId, int perHour, CancellationToken ct = default) =>
        db.WriteAsync("UPDATE api_keys SET rate_limit_per_hour = @perHour WHERE id = @keyId", new { keyId, perHour }, ct);

    public Task TouchKeyAsync(string keyId, DateTimeOffset usedAt, CancellationToken ct = default) =>
        db.WriteAsync("UPDATE api_keys SET last_used_at = @usedAt WHERE id = @keyId", new { keyId, usedAt }, ct);

    private DateTimeOffset Now() => TypeHandlers.Truncate(clock.GetUtcNow());
}
