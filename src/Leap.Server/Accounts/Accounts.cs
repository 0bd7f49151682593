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
