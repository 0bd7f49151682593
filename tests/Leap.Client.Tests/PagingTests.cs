using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class PagingTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record FivePatients(Sdk Sdk, List<string> Ids) : IDisposable
    {
        public LeapClient Client => Sdk.Client;

        public void Dispose() => Sdk.Dispose();
    }

    private async Task<FivePatients> FivePatientsAsync()
    {
        var t = await server.NewTenantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await t.CreatePatientAsync($"Page{i}", "Patient"));
        }
        return new FivePatients(Sdk.For(t), ids);
    }

    [Fact]
    public async Task A_page_reports_limit_next_offset_and_has_more()
    {
        using var five = await FivePatientsAsync();

        var first = await five.Client.Patients.ListAsync(new() { Limit = 2 }, Ct);
        var last = await five.Client.Patients.ListAsync(new() { Limit = 2, Offset = 4 }, Ct);

        Assert.Equal(five.Ids[..2], first.Data.Select(p => p.Id));
        Assert.Equal((2, 2, true), (first.Limit, first.NextOffset, first.HasMore));
        Assert.Equal(five.Ids[4..], last.Data.Select(p => p.Id));
        Assert.Equal(((int?)null, false), (last.NextOffset, last.HasMore));
        Assert.Equal(["?limit=2", "?limit=2&offset=4"], five.Sdk.Handler.Attempts.Select(a => a.Query));
    }

    [Fact]
    public async Task ListAll_follows_next_offset_through_every_page()
    {
        using var five = await FivePatientsAsync();

        var all = new List<string>();
        await foreach (var patient in five.Client.Patients.ListAllAsync(new() { Search = "patient", Limit = 2 }, Ct))
        {
            all.Add(patient.Id);
        }

        Assert.Equal(five.Ids, all);
        Assert.Equal(["?search=patient&limit=2", "?search=patient&limit=2&offset=2", "?search=patient&limit=2&offset=4"],
            five.Sdk.Handler.Attempts.Select(a => a.Query));
    }

    [Fact]
    public async Task ListAll_fetches_a_page_only_when_the_caller_gets_there()
    {
        using var five = await FivePatientsAsync();

        var firstThree = await five.Client.Patients.ListAllAsync(new() { Limit = 2 }, Ct).Take(3).ToListAsync(Ct);

        Assert.Equal(five.Ids[..3], firstThree.Select(p => p.Id));
        Assert.Equal(2, five.Sdk.Handler.Attempts.Count);
    }

    [Fact]
    public async Task ListAll_stops_when_cancelled()
    {
        using var five = await FivePatientsAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in five.Client.Patients.ListAllAsync(new() { Limit = 2 }, cancel.Token))
            {
                if (++seen == 2)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(2, seen);
        Assert.Single(five.Sdk.Handler.Attempts);
    }
}

public sealed class PagingTestsOnSqlite(SqliteServer server) : PagingTests(server);
public sealed class PagingTestsOnPostgres(PostgresServer server) : PagingTests(server);
