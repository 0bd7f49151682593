using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Pathways;

public sealed class PathwayRuleStore(Database db)
{
    private const string Columns =
        """
        id, trigger_type, rule_name, priority, conditions, creation_mode, inbox_visibility, journey_type, suggested_assignment,
        suggested_priority, expected_next_actor, enabled, created_at, updated_at
        """;

    static PathwayRuleStore() => TypeHandlers.AddJson(PathwaysJson.Default.RuleConditions);

    public static readonly ListSpec ListSpec = new ListSpec()
        .ExactOrIn("trigger_type", "trigger_type", PathwayValues.Base.Keys.ToList())
        .Bool("enabled", "enabled")
        .Exact("creation_mode", "creation_mode", PathwayValues.CreationModes)
        .Exact("suggested_priority", "suggested_priority", Episodes.EpisodeValues.Priorities);

    public Task<PathwayRule?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<PathwayRule>(
            $"SELECT {Columns} FROM pathway_rules WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<PathwayRule?> FindAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<PathwayRule>(new CommandDefinition(
            $"SELECT {Columns} FROM pathway_rules WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    /// <summary>Sorted by trigger, then priority: the order rules are tried in.</summary>
    public async Task<Page<PathwayRule>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<PathwayRule>(
            $"SELECT {Columns} FROM pathway_rules WHERE org_id = @OrgId AND mode = @Mode{query.Where} ORDER BY trigger_type, priority LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    /// <summary>The enabled rules of a trigger, in evaluation order.</summary>
    public static async Task<IReadOnlyList<PathwayRule>> EnabledAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string trigger, CancellationToken ct) =>
        (await connection.QueryAsync<PathwayRule>(new CommandDefinition(
            $"SELECT {Columns} FROM pathway_rules WHERE org_id = @OrgId AND mode = @Mode AND trigger_type = @trigger AND enabled = @enabled ORDER BY priority",
            new { tenant.OrgId, tenant.Mode, trigger, enabled = true }, tx, cancellationToken: ct))).AsList();

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, PathwayRule rule, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO pathway_rules (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @TriggerType, @RuleName, @Priority, @Conditions, @CreationMode, @InboxVisibility, @JourneyType,
                    @SuggestedAssignment, @SuggestedPriority, @ExpectedNextActor, @Enabled, @CreatedAt, @UpdatedAt)
            """,
            tenant.With(rule), tx, cancellationToken: ct));

    public static Task UpdateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, PathwayRule rule, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE pathway_rules SET trigger_type = @TriggerType, rule_name = @RuleName, priority = @Priority, conditions = @Conditions,
              creation_mode = @CreationMode, inbox_visibility = @InboxVisibility, journey_type = @JourneyType,
              suggested_assignment = @SuggestedAssignment, suggested_priority = @SuggestedPriority,
              expected_next_actor = @ExpectedNextActor, enabled = @Enabled, updated_at = @UpdatedAt
            WHERE id = @Id AND org_id = @OrgId AND mode = @Mode
            """,
            tenant.With(rule), tx, cancellationToken: ct));

    public Task<int> DeleteAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM pathway_rules WHERE id = @id AND org_id = @OrgId AND mode = @Mode", new { id, tenant.OrgId, tenant.Mode }, ct);

    /// <summary>The rule holding a trigger's priority, for the 409 when another rule wants it.</summary>
    public Task<string?> HolderOfPriorityAsync(Tenant tenant, string trigger, int priority, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<string>(
            "SELECT id FROM pathway_rules WHERE org_id = @OrgId AND mode = @Mode AND trigger_type = @trigger AND priority = @priority",
            new { tenant.OrgId, tenant.Mode, trigger, priority }, ct);
}
