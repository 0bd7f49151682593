using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Resources;

namespace Leap.Server.AppointmentTemplates;

public static class AppointmentTemplateValidation
{
    public const int DefaultMinNoticeMinutes = 60;
    public const int DefaultMaxAdvanceDays = 90;
    public const int MaxNoticeMinutes = 365 * 24 * 60;
    public const int MaxAdvanceDaysLimit = 730;
    public const int DefaultCancellationNoticeHours = 24;
    public const int MaxParticipantsLimit = 500;

    public static AppointmentTemplate Blank(string id, DateTimeOffset now) => new()
    {
        Id = id,
        Name = "",
        Duration = 30,
        PricingType = "free",
        IsActive = true,
        Status = "draft",
        Version = 1,
        AllowOnlineBooking = true,
        MinNoticeMinutes = DefaultMinNoticeMinutes,
        MaxAdvanceDays = DefaultMaxAdvanceDays,
        CancellationNoticeHours = DefaultCancellationNoticeHours,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>As for patients, create and PATCH share one path: absent fields keep their value.</summary>
    public static AppointmentTemplate Apply(BodyReader r, AppointmentTemplate current, bool creating, DateTimeOffset now)
    {
        int Number(string field, int min, int max, int existing) =>
            r.Has(field) ? r.Int(field, min, max, required: true) ?? existing : existing;

        var template = current with
        {
            Name = creating || r.Has("name") ? r.String("name", 200, required: true) ?? current.Name : current.Name,
            Description = r.Has("description") ? r.String("description", 2000, multiline: true) : current.Description,
            Duration = Number("duration", 5, 480, current.Duration),
            Price = Number("price", 0, 100_000_000, current.Price),
            PricingType = r.Has("pricing_type") ? r.Enum("pricing_type", TemplateValues.PricingTypes, required: true) ?? current.PricingType : current.PricingType,
            IsActive = r.Has("is_active") ? r.Bool("is_active", required: true) ?? current.IsActive : current.IsActive,
            Status = r.Has("status") ? r.Enum("status", TemplateValues.Statuses, required: true) ?? current.Status : current.Status,
            AllowOnlineBooking = r.Has("allow_online_booking") ? r.Bool("allow_online_booking", required: true) ?? current.AllowOnlineBooking : current.AllowOnlineBooking,
            BufferBeforeMinutes = Number("buffer_before_minutes", 0, 240, current.BufferBeforeMinutes),
            BufferAfterMinutes = Number("buffer_after_minutes", 0, 240, current.BufferAfterMinutes),
            MinNoticeMinutes = Number("min_notice_minutes", 0, MaxNoticeMinutes, current.MinNoticeMinutes),
            MaxAdvanceDays = Number("max_advance_days", 1, MaxAdvanceDaysLimit, current.MaxAdvanceDays),
            CancellationNoticeHours = Number("cancellation_notice_hours", 0, 24 * 30, current.CancellationNoticeHours),
            Notifications = TemplateNotifications.Apply(r, current.Notifications),
            MaxParticipants = Number("max_participants", 1, MaxParticipantsLimit, current.MaxParticipants),
            MinParticipants = r.Has("min_participants") ? r.Int("min_participants", 1, MaxParticipantsLimit) : current.MinParticipants,
            RequiredResourceTypes = ResourceValidation.RequiredTypes(r, current.RequiredResourceTypes),
            UpdatedAt = now,
        };
        if ((r.Has("min_participants") || r.Has("max_participants")) && template.MinParticipants > template.MaxParticipants
            && !r.Failed("min_participants") && !r.Failed("max_participants"))
        {
            r.Fail(r.Has("min_participants") ? "min_participants" : "max_participants",
                $"min_participants ({template.MinParticipants}) must not be more than max_participants ({template.MaxParticipants})");
        }
        if ((r.Has("min_notice_minutes") || r.Has("max_advance_days")) && template.MinNoticeMinutes >= template.MaxAdvanceDays * 24 * 60)
        {
            r.Fail(r.Has("min_notice_minutes") ? "min_notice_minutes" : "max_advance_days",
                $"the minimum notice ({template.MinNoticeMinutes} minutes) must be shorter than the maximum advance ({template.MaxAdvanceDays} days), or nothing could ever be booked online");
        }
        return template;
    }
}
