using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Pathways;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Leap.Server.Tests.Routing;

/// <summary>
/// The routing queue (docs/appointments.md, "Routing"): a change is answered once committed, and its pathway trigger
/// and webhook event follow from the queue, in order per patient, once each, across a crash. Each test has a database
/// of its own, whose servers route only when the test says so.
/// </summary>
public abstract class RoutingQueueTests(LeapFixture database) : IAsyncDisposable
{
    private const string Phq2 = "qt_0190b2a0-0000-7000-8000-000000000002";

    private readonly List<IAsyncDisposable> cleanup = [];

    /// <summary>A practice on a database of its own, served in-process by a server that routes nothing by itself.</summary>
    private sealed record Practice(LeapAppFactory Host, ApiClient Api, Tenant Tenant, Dictionary<string, string?> Settings)
    {
        public Database Database => Host.Services.GetRequiredService<Database>();
        public TenantDb Db => Database.ForTenant(Tenant);
        public RoutingWorker Worker => Host.Services.GetRequiredService<RoutingWorker>();

        public async Task<string> PatientAsync(string name) =>
            (await Api.PostAsync("patients", new { first_name = name, last_name = "Routed", date_of_birth = "1980-02-03" })).Expect(201).Id;

        public async Task<string> BookAsync(string patient, string start, string? key = null) =>
            (await Api.PostAsync("appointments", new { title = "Visit", patient_id = patient, start_time = start, end_time = start.Replace(":00:00Z", ":30:00Z") }, key))
            .Expect(201).Id;

        /// <summary>Routes batch after batch until nothing is due; returns how many rows each batch routed.</summary>
        public async Task<IReadOnlyList<int>> RouteAllAsync()
        {
            var batches = new List<int>();
            while (batches.Count == 0 || batches[^1] > 0)
            {
                batches.Add(await Worker.RunOnceAsync(CancellationToken.None));
            }
            return batches;
        }

        public Task<IReadOnlyList<(string SubjectId, string Change, long Attempts, string? LastError)>> QueueAsync() =>
            Db.ListAsync<(string, string, long, string?)>($"SELECT subject_id, change, attempts, last_error FROM routing_queue WHERE {TenantSql.Filter} ORDER BY seq");

        /// <summary>The appointment and questionnaire-response events recorded for webhooks, oldest first.</summary>
        public async Task<IReadOnlyList<JsonElement>> RecordEventsAsync() =>
            (await Db.ListAsync<string>($"SELECT payload FROM webhook_events WHERE {TenantSql.Filter} ORDER BY id"))
            .Select(p => JsonDocument.Parse(p).RootElement)
            .Where(e => e.GetProperty("type").GetString()!.StartsWith("appointment.", StringComparison.Ordinal)
                        || e.GetProperty("type").GetString()!.StartsWith("questionnaire_response.", StringComparison.Ordinal))
            .ToList();

        public async Task<IReadOnlyList<JsonElement>> EpisodesAsync(string patient) =>
            (await Api.GetAsync($"episodes?patient_id={patient}")).Expect(200).Data.EnumerateArray().ToList();

        /// <summary>An episode's timeline as (event type, the trigger that wrote it, the record it is about), oldest first.</summary>
        public async Task<IReadOnlyList<(string? Type, string? Trigger, string? About)>> TimelineAsync(string episode) =>
            (await Api.GetAsync($"episodes/{episode}/events?limit=100")).Expect(200).Data.EnumerateArray()
            .Select(e => (e.GetProperty("event_type").GetString(),
                e.GetProperty("details").ValueKind == JsonValueKind.Object && e.GetProperty("details").TryGetProperty("trigger", out var t) ? t.GetString() : null,
                e.GetProperty("related_object_id").GetString()))
            .ToList();

        public async Task<string?> EpisodeOfAsync(string resource, string id) => (await Api.GetAsync($"{resource}/{id}")).Expect(200).Data.GetProperty("episode_id").GetString();
    }

