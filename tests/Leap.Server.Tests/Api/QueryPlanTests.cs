using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Api;

/// <summary>
/// These are the queries a clinic sends most, written as the stores send them: each must be a range of the
/// index built for it, not a walk through the whole organisation's rows, both before any statistics exist (the
/// planner picks indexes by their shape alone) and once housekeeping has gathered them.
/// </summary>
public sealed class QueryPlanTests(SqliteServer server)
{
    public static TheoryData<string, string> Plans => new()
    {
        {
            "appointments_patient (org_id=? AND mode=? AND patient_id=?)",
            "SELECT id FROM appointments WHERE org_id = @OrgId AND mode = @Mode AND patient_id = @p0 ORDER BY start_time, id LIMIT @Limit OFFSET @Offset"
        },
        {
            "appointments_clinician (org_id=? AND mode=? AND clinician_profile_id=? AND start_time>?)",
            "SELECT id FROM appointments WHERE org_id = @OrgId AND mode = @Mode AND clinician_profile_id = @p0 AND start_time >= @p1 ORDER BY start_time, id LIMIT @Limit OFFSET @Offset"
        },
        {
            "appointments_episode (org_id=? AND mode=? AND episode_id=?)",
            "SELECT id FROM appointments WHERE org_id = @OrgId AND mode = @Mode AND episode_id = @p0 ORDER BY start_time, id LIMIT @Limit OFFSET @Offset"
        },
        {
            "episodes_patient (org_id=? AND mode=? AND patient_id=?)",
            "SELECT id FROM episodes WHERE org_id = @OrgId AND mode = @Mode AND patient_id = @p0 ORDER BY last_activity_at DESC, id DESC LIMIT @Limit OFFSET @Offset"
        },
        // Every booking looks up the patient's open episode of the journey (EpisodeStore.FindOpenAsync).
        {
            "episodes_patient (org_id=? AND mode=? AND patient_id=?)",
            "SELECT id FROM episodes WHERE patient_id = @patientId AND journey_type = @journeyType AND status <> 'closed' AND org_id = @OrgId AND mode = @Mode ORDER BY last_activity_at DESC, id DESC LIMIT 1"
        },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public Task Query_is_a_range_of_its_index_in_the_order_it_returns(string expectedSearch, string sql) =>
        AssertRangeOfIndexAsync(expectedSearch, sql);

    [Fact]
    public async Task Housekeeping_gathers_statistics_and_the_plans_hold()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var clinician = await t.CreateClinicianAsync();
        var template = await t.CreateTemplateAsync();
        for (var day = 1; day <= 40; day++)
        {
            (await t.Api.PostAsync("appointments", new
            {
                patient_id = patient, clinician_profile_id = clinician, appointment_template_id = template, title = "Review",
                start_time = $"2031-{1 + day / 28:00}-{1 + day % 28:00}T09:00:00Z",
                end_time = $"2031-{1 + day / 28:00}-{1 + day % 28:00}T09:30:00Z",
            })).Expect(201);
        }

        await server.Services.GetRequiredService<Housekeeping>().RunOnceAsync(TestContext.Current.CancellationToken);

        var analyzed = await server.Services.GetRequiredService<Database>().Raw().ListAsync<string>("SELECT DISTINCT tbl FROM sqlite_stat1");
        Assert.Contains("appointments", analyzed);
        Assert.Contains("episodes", analyzed);
        foreach (var plan in Plans)
        {
            await AssertRangeOfIndexAsync(plan.Data.Item1, plan.Data.Item2);
        }
    }

    private async Task AssertRangeOfIndexAsync(string expectedSearch, string sql)
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
