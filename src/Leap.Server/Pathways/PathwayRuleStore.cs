using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Pathways;

public static class PathwayRuleStore
{
    private const string Table = "pathway_rules";
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

    public static Task<PathwayRule?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<PathwayRule>($"SELECT {Columns} FROM pathway_rules WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    /// <summary>Sorted by trigger, then priority: the order rules are tried in.</summary>
    public static Task<Page<PathwayRule>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<PathwayRule>(
            $"SELECT {Columns} FROM pathway_rules WHERE {TenantSql.Filter}{query.Where} ORDER BY trigger_type, priority LIMIT @Limit OFFSET @Offset", query, ct);

    /// <summary>
    /// The tenant's enabled rules, each trigger's in evaluation order; read once per write (the routing worker routes a
    /// batch of changes in one, see <see cref="WriteScope"/>).
    /// </summary>
    public static Task<IReadOnlyList<PathwayRule>> EnabledAsync(TenantDb db, CancellationToken ct) =>
        WriteScope.RememberAsync(Table, db.Tenant, () => db.ListAsync<PathwayRule>(
            $"SELECT {Columns} FROM pathway_rules WHERE {TenantSql.Filter} AND enabled = @enabled ORDER BY trigger_type, priority",
            new { enabled = true }, ct));

    public static Task InsertAsync(TenantDb db, PathwayRule rule, CancellationToken ct)
    {
        WriteScope.Forget(Table);
        return db.ExecuteAsync(
            $"""
            INSERT INTO pathway_rules ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @TriggerType, @RuleName, @Priority, @Conditions, @CreationMode, @InboxVisibility, @JourneyType,
                    @SuggestedAssignment, @SuggestedPriority, @ExpectedNextActor, @Enabled, @CreatedAt, @UpdatedAt)
            """,
            rule, ct);
    }

    public static Task UpdateAsync(TenantDb db, PathwayRule rule, CancellationToken ct)
    {
        WriteScope.Forget(Table);
        return db.ExecuteAsync(
            $"""
            UPDATE pathway_rules SET trigger_type = @TriggerType, rule_name = @RuleName, priority = @Priority, conditions = @Conditions,
              creation_mode = @CreationMode, inbox_visibility = @InboxVisibility, journey_type = @JourneyType,
              suggested_assignment = @SuggestedAssignment, suggested_priority = @SuggestedPriority,
              expected_next_actor = @ExpectedNextActor, enabled = @Enabled, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            rule, ct);
    }

    public static Task<int> DeleteAsync(TenantDb db, string id, CancellationToken ct) =>
        db.WriteAsync($"DELETE FROM pathway_rules WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    /// <summary>The rule holding a trigger's priority, for the 409 when another rule wants it.</summary>
    public static Task<string?> HolderOfPriorityAsync(TenantDb db, string trigger, int priority, CancellationToken ct) =>
        db.SingleAsync<string>(
            $"SELECT id FROM pathway_rules WHERE {TenantSql.Filter} AND trigger_type = @trigger AND priority = @priority", new { trigger, priority }, ct);
}
