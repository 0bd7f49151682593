using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Episodes;

public sealed class EpisodeStore(Database db)
{
    private const string Columns =
        """
        id, patient_id, title, description, status, responsibility, assigned_to, assignment_locked, priority, journey_type,
        source_type, source_id, problem_ids, tags, due_date, closed_at, programme_id, inbox_visibility, last_activity_at,
        created_at, updated_at
        """;

    private const string EventColumns =
        """
        id, episode_id, event_type, title, description, created_by, created_by_type, mentioned_users, extracted_tags,
        related_object_type, related_object_id, details, created_at, updated_at
        """;

    static EpisodeStore() => TypeHandlers.AddJson(EpisodesJson.Default.IReadOnlyDictionaryStringString);

    public static readonly ListSpec ListSpec = new ListSpec()
        .ExactOrIn("status", "status", EpisodeValues.Statuses)
        .ExactOrIn("priority", "priority", EpisodeValues.Priorities)
        .ExactOrIn("journey_type", "journey_type", EpisodeValues.JourneyTypes)
        .ExactOrIn("responsibility", "responsibility", EpisodeValues.Responsibilities)
        .Exact("inbox_visibility", "inbox_visibility", EpisodeValues.InboxVisibilities)
        .Exact("assigned_to", "assigned_to")
        .Exact("patient_id", "patient_id")
        .Exact("source_type", "source_type")
        .Exact("source_id", "source_id")
        .TimeRange("due_date", "due_date")
        .TimeRange("created_at", "created_at")
        .TimeRange("last_activity_at", "last_activity_at")
        .Contains("search", "title", "description");

    public static readonly ListSpec EventListSpec = new ListSpec()
        .ExactOrIn("event_type", "event_type", EpisodeEventTypes.All)
        .TimeRange("created_at", "created_at")
        .Contains("search", "title", "description");

    public Task<Episode?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Episode>(
            $"SELECT {Columns} FROM episodes WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    /// <summary>Reads an episode inside a write, locked against concurrent changes until the transaction ends.</summary>
    public static Task<Episode?> FindForUpdateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Episode>(new CommandDefinition(
            $"SELECT {Columns} FROM episodes WHERE id = @id AND org_id = @OrgId AND mode = @Mode{Database.RowLock(connection)}",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    /// <summary>The patient's open (not closed) episode of a journey type that was active last, if any.</summary>
    public static Task<Episode?> FindOpenAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string patientId, string journeyType, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Episode>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM episodes
            WHERE patient_id = @patientId AND journey_type = @journeyType AND status <> 'closed' AND org_id = @OrgId AND mode = @Mode
            ORDER BY last_activity_at DESC, id DESC LIMIT 1{Database.RowLock(connection)}
            """,
            new { patientId, journeyType, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    /// <summary>The inbox: most recently active first.</summary>
    public async Task<Page<Episode>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<Episode>(
            $"""
            SELECT {Columns} FROM episodes WHERE org_id = @OrgId AND mode = @Mode{query.Where}
            ORDER BY last_activity_at DESC, id DESC LIMIT @Limit OFFSET @Offset
            """,
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Episode episode, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO episodes (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @PatientId, @Title, @Description, @Status, @Responsibility, @AssignedTo, @AssignmentLocked,
                    @Priority, @JourneyType, @SourceType, @SourceId, @ProblemIds, @Tags, @DueDate, @ClosedAt, @ProgrammeId,
                    @InboxVisibility, @LastActivityAt, @CreatedAt, @UpdatedAt)
            """,
            tenant.With(episode), tx, cancellationToken: ct));

    public static Task UpdateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Episode episode, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE episodes SET title = @Title, description = @Description, status = @Status, responsibility = @Responsibility,
              assigned_to = @AssignedTo, assignment_locked = @AssignmentLocked, priority = @Priority, journey_type = @JourneyType,
              source_type = @SourceType, source_id = @SourceId, problem_ids = @ProblemIds, tags = @Tags, due_date = @DueDate,
              closed_at = @ClosedAt, programme_id = @ProgrammeId, inbox_visibility = @InboxVisibility,
              last_activity_at = @LastActivityAt, updated_at = @UpdatedAt
            WHERE id = @Id AND org_id = @OrgId AND mode = @Mode
            """,
            tenant.With(episode), tx, cancellationToken: ct));

    public Task<EpisodeEvent?> FindEventAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<EpisodeEvent>(
            $"SELECT {EventColumns} FROM episode_events WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    /// <summary>An episode's timeline, oldest first (the order things happened).</summary>
    public async Task<Page<EpisodeEvent>> ListEventsAsync(Tenant tenant, string episodeId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"episode_id = {query.Bind(episodeId)}");
        var rows = await db.QueryAsync<EpisodeEvent>(
            $"SELECT {EventColumns} FROM episode_events WHERE org_id = @OrgId AND mode = @Mode{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    /// <summary>Appends an event and marks its episode active.</summary>
    public static Task InsertEventAsync(DbConnection connection, DbTransaction tx, Tenant tenant, EpisodeEvent evt, CancellationToken ct) =>
        // One command for both statements: one call into the driver (on PostgreSQL, one round trip).
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO episode_events (org_id, mode, {EventColumns})
            VALUES (@OrgId, @Mode, @Id, @EpisodeId, @EventType, @Title, @Description, @CreatedBy, @CreatedByType, @MentionedUsers,
                    @ExtractedTags, @RelatedObjectType, @RelatedObjectId, @Details, @CreatedAt, @UpdatedAt);
            UPDATE episodes SET last_activity_at = @CreatedAt WHERE id = @EpisodeId AND org_id = @OrgId AND mode = @Mode AND last_activity_at < @CreatedAt
            """,
            tenant.With(evt), tx, cancellationToken: ct));
}
