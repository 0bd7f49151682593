using Dapper;
using Leap.Server.Accounts;

namespace Leap.Server.Storage;

public static class TenantParameters
{
    /// <summary>A record's properties as parameters, plus <c>@OrgId</c> and <c>@Mode</c> of the tenant it belongs to.</summary>
    public static DynamicParameters For(Tenant tenant, object record)
    {
        var parameters = new DynamicParameters(record);
        parameters.Add("OrgId", tenant.OrgId);
        parameters.Add("Mode", tenant.Mode);
        return parameters;
    }
}
