using System.Text.Json.Serialization;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.StaffApp;

namespace Leap.Server.Users;

/// <summary>
/// A staff account as the API shows it (docs/staff-accounts.md): never the password hash or the TOTP secret.
/// </summary>
public sealed record User
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public string? ClinicianProfileId { get; init; }
    public required string Mode { get; init; }
    public bool SecondFactorEnabled { get; init; }
    public bool IsDisabled { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A staff account as stored, with what signing in needs.</summary>
public sealed record StoredUser
{
    public required string Id { get; init; }
    public required string OrgId { get; init; }
    public required string Mode { get; init; }
    public required string Email { get; init; }
    public required string Name { get; init; }
    public required string Role { get; init; }
    public string? ClinicianProfileId { get; init; }
    public required string PasswordHash { get; init; }
    public string? TotpSecret { get; init; }
    public bool TotpEnabled { get; init; }
    public long? TotpLastStep { get; init; }
    public int FailedAttempts { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }
    public DateTimeOffset? LastSignInAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public Tenant Tenant => new(OrgId, Mode);

    public User ToView() => new()
    {
        Id = Id, Email = Email, Name = Name, Role = Role, ClinicianProfileId = ClinicianProfileId, Mode = Mode,
        SecondFactorEnabled = TotpEnabled, IsDisabled = DisabledAt is not null, LockedUntil = LockedUntil, LastSignInAt = LastSignInAt,
        CreatedAt = CreatedAt, UpdatedAt = UpdatedAt,
    };
}

/// <summary>
/// The three staff roles and the API scopes each one grants a signed-in session (the mapping is documented in
/// docs/staff-accounts.md). Admins hold every scope, so scopes added later reach them without a change here.
/// </summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Reception = "reception";
    public const string Clinician = "clinician";

    public static readonly IReadOnlyList<string> All = [Admin, Reception, Clinician];

    private static readonly IReadOnlySet<string> SharedScopes = new HashSet<string>
    {
        Scopes.ReadPatients, Scopes.ReadAppointments, Scopes.WriteAppointments, Scopes.ReadAppointmentTemplates,
        Scopes.ReadEpisodes, Scopes.WriteEpisodes, Scopes.ReadQuestionnaires, Scopes.ReadClinicians, Scopes.ReadLocations,
        Scopes.ReadAvailability,
    };

    /// <summary>The clinical record (consultations, problems, prescriptions, documents) is the clinicians' and the admins'.</summary>
    private static readonly IReadOnlySet<string> ClinicianScopes = new HashSet<string>(SharedScopes)
    {
        Scopes.ReadConsultations, Scopes.WriteConsultations, Scopes.ReadProblems, Scopes.WriteProblems,
        Scopes.ReadPrescriptions, Scopes.WritePrescriptions, Scopes.ReadDocuments, Scopes.WriteDocuments,
    };

    private static readonly IReadOnlySet<string> ReceptionScopes = new HashSet<string>(SharedScopes)
    {
        Scopes.WritePatients, Scopes.WriteHolds, Scopes.WriteQuestionnaires,
    };

    private static readonly IReadOnlySet<string> AdminScopes = Scopes.All.ToHashSet();

    public static IReadOnlySet<string> ScopesOf(string role) => role switch
    {
        Admin => AdminScopes,
        Reception => ReceptionScopes,
        Clinician => ClinicianScopes,
        _ => new HashSet<string>(),
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<User>))]
[JsonSerializable(typeof(ListEnvelope<User>))]
[JsonSerializable(typeof(DataEnvelope<StaffSession>))]
[JsonSerializable(typeof(DataEnvelope<SecondFactorSetup>))]
internal sealed partial class UsersJson : JsonSerializerContext;
