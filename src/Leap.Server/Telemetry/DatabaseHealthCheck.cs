using Leap.Server.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Leap.Server.Telemetry;

/// <summary>
/// Readiness: the database answers a query, through the readers' pool as requests do. A failure is reported
/// unhealthy by the health check service, which catches it.
/// </summary>
public sealed class DatabaseHealthCheck(Database db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await db.CrossTenant("health check").ScalarAsync<int>("SELECT 1", ct: cancellationToken);
        return HealthCheckResult.Healthy();
    }
}
