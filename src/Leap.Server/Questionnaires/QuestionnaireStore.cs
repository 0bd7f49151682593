using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Questionnaires;

public static class QuestionnaireStore
{
    private const string TemplateColumns =
        """
        id, questionnaire_id, title, description, schema, category, tags, is_clinical, version, is_active, key,
        org_id IS NULL AS is_system, created_at, updated_at
        """;

    private const string ResponseColumns =
        """
        id, questionnaire_id, questionnaire_version, patient_id, appointment_id, episode_id, responses, submitted_at, submitted_by_patient, is_pre_booking,
        created_at, updated_at
        """;

    /// <summary>The organisation's own templates (in the key's mode) and the system ones.</summary>
    private const string VisibleTemplates = "((org_id = @OrgId AND mode = @Mode) OR org_id IS NULL)";

    static QuestionnaireStore() => TypeHandlers.AddJson(QuestionnairesJson.Default.JsonElement);

    public static readonly ListSpec TemplateListSpec = new ListSpec()
        .Contains("search", "title")
        .Exact("category", "category")
        .Bool("is_clinical", "is_clinical")
        .Bool("is_active", "is_active")
        .Exact("key", "key")
        .TimeRange("created_at", "created_at");

    public static readonly ListSpec ResponseListSpec = new ListSpec()
        .Id("patient_id", "patient_id", Ids.Patient)
        .Id("questionnaire_id", "questionnaire_id", Ids.QuestionnaireTemplate)
        .Id("episode_id", "episode_id", Ids.Episode)
        .Id("appointment_id", "appointment_id", Ids.Appointment)
        .Bool("is_pre_booking", "is_pre_booking")
        .TimeRange("submitted_at", "submitted_at")
        .TimeRange("created_at", "created_at");

    public static Task<QuestionnaireTemplate?> FindTemplateAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<QuestionnaireTemplate>($"SELECT {TemplateColumns} FROM questionnaire_templates WHERE id = @id AND {VisibleTemplates}", new { id }, ct);

    /// <summary>
    /// The template as it was at <paramref name="version"/>: that version's title, description and questions (and
    /// <c>updated_at</c>: when the version was made), the rest as the template is now.
    /// </summary>
    public static Task<QuestionnaireTemplate?> FindTemplateVersionAsync(TenantDb db, string id, int version, CancellationToken ct) =>
        db.SingleAsync<QuestionnaireTemplate>(
            $"""
            SELECT t.id, t.questionnaire_id, v.title, v.description, v.schema, t.category, t.tags, t.is_clinical, v.version, t.is_active, t.key,
              t.org_id IS NULL AS is_system, t.created_at, v.created_at AS updated_at
            FROM questionnaire_template_versions v JOIN questionnaire_templates t ON t.id = v.template_id
            WHERE v.template_id = @id AND v.version = @version AND ({TenantSql.Of("t")} OR t.org_id IS NULL)
            """,
            new { id, version }, ct);

    /// <summary>The organisation's own template, to change: locked until the transaction ends (system templates are not found).</summary>
    public static Task<QuestionnaireTemplate?> FindOwnTemplateAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<QuestionnaireTemplate>(
            $"SELECT {TemplateColumns} FROM questionnaire_templates WHERE id = @id AND {TenantSql.Filter}{db.RowLock()}", new { id }, ct);

