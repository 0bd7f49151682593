using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Users;

/// <summary>
/// Staff accounts of the caller's organisation and mode (docs/staff-accounts.md), for admins (scope
/// <c>manage_users</c>): create, list, change name, role, clinician link or the disabled flag, and reset a password.
/// Passwords go in and never come out.
/// </summary>
public static class UsersApi
{
    public static void MapUsers(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users").RequireScope(Scopes.ManageUsers);
        group.MapGet("/", List);
        group.MapGet("/{id}", Get);
        group.MapPost("/", Create).Idempotent()
            .Reads("UserCreate", r => ReadCreate(r, Sample.Id(Ids.User), Modes.Test, Sample.Now),
                """{"email": "reception@clinic.example", "name": "Robin Reception", "role": "reception", "password": "a long passphrase"}""");
        group.MapPatch("/{id}", Update)
            .Reads("UserUpdate", r => Apply(r, Blank, Sample.Now), """{"role": "admin"}""", partial: true);
        group.MapPost("/{id}/reset-password", ResetPassword).Idempotent()
            .Reads("UserPasswordReset", r => _ = ReadReset(r), """{"password": "a new long passphrase", "clear_second_factor": false}""");
    }

    private static readonly StoredUser Blank = new()
    {
        Id = Sample.Id(Ids.User), OrgId = Sample.Id(Ids.Organisation), Mode = Modes.Test, Email = "", Name = "", Role = Roles.Reception, PasswordHash = "",
    };

    private static async Task<ApiList<User>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await UserStore.ListAsync(db, UserStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<User>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok((await FindAsync(db, id, ct)).ToView());

    private static async Task<ApiCreated<User>> Create(WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var user = ReadCreate(reader, Ids.New(Ids.User), request.Db.Tenant.Mode, now) with { OrgId = request.Db.Tenant.OrgId };
        reader.ThrowIfInvalid();
        return await request.CreateAsync(async write =>
        {
            await UserStore.InsertAsync(write, user, ct);
            return user.ToView();
        }, ct);
    }

    private static async Task<ApiData<User>> Update(string id, HttpContext http, TenantDb db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        return Api.Ok(await db.WriteAsync(async write =>
        {
            var current = await FindAsync(write, id, ct);
            var reader = new BodyReader(body.Root);
            var user = Apply(reader, current, TypeHandlers.Truncate(clock.GetUtcNow()));
            reader.ThrowIfInvalid();
            await UserStore.UpdateAsync(write, user, ct);
            return user.ToView();
        }, ct));
    }

    /// <summary>An admin sets a new password: the lockout is lifted and every session of the user ends.</summary>
    private static async Task<ApiActed<User>> ResetPassword(string id, WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var reader = request.Reader();
        var (password, clearSecondFactor) = ReadReset(reader);
        reader.ThrowIfInvalid();
        var hash = Passwords.Hash(password!);
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        return await request.ActAsync(async write =>
        {
            if (!await UserStore.ResetPasswordAsync(write, id, hash, clearSecondFactor, now, ct))
            {
                throw ApiException.NotFound("user", id);
            }
            return (await FindAsync(write, id, ct)).ToView();
        }, ct);
    }

    internal static StoredUser ReadCreate(BodyReader r, string id, string mode, DateTimeOffset now)
    {
        var email = r.Has("email") ? r.Email("email") : null;
        if (email is null && !r.Failed("email"))
        {
            r.Fail("email", "is required");
        }
        var password = ReadPassword(r);
        var user = Apply(r, Blank with { Id = id, Mode = mode, Email = email ?? "", CreatedAt = now }, now, creating: true);
        return user with { PasswordHash = password is null ? "" : Passwords.Hash(password) };
    }

    /// <summary>The fields a PATCH may change (POST reads them too): name, role, clinician_profile_id, is_disabled.</summary>
    internal static StoredUser Apply(BodyReader r, StoredUser current, DateTimeOffset now, bool creating = false)
    {
        var user = current with
        {
            Name = creating || r.Has("name") ? r.String("name", 200, required: true) ?? current.Name : current.Name,
            Role = creating || r.Has("role") ? r.Enum("role", Roles.All, required: true) ?? current.Role : current.Role,
            ClinicianProfileId = r.Has("clinician_profile_id") ? r.Id("clinician_profile_id", Ids.Clinician) : current.ClinicianProfileId,
            DisabledAt = r.Bool("is_disabled") is { } disabled ? (disabled ? current.DisabledAt ?? now : null) : current.DisabledAt,
            UpdatedAt = now,
        };
        if (user.ClinicianProfileId is not null && user.Role != Roles.Clinician && !r.Failed("clinician_profile_id"))
        {
            r.Fail("clinician_profile_id", "only a user with the role 'clinician' is linked to a clinician profile");
        }
        return user;
    }

    private static string? ReadPassword(BodyReader r)
    {
        var password = r.String("password", Passwords.MaxLength, required: true);
        if (password is not null && Passwords.Problem(password) is { } problem)
        {
            r.Fail("password", problem);
        }
        return password;
    }

    private static (string? Password, bool ClearSecondFactor) ReadReset(BodyReader r) =>
        (ReadPassword(r), r.Bool("clear_second_factor") ?? false);

    private static async Task<StoredUser> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        await UserStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("user", id);
}
