using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Storage;

namespace Leap.Server.AppointmentTemplates;

public static class AppointmentTemplateStore
{
    static AppointmentTemplateStore() => TypeHandlers.AddJson(NotificationsJson.Default.TemplateNotifications);

    private const string Columns =
        """
        id, name, description, duration, price, pricing_type, is_active, status, version, allow_online_booking,
        buffer_before_minutes, buffer_after_minutes, min_notice_minutes, max_advance_days, cancellation_notice_hours,
        notifications, max_participants, min_participants, required_resource_types, created_at, updated_at
        """;

    public static readonly ListSpec ListSpec = new ListSpec()
        .Bool("is_active", "is_active")
        .ExactOrIn("status", "status", TemplateValues.Statuses)
        .TimeRange("created_at", "created_at");

    public static Task<AppointmentTemplate?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<AppointmentTemplate>($"SELECT {Columns} FROM appointment_templates WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    public static Task<Page<AppointmentTemplate>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<AppointmentTemplate>(
            $"SELECT {Columns} FROM appointment_templates WHERE {TenantSql.Filter}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);

    public static Task InsertAsync(TenantDb db, AppointmentTemplate template, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO appointment_templates ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @Name, @Description, @Duration, @Price, @PricingType, @IsActive, @Status, @Version,
                    @AllowOnlineBooking, @BufferBeforeMinutes, @BufferAfterMinutes, @MinNoticeMinutes, @MaxAdvanceDays,
                    @CancellationNoticeHours, @Notifications, @MaxParticipants, @MinParticipants, @RequiredResourceTypes, @CreatedAt, @UpdatedAt)
            """,
            template, ct);

    public static Task UpdateAsync(TenantDb db, AppointmentTemplate template, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            UPDATE appointment_templates SET name = @Name, description = @Description, duration = @Duration, price = @Price,
              pricing_type = @PricingType, is_active = @IsActive, status = @Status, allow_online_booking = @AllowOnlineBooking,
              buffer_before_minutes = @BufferBeforeMinutes, buffer_after_minutes = @BufferAfterMinutes,
              min_notice_minutes = @MinNoticeMinutes, max_advance_days = @MaxAdvanceDays,
              cancellation_notice_hours = @CancellationNoticeHours, notifications = @Notifications,
              max_participants = @MaxParticipants, min_participants = @MinParticipants, required_resource_types = @RequiredResourceTypes, updated_at = @UpdatedAt
            WHERE id = @Id AND {TenantSql.Filter}
            """,
            template, ct);

    /// <summary>True once any appointment (in any status) was booked against the template.</summary>
    public static Task<bool> IsInUseAsync(TenantDb db, string templateId, CancellationToken ct) =>
        db.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM appointments WHERE appointment_type_id = @templateId AND {TenantSql.Filter})", new { templateId }, ct);
}
