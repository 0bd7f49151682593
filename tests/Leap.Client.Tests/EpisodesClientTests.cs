using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class EpisodesClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_sends_every_field_get_reads_them_back_and_the_server_stored_them()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var patient = await t.CreatePatientAsync("Ada", "Inbox");
        var due = new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero);

        var created = await sdk.Client.Episodes.CreateAsync(new EpisodeCreate
        {
            PatientId = patient, Title = "Review blood results", Description = "Ferritin low", Status = EpisodeStatus.AwaitingReview,
            Priority = EpisodePriority.High, JourneyType = EpisodeJourneyType.ClinicalResult, SourceType = "lab_result", SourceId = "lab_42",
            ProblemIds = ["prob_1", "prob_2"], Tags = ["bloods"], DueDate = due, ProgrammeId = "prog_7",
            InboxVisibility = EpisodeInboxVisibility.Background, AssignedTo = "usr_gp",
        }, ct: Ct);

        Assert.StartsWith("ep_", created.Id);
        Assert.Equal((patient, "Review blood results", "Ferritin low"), (created.PatientId, created.Title, created.Description));
        Assert.Equal((EpisodeStatus.AwaitingReview, EpisodeResponsibility.Practice, EpisodePriority.High), (created.Status, created.Responsibility, created.Priority));
        Assert.Equal((EpisodeJourneyType.ClinicalResult, "lab_result", "lab_42"), (created.JourneyType, created.SourceType, created.SourceId));
        Assert.Equal(["prob_1", "prob_2"], created.ProblemIds);
        Assert.Equal(["bloods"], created.Tags);
        Assert.Equal((due, "prog_7", EpisodeInboxVisibility.Background), (created.DueDate, created.ProgrammeId, created.InboxVisibility));
        Assert.Equal(("usr_gp", false, (DateTimeOffset?)null), (created.AssignedTo, created.AssignmentLocked, created.ClosedAt));
        Assert.Equal(created.CreatedAt, created.LastActivityAt);

        var fetched = await sdk.Client.Episodes.GetAsync(created.Id, Ct);
        Assert.Equal(created with { ProblemIds = [], Tags = [] }, fetched with { ProblemIds = [], Tags = [] });
        Assert.Equal(created.ProblemIds, fetched.ProblemIds);

        var raw = (await t.Api.GetAsync($"episodes/{created.Id}")).Expect(200).Data;
        Assert.Equal("awaiting_review", raw.GetProperty("status").GetString());
        Assert.Equal("2030-05-01T12:00:00Z", raw.GetProperty("due_date").GetString());
        Assert.Equal(["prob_1", "prob_2"], raw.GetProperty("problem_ids").EnumerateArray().Select(e => e.GetString()));

        var missing = await Assert.ThrowsAsync<LeapValidationException>(() => sdk.Client.Episodes.CreateAsync(
            new EpisodeCreate { PatientId = "pat_0190b2a0-0000-7000-8000-00000000dead", Title = "Nobody's" }, ct: Ct));
        Assert.Equal(["patient_id"], missing.Details.Select(d => d.Field));
    }

    [Fact]
    public async Task List_is_the_inbox_with_filters_and_list_all_follows_the_pages()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var episodes = sdk.Client.Episodes;
        var patient = await t.CreatePatientAsync("Ben", "Busy");
        var other = await t.CreatePatientAsync("Cleo", "Other");
        var low = await episodes.CreateAsync(new EpisodeCreate { PatientId = patient, Title = "Repeat prescription", Priority = EpisodePriority.Low }, ct: Ct);
        var urgent = await episodes.CreateAsync(new EpisodeCreate { PatientId = patient, Title = "Chest pain call back", Priority = EpisodePriority.Urgent, AssignedTo = "usr_duty" }, ct: Ct);
        var waiting = await episodes.CreateAsync(new EpisodeCreate { PatientId = other, Title = "Send photo of rash", Status = EpisodeStatus.PendingPatient }, ct: Ct);

        Assert.Equal([urgent.Id], (await episodes.ListAsync(new() { PriorityIn = [EpisodePriority.High, EpisodePriority.Urgent] }, Ct)).Data.Select(e => e.Id));
        Assert.Equal([urgent.Id], (await episodes.ListAsync(new() { AssignedTo = "usr_duty", StatusIn = [EpisodeStatus.Open] }, Ct)).Data.Select(e => e.Id));
        Assert.Equal([waiting.Id], (await episodes.ListAsync(new() { Responsibility = EpisodeResponsibility.Patient }, Ct)).Data.Select(e => e.Id));
        Assert.Equal([low.Id], (await episodes.ListAsync(new() { Search = "prescription" }, Ct)).Data.Select(e => e.Id));
        Assert.Equal([urgent.Id, low.Id], (await episodes.ListAsync(new() { PatientId = patient }, Ct)).Data.Select(e => e.Id));
        Assert.Empty((await episodes.ListAsync(new() { CreatedAtGte = DateTimeOffset.UtcNow.AddDays(1) }, Ct)).Data);

        // A new event brings an episode to the top of the inbox.
        await episodes.AddEventAsync(low.Id, new EpisodeEventCreate { EventType = EpisodeEventType.Note, Title = "Pharmacy called" }, ct: Ct);
        var page = await episodes.ListAsync(new() { Limit = 2 }, Ct);
        Assert.Equal((low.Id, 2, true, (int?)2), (page.Data[0].Id, page.Data.Count, page.HasMore, page.NextOffset));

        var all = new List<string>();
        await foreach (var episode in episodes.ListAllAsync(new() { Limit = 1 }, Ct))
        {
            all.Add(episode.Id);
        }
        Assert.Equal((await t.Api.GetAsync("episodes?limit=100")).Expect(200).Ids(), all);
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public async Task Update_sends_only_the_fields_set_replaces_lists_and_null_clears()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var episode = await sdk.Client.Episodes.CreateAsync(new EpisodeCreate
        {
            PatientId = await t.CreatePatientAsync(), Title = "Letter", Description = "Draft", Tags = ["a", "b"], ProgrammeId = "prog_1",
        }, ct: Ct);

        var changes = new EpisodeUpdate { Title = "Referral letter", Description = null, Tags = ["c"], Responsibility = EpisodeResponsibility.Patient };
        Assert.Equal(["title", "description", "tags", "responsibility"], changes.FieldNames);
        var updated = await sdk.Client.Episodes.UpdateAsync(episode.Id, changes, Ct);

        Assert.Equal(("Referral letter", (string?)null, "prog_1"), (updated.Title, updated.Description, updated.ProgrammeId));
        Assert.Equal(["c"], updated.Tags);
        Assert.Equal((EpisodeStatus.Open, EpisodeResponsibility.Patient), (updated.Status, updated.Responsibility));
        var raw = (await t.Api.GetAsync($"episodes/{episode.Id}")).Expect(200).Data;
        Assert.Equal(["c"], raw.GetProperty("tags").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, raw.GetProperty("description").ValueKind);
        Assert.Equal("patient", raw.GetProperty("responsibility").GetString());

        var wrong = await Assert.ThrowsAsync<LeapValidationException>(() =>
            sdk.Client.Episodes.UpdateAsync(episode.Id, new EpisodeUpdate { Responsibility = EpisodeResponsibility.None }, Ct));
        Assert.Equal(LeapErrorCodes.ValidationError, wrong.Code);
        Assert.Equal(["responsibility"], wrong.Details.Select(d => d.Field));
    }

    [Fact]
    public async Task Actions_change_status_assignment_and_priority_and_each_leaves_its_event()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var episodes = sdk.Client.Episodes;
        var episode = await episodes.CreateAsync(new EpisodeCreate { PatientId = await t.CreatePatientAsync(), Title = "Follow up" }, ct: Ct);

        var assigned = await episodes.AssignAsync(episode.Id, "usr_nurse", locked: true, note: "Nurse led", ct: Ct);
        Assert.Equal(("usr_nurse", true), (assigned.AssignedTo, assigned.AssignmentLocked));
        var unassigned = await episodes.AssignAsync(episode.Id, null, ct: Ct);
        Assert.Null(unassigned.AssignedTo);
        Assert.Equal(JsonNull(), (await t.Api.GetAsync($"episodes/{episode.Id}")).Expect(200).Data.GetProperty("assigned_to").ValueKind);

        var raised = await episodes.ChangePriorityAsync(episode.Id, EpisodePriority.Urgent, "Deteriorating", Ct);
        Assert.Equal(EpisodePriority.Urgent, raised.Priority);

        var closed = await episodes.CloseAsync(episode.Id, "Resolved by phone", Ct);
        Assert.Equal((EpisodeStatus.Closed, EpisodeResponsibility.None), (closed.Status, closed.Responsibility));
        Assert.NotNull(closed.ClosedAt);
        var again = await Assert.ThrowsAsync<LeapConflictException>(() => episodes.CloseAsync(episode.Id, ct: Ct));
        Assert.Equal((409, LeapErrorCodes.InvalidState, 1), (again.Status, again.Code, again.Attempts));
        var closedAssign = await Assert.ThrowsAsync<LeapConflictException>(() => episodes.AssignAsync(episode.Id, "usr_x", ct: Ct));
        Assert.Equal(LeapErrorCodes.InvalidState, closedAssign.Code);

        var reopened = await episodes.ReopenAsync(episode.Id, "Symptoms back", Ct);
        Assert.Equal((EpisodeStatus.Open, EpisodeResponsibility.Practice, (DateTimeOffset?)null), (reopened.Status, reopened.Responsibility, reopened.ClosedAt));
        var notClosed = await Assert.ThrowsAsync<LeapConflictException>(() => episodes.ReopenAsync(episode.Id, ct: Ct));
        Assert.Equal(LeapErrorCodes.InvalidState, notClosed.Code);

        var timeline = await episodes.ListEventsAsync(episode.Id, ct: Ct);
        Assert.Equal(
            [EpisodeEventType.Assignment, EpisodeEventType.Assignment, EpisodeEventType.PriorityChange, EpisodeEventType.StatusChange, EpisodeEventType.StatusChange],
            timeline.Data.Select(e => e.EventType));
        Assert.All(timeline.Data, e => Assert.Equal((EpisodeEventAuthor.ApiKey, t.Api.KeyId), (e.CreatedByType, e.CreatedBy)));
        Assert.Equal(("usr_nurse", "Nurse led"), (timeline.Data[0].Details!["to"], timeline.Data[0].Details!["note"]));
        Assert.Equal(("medium", "urgent", "Deteriorating"), (timeline.Data[2].Details!["from"], timeline.Data[2].Details!["to"], timeline.Data[2].Details!["note"]));
        Assert.Equal(("closed", "Resolved by phone"), (timeline.Data[3].Details!["to"], timeline.Data[3].Details!["note"]));
        Assert.Equal(("open", "Symptoms back"), (timeline.Data[4].Details!["to"], timeline.Data[4].Details!["note"]));
        Assert.Equal(timeline.Data.Select(e => e.Id), (await t.Api.GetAsync($"episodes/{episode.Id}/events")).Expect(200).Ids());
    }

    [Fact]
    public async Task Events_are_added_read_filtered_and_paged_and_server_only_types_are_refused()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var episodes = sdk.Client.Episodes;
        var episode = await episodes.CreateAsync(new EpisodeCreate { PatientId = await t.CreatePatientAsync(), Title = "Rash" }, ct: Ct);

        var note = await episodes.AddEventAsync(episode.Id, new EpisodeEventCreate
        {
            EventType = EpisodeEventType.Note, Title = "Photo received #Dermatology", Description = "Looks like #eczema",
            CreatedBy = "usr_gp", MentionedUsers = ["usr_nurse"], RelatedObjectType = "document", RelatedObjectId = "doc_1",
        }, ct: Ct);
        Assert.StartsWith("evt_", note.Id);
        Assert.Equal((episode.Id, EpisodeEventType.Note, "usr_gp", EpisodeEventAuthor.User), (note.EpisodeId, note.EventType, note.CreatedBy, note.CreatedByType));
        Assert.Equal(["usr_nurse"], note.MentionedUsers);
        Assert.Equal(["dermatology", "eczema"], note.ExtractedTags.Order());
        Assert.Equal(("document", "doc_1"), (note.RelatedObjectType, note.RelatedObjectId));

        var fetched = await episodes.GetEventAsync(note.Id, Ct);
        Assert.Equal((note.Id, note.Title, note.Description, note.CreatedAt), (fetched.Id, fetched.Title, fetched.Description, fetched.CreatedAt));
        var raw = (await t.Api.GetAsync($"episode-events/{note.Id}")).Expect(200).Data;
        Assert.Equal("Looks like #eczema", raw.GetProperty("description").GetString());

        var call = await episodes.AddEventAsync(episode.Id, new EpisodeEventCreate { EventType = EpisodeEventType.Communication, Title = "Called patient" }, ct: Ct);
        Assert.Equal((EpisodeEventAuthor.ApiKey, t.Api.KeyId), (call.CreatedByType, call.CreatedBy));
        Assert.Equal([call.Id], (await episodes.ListEventsAsync(episode.Id, new() { EventType = EpisodeEventType.Communication }, Ct)).Data.Select(e => e.Id));
        Assert.Equal([note.Id], (await episodes.ListEventsAsync(episode.Id, new() { Search = "photo" }, Ct)).Data.Select(e => e.Id));
        var all = new List<string>();
        await foreach (var e in episodes.ListAllEventsAsync(episode.Id, new() { Limit = 1 }, Ct))
        {
            all.Add(e.Id);
        }
        Assert.Equal([note.Id, call.Id], all);

        var refused = await Assert.ThrowsAsync<LeapValidationException>(() => episodes.AddEventAsync(episode.Id,
            new EpisodeEventCreate { EventType = EpisodeEventType.StatusChange, Title = "Sneaky close" }, ct: Ct));
        Assert.Equal(["event_type"], refused.Details.Select(d => d.Field));
        Assert.Equal(2, (await t.Api.GetAsync($"episodes/{episode.Id}/events")).Expect(200).Ids().Count);

        var noEpisode = await Assert.ThrowsAsync<LeapNotFoundException>(() => episodes.ListEventsAsync("ep_0190b2a0-0000-7000-8000-00000000dead", ct: Ct));
        Assert.Equal(LeapErrorCodes.NotFound, noEpisode.Code);
        await Assert.ThrowsAsync<LeapNotFoundException>(() => episodes.GetEventAsync("evt_0190b2a0-0000-7000-8000-00000000dead", Ct));
    }

    private static System.Text.Json.JsonValueKind JsonNull() => System.Text.Json.JsonValueKind.Null;
}

public sealed class EpisodesClientTestsOnSqlite(SqliteServer server) : EpisodesClientTests(server);
public sealed class EpisodesClientTestsOnPostgres(PostgresServer server) : EpisodesClientTests(server);
