using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Episodes;

public static class EpisodeStore
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
        .Id("assigned_to", "assigned_to", Ids.User)
        .Id("patient_id", "patient_id", Ids.Patient)
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

    /// <summary>An episode; inside a write, locked against concurrent changes until the transaction ends.</summary>
    public static Task<Episode?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<Episode>($"SELECT {Columns} FROM episodes WHERE id = @id AND {TenantSql.Filter}{db.RowLock()}", new { id }, ct);

    /// <summary>
    /// Where a patient's event lands: <paramref name="preferredId"/> (the record's own episode) while it is open and the
    /// patient's, else the patient's open (not closed) episode of the journey type that was active last, if any. One
    /// query; inside a write the episode is locked until the transaction ends.
    /// </summary>
    public static Task<Episode?> FindOpenAsync(TenantDb db, string patientId, string journeyType, string? preferredId, CancellationToken ct) =>
        db.SingleAsync<Episode>(
            $"""
            SELECT {Columns} FROM episodes
            WHERE patient_id = @patientId AND (journey_type = @journeyType OR id = @preferredId) AND status <> 'closed' AND {TenantSql.Filter}
            ORDER BY CASE WHEN id = @preferredId THEN 0 ELSE 1 END, last_activity_at DESC, id DESC LIMIT 1{db.RowLock()}
            """,
            new { patientId, journeyType, preferredId }, ct);

    /// <summary>The inbox: most recently active first.</summary>
    public static Task<Page<Episode>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<Episode>(
            $"""
            SELECT {Columns} FROM episodes WHERE {TenantSql.Filter}{query.Where}
            ORDER BY last_activity_at DESC, id DESC LIMIT @Limit OFFSET @Offset
            """,
            query, ct);

    public static Task InsertAsync(TenantDb db, Episode episode, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO episodes ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @PatientId, @Title, @Description, @Status, @Responsibility, @AssignedTo, @AssignmentLocked,
                    @Priority, @JourneyType, @SourceType, @SourceId, @ProblemIds, @Tags, @DueDate, @ClosedAt, @ProgrammeId,
                    @InboxVisibility, @LastActivityAt, @CreatedAt, @UpdatedAt)
            """,
            episode, ct);

    public static Task UpdateAsync(TenantDb db, Episode episode, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            UPDATE episodes SET title = @Title, description = @Description, status = @Status, responsibility = @Responsibility,
              assigned_to = @AssignedTo, assignment_locked = @AssignmentLocked, priority = @Priority, journey_type = @JourneyType,
              source_type = @SourceType, source_id = @SourceId, problem_ids = @ProblemIds, tags = @Tags, due_date = @DueDate,
              closed_at = @ClosedAt, programme_id = @ProgrammeId, inbox_visibility = @InboxVisibility,
              last_activity_at = @LastActivityAt, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            episode, ct);

    public static Task<EpisodeEvent?> FindEventAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<EpisodeEvent>($"SELECT {EventColumns} FROM episode_events WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    /// <summary>An episode's timeline, oldest first (the order things happened).</summary>
    public static Task<Page<EpisodeEvent>> ListEventsAsync(TenantDb db, string episodeId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"episode_id = {query.Bind(episodeId)}");
        return db.PageAsync<EpisodeEvent>(
            $"SELECT {EventColumns} FROM episode_events WHERE {TenantSql.Filter}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);
    }

    /// <summary>Appends an event and marks its episode active.</summary>
    public static Task InsertEventAsync(TenantDb db, EpisodeEvent evt, CancellationToken ct) =>
        // One command for both statements: one call into the driver (on PostgreSQL, one round trip).
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO episode_events ({TenantSql.Columns}, {EventColumns})
            VALUES ({TenantSql.Values}, @Id, @EpisodeId, @EventType, @Title, @Description, @CreatedBy, @CreatedByType, @MentionedUsers,
                    @ExtractedTags, @RelatedObjectType, @RelatedObjectId, @Details, @CreatedAt, @UpdatedAt);
            UPDATE episodes SET last_activity_at = @CreatedAt WHERE id = @EpisodeId AND {TenantSql.Filter} AND last_activity_at < @CreatedAt
            """,
            evt, ct);
}
