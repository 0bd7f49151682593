namespace Leap.Server.Accounts;

public sealed record Organisation
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public static class Modes
{
    public const string Live = "live";
    public const string Test = "test";

    public static bool IsValid(string mode) => mode is Live or Test;
}

/// <summary>An API key as stored: the secret itself is never kept, only its SHA-256.</summary>
public sealed record ApiKey
{
    public required string Id { get; init; }
    public required string OrgId { get; init; }
    public required string Name { get; init; }
    public required string Mode { get; init; }
    public required string DisplayPrefix { get; init; }
    public required string Scopes { get; init; }
    public int RateLimitPerHour { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The dataset a request works in: one organisation, one mode.</summary>
public readonly record struct Tenant(string OrgId, string Mode);

/// <summary>
/// Who makes a change: an API key, a signed-in user, a patient (manage link, online booking), or the server itself (expiry, housekeeping). Recorded with the
/// change's webhook event and episode events (docs/staff-accounts.md, "Actors").
/// </summary>
public sealed record Actor(string Type, string? Id)
{
    public const string ApiKeyType = "api_key";
    public const string UserType = "user";
    public const string SystemType = "system";
    public const string PatientType = "patient";

    public static readonly Actor System = new(SystemType, null);

    public static Actor ApiKey(string keyId) => new(ApiKeyType, keyId);

    public static Actor User(string userId) => new(UserType, userId);

    /// <summary>A patient acting through a manage link or the public booking page (null: not yet known, e.g. while holding a slot).</summary>
    public static Actor Patient(string? patientId) => new(PatientType, patientId);

    /// <summary>The actor stored as two columns (null type: a row written before actors were recorded).</summary>
    public static Actor From(string? type, string? id) => type is null ? System : new Actor(type, id);
}
