using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class OrganisationClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_and_changes_the_public_settings()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var organisation = sdk.Client.Organisation;

        var before = await organisation.GetAsync(Ct);
        Assert.Equal((t.OrgId, "test", false, null), (before.Id, before.Mode, before.OnlineBookingEnabled, before.Slug));
        await Assert.ThrowsAsync<LeapValidationException>(() => organisation.UpdateAsync(new OrganisationUpdate { OnlineBookingEnabled = true }, Ct));

        var slug = "sdk-" + Guid.NewGuid().ToString("N")[..10];
        var after = await organisation.UpdateAsync(new OrganisationUpdate { Slug = slug, OnlineBookingEnabled = true, Phone = "020 7946 0777" }, Ct);
        Assert.Equal((slug, true, "020 7946 0777"), (after.Slug, after.OnlineBookingEnabled, after.Phone));
        Assert.EndsWith($"/book/{slug}", after.BookingUrl, StringComparison.Ordinal);
        var cleared = await organisation.UpdateAsync(new OrganisationUpdate { PublicName = null, OnlineBookingEnabled = false }, Ct);
        Assert.Null(cleared.BookingUrl);
        Assert.Equal(slug, (await organisation.GetAsync(Ct)).Slug);
    }
}

public sealed class OrganisationClientTestsOnSqlite(SqliteServer s) : OrganisationClientTests(s);
public sealed class OrganisationClientTestsOnPostgres(PostgresServer s) : OrganisationClientTests(s);
