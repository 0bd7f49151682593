using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Questionnaires;

public sealed class QuestionnaireStore(Database db)
{
    private const string TemplateColumns =
        """
        id, questionnaire_id, title, description, schema, category, tags, is_clinical, version, is_active, key,
        org_id IS NULL AS is_system, created_at, updated_at
        """;

    private const string ResponseColumns =
        """
        id, questionnaire_id, patient_id, appointment_id, episode_id, responses, submitted_at, submitted_by_patient, is_pre_booking,
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
        .Exact("patient_id", "patient_id")
        .Exact("questionnaire_id", "questionnaire_id")
        .Exact("episode_id", "episode_id")
        .Exact("appointment_id", "appointment_id")
        .Bool("is_pre_booking", "is_pre_booking")
        .TimeRange("submitted_at", "submitted_at")
        .TimeRange("created_at", "created_at");

    public Task<QuestionnaireTemplate?> FindTemplateAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<QuestionnaireTemplate>(
            $"SELECT {TemplateColumns} FROM questionnaire_templates WHERE id = @id AND {VisibleTemplates}",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<QuestionnaireTemplate?> FindTemplateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<QuestionnaireTemplate>(new CommandDefinition(
            $"SELECT {TemplateColumns} FROM questionnaire_templates WHERE id = @id AND {VisibleTemplates}",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    public async Task<Page<QuestionnaireTemplate>> ListTemplatesAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<QuestionnaireTemplate>(
            $"SELECT {TemplateColumns} FROM questionnaire_templates WHERE {VisibleTemplates}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    /// <summary>An organisation's own template (demo data and admin tools add them; the API does not).</summary>
    public static Task InsertTemplateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, QuestionnaireTemplate template, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO questionnaire_templates (id, org_id, mode, questionnaire_id, title, description, schema, category, tags, is_clinical,
              version, is_active, key, created_at, updated_at)
            VALUES (@Id, @OrgId, @Mode, @QuestionnaireId, @Title, @Description, @Schema, @Category, @Tags, @IsClinical, @Version, @IsActive,
              @Key, @CreatedAt, @UpdatedAt)
            """,
            tenant.With(template), tx, cancellationToken: ct));

    public Task<QuestionnaireResponse?> FindResponseAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<QuestionnaireResponse>(
            $"SELECT {ResponseColumns} FROM questionnaire_responses WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<QuestionnaireResponse?> FindResponseAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<QuestionnaireResponse>(new CommandDefinition(
            $"SELECT {ResponseColumns} FROM questionnaire_responses WHERE id = @id AND org_id = @OrgId AND mode = @Mode{Database.RowLock(connection)}",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    public async Task<Page<QuestionnaireResponse>> ListResponsesAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<QuestionnaireResponse>(
            $"SELECT {ResponseColumns} FROM questionnaire_responses WHERE org_id = @OrgId AND mode = @Mode{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    public static Task InsertResponseAsync(DbConnection connection, DbTransaction tx, Tenant tenant, QuestionnaireResponse response, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO questionnaire_responses (org_id, mode, {ResponseColumns})
            VALUES (@OrgId, @Mode, @Id, @QuestionnaireId, @PatientId, @AppointmentId, @EpisodeId, @Responses, @SubmittedAt, @SubmittedByPatient,
                    @IsPreBooking, @CreatedAt, @UpdatedAt)
            """,
            tenant.With(response), tx, cancellationToken: ct));

    public static Task UpdateResponseAsync(DbConnection connection, DbTransaction tx, Tenant tenant, QuestionnaireResponse response, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE questionnaire_responses SET patient_id = @PatientId, appointment_id = @AppointmentId, episode_id = @EpisodeId,
              responses = @Responses, is_pre_booking = @IsPreBooking, updated_at = @UpdatedAt
            WHERE id = @Id AND org_id = @OrgId AND mode = @Mode
            """,
            tenant.With(response), tx, cancellationToken: ct));

    /// <summary>The patients the records a response links to belong to (null: no such record in this tenant).</summary>
    public sealed record LinkOwners
    {
        public bool PatientExists { get; init; }
        public string? AppointmentPatientId { get; init; }
        public string? EpisodePatientId { get; init; }
    }

    public static Task<LinkOwners> FindLinkOwnersAsync(DbConnection connection, DbTransaction tx, Tenant tenant,
        string? patientId, string? appointmentId, string? episodeId, CancellationToken ct) =>
        connection.QuerySingleAsync<LinkOwners>(new CommandDefinition(
            """
            SELECT p.id IS NOT NULL AS patient_exists, a.patient_id AS appointment_patient_id, e.patient_id AS episode_patient_id
            FROM (SELECT 1 AS one) AS request
            LEFT JOIN patients p ON p.id = @patientId AND p.org_id = @OrgId AND p.mode = @Mode
            LEFT JOIN appointments a ON a.id = @appointmentId AND a.org_id = @OrgId AND a.mode = @Mode
            LEFT JOIN episodes e ON e.id = @episodeId AND e.org_id = @OrgId AND e.mode = @Mode
            """,
            new { patientId, appointmentId, episodeId, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));
}