    private async Task<Practice> PracticeAsync(Action<IServiceCollection>? services = null)
    {
        var settings = database.NewIsolatedDatabase();
        settings["Webhooks:DeliveryEnabled"] = "false";
        var hosted = new Dictionary<string, string?>(settings) { ["Routing:Enabled"] = "false" };
        var host = new LeapAppFactory(hosted, services);
        cleanup.Add(host);
        var accounts = host.Services.GetRequiredService<AccountStore>();
        var organisation = await accounts.CreateOrganisationAsync("Routing test org");
        var (_, secret) = await accounts.CreateKeyAsync(organisation.Id, "k", Modes.Test, Scopes.All);
        var practice = new Practice(host, new ApiClient(host.CreateHttpClient(), secret), new Tenant(organisation.Id, Modes.Test), settings);
        // Every event is recorded for this endpoint (nothing listens: these tests look at what is recorded).
        (await practice.Api.PostAsync("webhooks", new { url = "https://127.0.0.1:1/hooks", events = new[] { "*" } })).Expect(201);
        return practice;
    }

    [Fact]
    public async Task Changes_are_answered_before_routing_then_routed_in_order_per_patient_and_once()
    {
        var p = await PracticeAsync();
        var patient = await p.PatientAsync("Ordered");
        var other = await p.PatientAsync("Parallel");
        var answer = (await p.Api.PostAsync("appointments", new
        {
            title = "Visit", patient_id = patient, start_time = "2031-04-07T09:00:00Z", end_time = "2031-04-07T09:30:00Z",
        })).Expect(201).Data;
        var first = answer.GetProperty("id").GetString()!;
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("episode_id").ValueKind);
        (await p.Api.PatchAsync($"appointments/{first}", new { start_time = "2031-04-08T09:00:00Z" })).Expect(200);
        (await p.Api.PostAsync($"appointments/{first}/cancel", new { cancellation_reason = "Away" })).Expect(200);
        var second = await p.BookAsync(patient, "2031-04-09T09:00:00Z");
        var response = (await p.Api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, patient_id = patient, responses = new { little_interest = 1, feeling_down = 1 } }))
            .Expect(201).Id;
        var parallel = await p.BookAsync(other, "2031-04-07T10:00:00Z");

        // Committed and answered, not routed: the queue holds every change in order, and nothing of routing exists yet.
        Assert.Equal(
            [(first, "appointment.created"), (first, "appointment.rescheduled"), (first, "appointment.cancelled"), (second, "appointment.created"),
             (response, "questionnaire_response.created"), (parallel, "appointment.created")],
            (await p.QueueAsync()).Select(q => (q.SubjectId, q.Change)));
        Assert.Empty((await p.Api.GetAsync("episodes")).Expect(200).Ids());
        Assert.Empty(await p.RecordEventsAsync());

        // Each batch takes the next change of each patient: the other patient's booking goes with the first one.
        Assert.Equal([2, 1, 1, 1, 1, 0], await p.RouteAllAsync());
        Assert.Empty(await p.QueueAsync());

        var episodes = await p.EpisodesAsync(patient);
        Assert.Equal(["appointment", "questionnaire"], episodes.Select(e => e.GetProperty("journey_type").GetString()).Order(StringComparer.Ordinal));
        var episode = episodes.Single(e => e.GetProperty("journey_type").GetString() == "appointment").GetProperty("id").GetString()!;
        var screening = episodes.Single(e => e.GetProperty("journey_type").GetString() == "questionnaire").GetProperty("id").GetString()!;
        Assert.Equal(
            [("appointment", "appointment.booked", first), ("appointment", "appointment.rescheduled", first), ("appointment", "appointment.cancelled", first),
             ("status_change", null, null), ("appointment", "appointment.booked", second), ("status_change", null, null)],
            await p.TimelineAsync(episode));
        Assert.Equal("pending_patient", episodes.Single(e => e.GetProperty("id").GetString() == episode).GetProperty("status").GetString());
        Assert.Equal(episode, await p.EpisodeOfAsync("appointments", first));
        Assert.Equal(episode, await p.EpisodeOfAsync("appointments", second));
        Assert.Equal(screening, await p.EpisodeOfAsync("questionnaire-responses", response));
        Assert.Single(await p.EpisodesAsync(other));

        // One webhook event per change, recorded by routing in the order of the changes, each naming the episode.
        var events = await p.RecordEventsAsync();
        Assert.Equal(
            [("appointment.created", first), ("appointment.created", parallel), ("appointment.rescheduled", first), ("appointment.cancelled", first),
             ("appointment.created", second), ("questionnaire_response.created", response)],
            events.Select(e => (e.GetProperty("type").GetString(), e.GetProperty("data").GetProperty("object").GetProperty("id").GetString())));
        var created = events[0].GetProperty("data");
        Assert.Equal(episode, created.GetProperty("object").GetProperty("episode_id").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("previous").ValueKind);
        var cancelled = events[3].GetProperty("data");
        Assert.Equal(("cancelled", episode), (cancelled.GetProperty("object").GetProperty("status").GetString(), cancelled.GetProperty("object").GetProperty("episode_id").GetString()));
        Assert.Equal(("confirmed", episode), (cancelled.GetProperty("previous").GetProperty("status").GetString(), cancelled.GetProperty("previous").GetProperty("episode_id").GetString()));
        Assert.Equal(screening, events[5].GetProperty("data").GetProperty("object").GetProperty("episode_id").GetString());

        // Nothing is left to route, and routing again changes nothing.
        Assert.Equal([0], await p.RouteAllAsync());
        Assert.Equal(events.Count, (await p.RecordEventsAsync()).Count);
        Assert.Equal(6, (await p.TimelineAsync(episode)).Count);
    }

    [Fact]
    public async Task A_change_that_cannot_be_routed_waits_with_its_patients_later_changes_while_other_patients_are_routed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var p = await PracticeAsync(s => s.AddSingleton<TimeProvider>(clock));
        var stuck = await p.PatientAsync("Stuck");
        var free = await p.PatientAsync("Free");
        var booking = await p.BookAsync(stuck, "2031-05-05T09:00:00Z");
        (await p.Api.PostAsync($"appointments/{booking}/cancel")).Expect(200);
        var unaffected = await p.BookAsync(free, "2031-05-05T10:00:00Z");
        // A row the worker cannot read stands in for any failure of routing.
        var raw = p.Database.Raw();
        var original = await raw.ScalarAsync<string>("SELECT after_json FROM routing_queue WHERE subject_id = @booking AND change = 'appointment.created'", new { booking });
        await raw.WriteAsync("UPDATE routing_queue SET after_json = '{' WHERE subject_id = @booking AND change = 'appointment.created'", new { booking });

        Assert.Equal(1, await p.Worker.RunOnceAsync(CancellationToken.None));
        Assert.Equal(unaffected, (await p.RecordEventsAsync()).Single().GetProperty("data").GetProperty("object").GetProperty("id").GetString());
        var waiting = await p.QueueAsync();
        Assert.Equal([(booking, "appointment.created", 1L), (booking, "appointment.cancelled", 0L)], waiting.Select(w => (w.SubjectId, w.Change, w.Attempts)));
        Assert.False(string.IsNullOrEmpty(waiting[0].LastError));
        // Not due again yet: its patient's cancellation waits behind it, however often the worker runs.
        Assert.Equal([0], await p.RouteAllAsync());
        Assert.Empty(await p.EpisodesAsync(stuck));

        await raw.WriteAsync("UPDATE routing_queue SET after_json = @original WHERE subject_id = @booking AND change = 'appointment.created'", new { booking, original });
        clock.Advance(RoutingOptions.RetryDelay(1));
        Assert.Equal([1, 1, 0], await p.RouteAllAsync());
        var episode = Assert.Single(await p.EpisodesAsync(stuck)).GetProperty("id").GetString()!;
        Assert.Equal(
            [("appointment", "appointment.booked", booking), ("appointment", "appointment.cancelled", booking), ("status_change", null, null)],
            await p.TimelineAsync(episode));
    }

    /// <summary>
    /// A claim looks from where the last one started, not from the start of the queue (RoutingWorker): a row that commits
    /// after rows queued later than it were routed lies behind that point, and must still be routed.
    /// </summary>
    [Fact]
    public async Task A_change_committed_after_later_ones_were_routed_is_still_routed()
    {
        Assert.SkipWhen(database.Engine != Engine.Postgres, "Only PostgreSQL commits writes side by side; SQLite's one writer commits them in order.");
        var p = await PracticeAsync();
        var late = await p.BookAsync(await p.PatientAsync("Late"), "2031-05-05T09:00:00Z");

        // The booking's row is queued again by a transaction that stays open while a later change is queued and routed:
        // its new row's seq is lower than the later one's, and it becomes visible only after that one was routed.
        var queued = new TaskCompletionSource();
        var commit = new TaskCompletionSource();
        var requeue = p.Database.CrossTenant("routing test").WriteAsync(async write =>
        {
            await write.ExecuteAsync(
                """
                INSERT INTO routing_queue (org_id, mode, patient_id, subject_type, subject_id, change, after_json, before_json, attempts, due_at, created_at, actor_type, actor_id)
                SELECT org_id, mode, patient_id, subject_type, subject_id, change, after_json, before_json, attempts, due_at, created_at, actor_type, actor_id
                FROM routing_queue WHERE subject_id = @late;
                DELETE FROM routing_queue WHERE subject_id = @late AND seq = (SELECT MIN(seq) FROM routing_queue WHERE subject_id = @late)
                """, new { late });
            queued.SetResult();
            await commit.Task;
            return 0;
        });
        await queued.Task;
        var later = await p.BookAsync(await p.PatientAsync("Later"), "2031-05-05T11:00:00Z");
        Assert.Equal(1, await p.Worker.RunOnceAsync(CancellationToken.None));
        commit.SetResult();
        await requeue;

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await p.QueueAsync()).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The change that committed late was never routed.");
            await p.Worker.RunOnceAsync(CancellationToken.None);
            await Task.Delay(50);
        }
        Assert.Equal(new[] { late, later }.Order(StringComparer.Ordinal),
            (await p.RecordEventsAsync()).Select(e => e.GetProperty("data").GetProperty("object").GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Changes_committed_before_a_SIGKILL_are_routed_once_by_the_restarted_server()
    {
        var p = await PracticeAsync();
        var patient = await p.PatientAsync("Survivor");
        var killed = await ServerProcess.StartAsync(new Dictionary<string, string?>(p.Settings) { ["Routing:Enabled"] = "false" });
        cleanup.Add(killed);
        var api = p.Api.Via(killed.CreateHttpClient());
        var bookings = new List<string>();
        for (var day = 1; day <= 4; day++)
        {
            bookings.Add((await api.PostAsync("appointments", new
            {
                title = "Visit", patient_id = patient, start_time = $"2031-06-0{day}T09:00:00Z", end_time = $"2031-06-0{day}T09:30:00Z",
            }, Guid.NewGuid().ToString())).Expect(201).Id);
        }
        (await api.PostAsync($"appointments/{bookings[0]}/cancel")).Expect(200);
        (await api.PatchAsync($"appointments/{bookings[1]}", new { start_time = "2031-06-10T09:00:00Z" })).Expect(200);
        var response = (await api.PostAsync("questionnaire-responses", new { questionnaire_id = Phq2, patient_id = patient, responses = new { little_interest = 0, feeling_down = 1 } }))
            .Expect(201).Id;
        await killed.KillAsync();
        Assert.Equal(7, (await p.QueueAsync()).Count);
        Assert.Empty(await p.RecordEventsAsync());

        await using var restarted = await ServerProcess.StartAsync(p.Settings);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await p.QueueAsync()).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The restarted server did not route what the killed one left queued.");
            await Task.Delay(25);
        }

        var events = await p.RecordEventsAsync();
        Assert.Equal(
            bookings.Select(b => ("appointment.created", b))
                .Concat([("appointment.cancelled", bookings[0]), ("appointment.rescheduled", bookings[1]), ("questionnaire_response.created", response)])
                .Order(),
            events.Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("data").GetProperty("object").GetProperty("id").GetString()!)).Order());
        var episodes = await p.EpisodesAsync(patient);
        Assert.Equal(2, episodes.Count);
        var episode = episodes.Single(e => e.GetProperty("journey_type").GetString() == "appointment").GetProperty("id").GetString()!;
        var timeline = await p.TimelineAsync(episode);
        Assert.All(bookings, b => Assert.Single(timeline, e => e == ("appointment", "appointment.booked", b)));
        Assert.Single(timeline, e => e == ("appointment", "appointment.cancelled", bookings[0]));
        Assert.Single(timeline, e => e == ("appointment", "appointment.rescheduled", bookings[1]));
        foreach (var booking in bookings)
        {
            Assert.Equal(episode, await p.EpisodeOfAsync("appointments", booking));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var item in Enumerable.Reverse(cleanup))
        {
            await item.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class RoutingQueueTestsOnSqlite(SqliteServer server) : RoutingQueueTests(server);
public sealed class RoutingQueueTestsOnPostgres(PostgresServer server) : RoutingQueueTests(server);
