using System.Text.Json.Nodes;
using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Client.Tests;

/// <summary>
/// Calls whose first answer is lost after the server did the work (the connection drops): the retry must end
/// with the outcome the caller asked for, and the server must hold it once.
/// </summary>
public abstract class LostAnswerTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Setup(TestTenant T, LeapAppFactory App, FaultInjection Faults, Sdk Sdk) : IAsyncDisposable
    {
        public LeapClient Client => Sdk.Client;

        public async ValueTask DisposeAsync()
        {
            Sdk.Dispose();
            await App.DisposeAsync();
        }
    }

    private async Task<Setup> ArrangeAsync()
    {
        var t = await server.NewTenantAsync();
        var faults = new FaultInjection();
        var app = server.StartAnotherServer(services: s => s.AddSingleton<IStartupFilter>(faults));
        return new Setup(t, app, faults, new Sdk(app.BaseUrl + "/api/v1", t.Api.Key!));
    }

    [Fact]
    public async Task A_close_whose_answer_was_lost_returns_the_closed_episode_and_records_one_status_change()
    {
        await using var s = await ArrangeAsync();
        var episode = await s.Client.Episodes.CreateAsync(new EpisodeCreate { PatientId = await s.T.CreatePatientAsync(), Title = "Lost" }, ct: Ct);
        s.Faults.Plan("POST", "/close", new FaultInjection.LoseResponse());

        var closed = await s.Client.Episodes.CloseAsync(episode.Id, "Done", Ct);

        Assert.Equal(EpisodeStatus.Closed, closed.Status);
        Assert.Equal(2, s.Faults.KeysSeen.Count);
        Assert.Single((await s.T.Api.GetAsync($"episodes/{episode.Id}/events?event_type=status_change")).Expect(200).Ids());
    }

    [Fact]
    public async Task An_event_whose_answer_was_lost_is_stored_once()
    {
        await using var s = await ArrangeAsync();
        var episode = await s.Client.Episodes.CreateAsync(new EpisodeCreate { PatientId = await s.T.CreatePatientAsync(), Title = "Notes" }, ct: Ct);
        s.Faults.Plan("POST", "/events", new FaultInjection.LoseResponse());

        var note = await s.Client.Episodes.AddEventAsync(episode.Id, new EpisodeEventCreate { EventType = EpisodeEventType.Note, Title = "Once" }, ct: Ct);

        // Two attempts under one Idempotency-Key: the second is answered with the stored first.
        Assert.Equal(2, s.Faults.KeysSeen.Count);
        Assert.NotNull(Assert.Single(s.Faults.KeysSeen.Distinct()));
        Assert.Equal([note.Id], (await s.T.Api.GetAsync($"episodes/{episode.Id}/events")).Expect(200).Ids());
    }

    [Fact]
    public async Task A_template_edit_whose_answer_was_lost_makes_one_version()
    {
        await using var s = await ArrangeAsync();
        var form = await s.Client.QuestionnaireTemplates.CreateAsync(new QuestionnaireTemplateCreate
        {
            Title = "Lost edit", Schema = new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["key"] = "ok", ["label"] = "OK?", ["type"] = "boolean" }) },
        }, ct: Ct);
        s.Faults.Plan("PATCH", "/" + form.Id, new FaultInjection.LoseResponse());

        var edited = await s.Client.QuestionnaireTemplates.UpdateAsync(form.Id, new QuestionnaireTemplateUpdate { Title = "Edited once" }, ct: Ct);

        Assert.Equal((2, "Edited once"), (edited.Version, edited.Title));
        Assert.Equal(2, s.Faults.KeysSeen.Count);
        Assert.NotNull(Assert.Single(s.Faults.KeysSeen.Distinct()));
        Assert.Equal(2, (await s.T.Api.GetAsync($"questionnaire-templates/{form.Id}")).Expect(200).Data.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task A_delete_whose_answer_was_lost_reports_the_deletion()
    {
        await using var s = await ArrangeAsync();
        var rule = await s.Client.PathwayRules.CreateAsync(new PathwayRuleCreate { TriggerType = PathwayTrigger.InvoiceCreated, RuleName = "Gone", Priority = 3 }, ct: Ct);
        s.Faults.Plan("DELETE", "/" + rule.Id, new FaultInjection.LoseResponse());

        var deleted = await s.Client.PathwayRules.DeleteAsync(rule.Id, Ct);

        Assert.Equal((rule.Id, true), (deleted.Id, deleted.Deleted));
        Assert.Equal(2, s.Faults.KeysSeen.Count);
        (await s.T.Api.GetAsync($"pathway-rules/{rule.Id}")).ExpectError(404, "NOT_FOUND");
    }
}

public sealed class LostAnswerTestsOnSqlite(SqliteServer server) : LostAnswerTests(server);
public sealed class LostAnswerTestsOnPostgres(PostgresServer server) : LostAnswerTests(server);
