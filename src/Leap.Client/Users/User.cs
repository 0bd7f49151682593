namespace Leap.Client;

/// <summary>A staff account: a person who signs in at <c>/app</c> (docs/staff-accounts.md). Never carries the password.</summary>
public sealed record User
{
    /// <summary>The user's id (<c>usr_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The sign-in email, unique in the organisation whatever its case.</summary>
    public string Email { get; init; } = "";
    /// <summary>The person's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>See <see cref="UserRole"/>.</summary>
    public string Role { get; init; } = "";
    /// <summary>The clinician profile of a clinician user (<c>cli_…</c>).</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>The dataset the user's session works on: <c>live</c> or <c>test</c>.</summary>
    public string Mode { get; init; } = "";
    /// <summary>True once the user confirmed an authenticator app.</summary>
    public bool SecondFactorEnabled { get; init; }
    /// <summary>A disabled user cannot sign in.</summary>
    public bool IsDisabled { get; init; }
    /// <summary>Until when repeated failed sign-ins lock the account.</summary>
    public DateTimeOffset? LockedUntil { get; init; }
    /// <summary>The last successful sign-in.</summary>
    public DateTimeOffset? LastSignInAt { get; init; }
    /// <summary>When the account was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the account last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Values of <see cref="User.Role"/>; each grants a set of API scopes to the user's session.</summary>
public static class UserRole
{
    /// <summary>Everything: directory, rota, services, users, webhooks.</summary>
    public const string Admin = "admin";
    /// <summary>Diary, booking, patients, episodes.</summary>
    public const string Reception = "reception";
    /// <summary>Reading, appointment actions, episodes.</summary>
    public const string Clinician = "clinician";
}

/// <summary>A new staff account.</summary>
public sealed record UserCreate
{
    /// <summary>The sign-in email (required).</summary>
    public required string Email { get; init; }
    /// <summary>The person's name (required).</summary>
    public required string Name { get; init; }
    /// <summary>See <see cref="UserRole"/> (required).</summary>
    public required string Role { get; init; }
    /// <summary>10 to 256 characters (required); stored only as a hash.</summary>
    public required string Password { get; init; }
    /// <summary>For a clinician: their clinician profile.</summary>
    public string? ClinicianProfileId { get; init; }
}

/// <summary>Changes to a user: only the properties you set are sent.</summary>
public sealed class UserUpdate : PatchBody
{
    /// <summary>The person's name.</summary>
    public string? Name { get => Get<string>(); init => Set(value); }
    /// <summary>The role; the user's sessions get its scopes at once.</summary>
    public string? Role { get => Get<string>(); init => Set(value); }
    /// <summary>The clinician profile (null unlinks).</summary>
    public string? ClinicianProfileId { get => Get<string>(); init => Set(value); }
    /// <summary>True disables the account and ends its sessions.</summary>
    public bool? IsDisabled { get => Get<bool?>(); init => Set(value); }
}

/// <summary>An admin's password reset.</summary>
public sealed record UserPasswordReset
{
    /// <summary>The new password, 10 to 256 characters.</summary>
    public required string Password { get; init; }
    /// <summary>Also remove the second factor (a lost phone).</summary>
    public bool ClearSecondFactor { get; init; }
}

/// <summary>Filters for <see cref="UsersClient.ListAsync"/>; unset filters are not sent.</summary>
public sealed record UserListQuery : ListQuery
{
    /// <summary>Exact role.</summary>
    public string? Role { get; init; }

    private protected override void AddFilters(QueryString query) => query.Add("role", Role);
}