    public static Task<Page<QuestionnaireTemplate>> ListTemplatesAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<QuestionnaireTemplate>(
            $"SELECT {TemplateColumns} FROM questionnaire_templates WHERE {VisibleTemplates}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);

    /// <summary>An organisation's own template, as its version 1 (from the API, demo data or admin tools).</summary>
    public static async Task InsertTemplateAsync(TenantDb db, QuestionnaireTemplate template, CancellationToken ct)
    {
        await db.ExecuteAsync(
            $"""
            INSERT INTO questionnaire_templates (id, {TenantSql.Columns}, questionnaire_id, title, description, schema, category, tags, is_clinical,
              version, is_active, key, created_at, updated_at)
            VALUES (@Id, {TenantSql.Values}, @QuestionnaireId, @Title, @Description, @Schema, @Category, @Tags, @IsClinical, @Version, @IsActive,
              @Key, @CreatedAt, @UpdatedAt)
            """,
            template, ct);
        await InsertVersionAsync(db, template, ct);
    }

    /// <summary>
    /// Saves a change to a template found by <see cref="FindOwnTemplateAsync"/>; a new <see cref="QuestionnaireTemplate.Version"/>
    /// is kept beside the earlier ones (two changes racing for one version number: the second breaks the key).
    /// </summary>
    public static async Task UpdateTemplateAsync(TenantDb db, QuestionnaireTemplate before, QuestionnaireTemplate after, CancellationToken ct)
    {
        if (after.Version != before.Version)
        {
            await InsertVersionAsync(db, after, ct);
        }
        await db.ExecuteAsync(
            $"""
            UPDATE questionnaire_templates SET title = @Title, description = @Description, schema = @Schema, category = @Category, tags = @Tags,
              is_clinical = @IsClinical, version = @Version, is_active = @IsActive, key = @Key, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            after, ct);
    }

    private static Task InsertVersionAsync(TenantDb db, QuestionnaireTemplate template, CancellationToken ct) =>
        db.ExecuteAsync(
            """
            INSERT INTO questionnaire_template_versions (template_id, version, title, description, schema, created_at)
            VALUES (@Id, @Version, @Title, @Description, @Schema, @UpdatedAt)
            """,
            template, ct);

    /// <summary>A response; inside a write, locked until the transaction ends.</summary>
    public static Task<QuestionnaireResponse?> FindResponseAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<QuestionnaireResponse>(
            $"SELECT {ResponseColumns} FROM questionnaire_responses WHERE id = @id AND {TenantSql.Filter}{db.RowLock()}", new { id }, ct);

    public static Task<Page<QuestionnaireResponse>> ListResponsesAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<QuestionnaireResponse>(
            $"SELECT {ResponseColumns} FROM questionnaire_responses WHERE {TenantSql.Filter}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);

    /// <summary>The episode a response is filed on; inside a write, its row is locked until the transaction ends.</summary>
    public static Task<string?> EpisodeOfAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<string>($"SELECT episode_id FROM questionnaire_responses WHERE id = @id AND {TenantSql.Filter}{db.RowLock()}", new { id }, ct);

    /// <summary>Files the response on an episode (routing: its updated_at stays).</summary>
    public static Task FileAsync(TenantDb db, string id, string episodeId, CancellationToken ct) =>
        db.ExecuteBatchedAsync($"UPDATE questionnaire_responses SET episode_id = @episodeId WHERE id = @id AND {TenantSql.Filter}", new { id, episodeId }, ct);

    public static Task InsertResponseAsync(TenantDb db, QuestionnaireResponse response, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            INSERT INTO questionnaire_responses ({TenantSql.Columns}, {ResponseColumns})
            VALUES ({TenantSql.Values}, @Id, @QuestionnaireId, @QuestionnaireVersion, @PatientId, @AppointmentId, @EpisodeId, @Responses, @SubmittedAt, @SubmittedByPatient,
                    @IsPreBooking, @CreatedAt, @UpdatedAt)
            """,
            response, ct);

    public static Task UpdateResponseAsync(TenantDb db, QuestionnaireResponse response, CancellationToken ct) =>
        db.ExecuteBatchedAsync(
            $"""
            UPDATE questionnaire_responses SET patient_id = @PatientId, appointment_id = @AppointmentId, episode_id = @EpisodeId,
              responses = @Responses, is_pre_booking = @IsPreBooking, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            response, ct);

    /// <summary>The patients the records a response links to belong to (null: no such record in this tenant).</summary>
    public sealed record LinkOwners
    {
        public bool PatientExists { get; init; }
        public string? AppointmentPatientId { get; init; }
        public string? EpisodePatientId { get; init; }
    }

    public static async Task<LinkOwners> FindLinkOwnersAsync(TenantDb db, string? patientId, string? appointmentId, string? episodeId, CancellationToken ct) =>
        (await db.SingleAsync<LinkOwners>(
            $"""
            SELECT p.id IS NOT NULL AS patient_exists, a.patient_id AS appointment_patient_id, e.patient_id AS episode_patient_id
            FROM (SELECT 1 AS one) AS request
            LEFT JOIN patients p ON p.id = @patientId AND {TenantSql.Of("p")}
            LEFT JOIN appointments a ON a.id = @appointmentId AND {TenantSql.Of("a")}
            LEFT JOIN episodes e ON e.id = @episodeId AND {TenantSql.Of("e")}
            """,
            new { patientId, appointmentId, episodeId }, ct))!;
}
