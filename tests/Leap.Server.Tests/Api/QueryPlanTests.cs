using Leap.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Leap.Server.Tests.Api;

/// <summary>
/// SQLite runs without statistics (nothing runs ANALYZE), so its planner picks indexes by their shape alone.
/// These are the queries a clinic sends most, written as the stores send them: each must be a range of the
/// index built for it, not a walk through the whole organisation's rows.
/// </summary>
public sealed class QueryPlanTests(SqliteServer server)
{
    [Theory]
    [InlineData("appointments_patient (org_id=? AND mode=? AND patient_id=?)",
        "SELECT id FROM appointments WHERE org_id = @OrgId AND mode = @Mode AND patient_id = @p0 ORDER BY start_time, id LIMIT @Limit OFFSET @Offset")]
    [InlineData("appointments_clinician (org_id=? AND mode=? AND clinician_profile_id=? AND start_time>?)",
        "SELECT id FROM appointments WHERE org_id = @OrgId AND mode = @Mode AND clinician_profile_id = @p0 AND start_time >= @p1 ORDER BY start_time, id LIMIT @Limit OFFSET @Offset")]
    [InlineData("appointments_episode (org_id=? AND mode=? AND episode_id=?)",
        "SELECT id FROM appointments WHERE org_id = @OrgId AND mode = @Mode AND episode_id = @p0 ORDER BY start_time, id LIMIT @Limit OFFSET @Offset")]
    [InlineData("episodes_patient (org_id=? AND mode=? AND patient_id=?)",
        "SELECT id FROM episodes WHERE org_id = @OrgId AND mode = @Mode AND patient_id = @p0 ORDER BY last_activity_at DESC, id DESC LIMIT @Limit OFFSET @Offset")]
    // Every booking looks up the patient's open episode of the journey (EpisodeStore.FindOpenAsync).
    [InlineData("episodes_patient (org_id=? AND mode=? AND patient_id=?)",
        "SELECT id FROM episodes WHERE patient_id = @patientId AND journey_type = @journeyType AND status <> 'closed' AND org_id = @OrgId AND mode = @Mode ORDER BY last_activity_at DESC, id DESC LIMIT 1")]
    public async Task Query_is_a_range_of_its_index_in_the_order_it_returns(string expectedSearch, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = server.DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var steps = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                steps.Add(reader.GetString(reader.GetOrdinal("detail")));
            }
        }

        var step = Assert.Single(steps);
        Assert.Contains("INDEX " + expectedSearch, step);
        Assert.StartsWith("SEARCH", step);
    }
}
