using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class UsersClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_list_change_role_disable_and_reset_a_password()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var users = sdk.Client.Users;

        var desk = await users.CreateAsync(new UserCreate
        {
            Email = "desk@clinic.example", Name = "Desk Person", Role = UserRole.Reception, Password = "a long enough passphrase",
        }, ct: Ct);
        await users.CreateAsync(new UserCreate { Email = "boss@clinic.example", Name = "Boss", Role = UserRole.Admin, Password = "another passphrase" }, ct: Ct);
        var duplicate = await Assert.ThrowsAsync<LeapConflictException>(() => users.CreateAsync(new UserCreate
        {
            Email = "DESK@clinic.example", Name = "Twin", Role = UserRole.Admin, Password = "a long enough passphrase",
        }, ct: Ct));

        Assert.StartsWith("usr_", desk.Id, StringComparison.Ordinal);
        Assert.Equal((UserRole.Reception, "test", false, false), (desk.Role, desk.Mode, desk.IsDisabled, desk.SecondFactorEnabled));
        Assert.Equal("CONFLICT", duplicate.Code);
        Assert.Equal([desk.Id], (await users.ListAsync(new UserListQuery { Role = UserRole.Reception }, Ct)).Data.Select(u => u.Id));

        var promoted = await users.UpdateAsync(desk.Id, new UserUpdate { Role = UserRole.Admin, IsDisabled = true }, Ct);
        Assert.Equal((UserRole.Admin, true), (promoted.Role, promoted.IsDisabled));
        var reset = await users.ResetPasswordAsync(desk.Id, new UserPasswordReset { Password = "a fresh passphrase" }, Ct);
        Assert.Null(reset.LockedUntil);
        Assert.Equal(UserRole.Admin, (await users.GetAsync(desk.Id, Ct)).Role);
        await Assert.ThrowsAsync<LeapValidationException>(() => users.ResetPasswordAsync(desk.Id, new UserPasswordReset { Password = "short" }, Ct));
    }
}

public sealed class UsersClientTestsOnSqlite(SqliteServer server) : UsersClientTests(server);
public sealed class UsersClientTestsOnPostgres(PostgresServer server) : UsersClientTests(server);
