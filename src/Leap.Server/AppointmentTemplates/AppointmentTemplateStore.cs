using System.Data.Common;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.AppointmentTemplates;

public sealed class AppointmentTemplateStore(Database db)
{
    private const string Columns =
        """
        id, name, description, duration, price, pricing_type, is_active, status, version, allow_online_booking,
        buffer_before_minutes, buffer_after_minutes, min_notice_minutes, max_advance_days, created_at, updated_at
        """;

    public static readonly ListSpec ListSpec = new ListSpec()
        .Bool("is_active", "is_active")
        .ExactOrIn("status", "status", TemplateValues.Statuses)
        .TimeRange("created_at", "created_at");

    public Task<AppointmentTemplate?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<AppointmentTemplate>(
            $"SELECT {Columns} FROM appointment_templates WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task<AppointmentTemplate?> FindAsync(DbConnection connection, DbTransaction tx, Tenant tenant, string id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<AppointmentTemplate>(new CommandDefinition(
            $"SELECT {Columns} FROM appointment_templates WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, tx, cancellationToken: ct));

    public async Task<Page<AppointmentTemplate>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        var rows = await db.QueryAsync<AppointmentTemplate>(
            $"SELECT {Columns} FROM appointment_templates WHERE org_id = @OrgId AND mode = @Mode{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, AppointmentTemplate template, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO appointment_templates (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @Name, @Description, @Duration, @Price, @PricingType, @IsActive, @Status, @Version,
                    @AllowOnlineBooking, @BufferBeforeMinutes, @BufferAfterMinutes, @MinNoticeMinutes, @MaxAdvanceDays,
                    @CreatedAt, @UpdatedAt)
            """,
            WithTenant(tenant, template), tx, cancellationToken: ct));

    public static Task UpdateAsync(DbConnection connection, DbTransaction tx, Tenant tenant, AppointmentTemplate template, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE appointment_templates SET name = @Name, description = @Description, duration = @Duration, price = @Price,
              pricing_type = @PricingType, is_active = @IsActive, status = @Status, allow_online_booking = @AllowOnlineBooking,
              buffer_before_minutes = @BufferBeforeMinutes, buffer_after_minutes = @BufferAfterMinutes,
              min_notice_minutes = @MinNoticeMinutes, max_advance_days = @MaxAdvanceDays, updated_at = @UpdatedAt
            WHERE id = @Id AND org_id = @OrgId AND mode = @Mode
            """,
            WithTenant(tenant, template), tx, cancellationToken: ct));

    /// <summary>True once any appointment (in any status) was booked against the template.</summary>
    public static Task<bool> IsInUseAsync(DbConnection connection, DbTransaction tx, string templateId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM appointments WHERE appointment_type_id = @templateId)",
            new { templateId }, tx, cancellationToken: ct));

    private static DynamicParameters WithTenant(Tenant tenant, AppointmentTemplate template)
    {
        var parameters = new DynamicParameters(template);
        parameters.Add("OrgId", tenant.OrgId);
        parameters.Add("Mode", tenant.Mode);
        return parameters;
    }
}
