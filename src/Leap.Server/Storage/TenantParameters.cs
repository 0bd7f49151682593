using Dapper;
using Leap.Server.Accounts;

namespace Leap.Server.Storage;

public static class TenantParameters
{
    /// <summary>A record's properties as SQL parameters, plus the tenant's <c>@OrgId</c> and <c>@Mode</c>.</summary>
    public static DynamicParameters With(this Tenant tenant, object record)
    {
        var parameters = new DynamicParameters(record);
        parameters.Add("OrgId", tenant.OrgId);
        parameters.Add("Mode", tenant.Mode);
        return parameters;
    }
}
