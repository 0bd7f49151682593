using Leap.Server.Storage;

namespace Leap.Server.Tests.Infrastructure;

public static class RawData
{
    /// <summary>
    /// The database as the tests look at it to check what was stored, across tenants: the explicitly named
    /// cross-tenant path, so the tenant guard lets the tests' own statements pass.
    /// </summary>
    public static CrossTenantDb Raw(this Database database) => database.CrossTenant("test assertions");
}
