using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Webhooks;

namespace Leap.Server.AppointmentTemplates;

public static class AppointmentTemplatesApi
{
    public static void MapAppointmentTemplates(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/appointment-templates").WithTags("Appointment templates");
        group.MapGet("/", List).RequireScope(Scopes.ReadAppointmentTemplates);
        group.MapGet("/{id}", Get).RequireScope(Scopes.ReadAppointmentTemplates);
        group.MapPost("/", Create).RequireScope(Scopes.WriteAppointmentTemplates).Idempotent()
            .Reads("AppointmentTemplateCreate", r => AppointmentTemplateValidation.Apply(r, Blank, creating: true, Sample.Now),
                """{"name": "Physiotherapy assessment", "duration": 45, "price": 6500, "pricing_type": "stripe", "status": "published", "buffer_after_minutes": 10}""");
        group.MapPatch("/{id}", Update).RequireScope(Scopes.WriteAppointmentTemplates)
            .Reads("AppointmentTemplateUpdate", r => AppointmentTemplateValidation.Apply(r, Blank, creating: false, Sample.Now),
                """{"max_advance_days": 60, "min_notice_minutes": 120}""", partial: true);
    }

    private static async Task<ApiList<AppointmentTemplate>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await AppointmentTemplateStore.ListAsync(db, AppointmentTemplateStore.ListSpec.Parse(request), ct));

    private static async Task<ApiData<AppointmentTemplate>> Get(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(await AppointmentTemplateStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("appointment template", id));

    private static readonly AppointmentTemplate Blank = AppointmentTemplateValidation.Blank(Sample.Id(Ids.AppointmentTemplate), Sample.Now);

    private static async Task<ApiCreated<AppointmentTemplate>> Create(WriteRequest request, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var template = AppointmentTemplateValidation.Apply(
            reader, AppointmentTemplateValidation.Blank(Ids.New(Ids.AppointmentTemplate), now), creating: true, now);
        reader.ThrowIfInvalid();
        return await request.CreateAsync(template, write => AppointmentTemplateStore.InsertAsync(write, template, ct), ct);
    }

    private static async Task<ApiData<AppointmentTemplate>> Update(
        string id, HttpContext http, TenantDb db, WebhookOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        var updated = await db.WriteAsync(async write =>
        {
            var current = await AppointmentTemplateStore.FindAsync(write, id, ct)
                ?? throw ApiException.NotFound("appointment template", id);
            var now = TypeHandlers.Truncate(clock.GetUtcNow());
            var reader = new BodyReader(body.Root);
            var template = AppointmentTemplateValidation.Apply(reader, current, creating: false, now);
            reader.ThrowIfInvalid();
            if (template with { UpdatedAt = current.UpdatedAt } == current)
            {
                return current;
            }
            // Booking rules (activity, status, online notice and advance, the patient's change notice, the resources new bookings take)
            // and notifications say nothing about booked appointments.
            var frozenChange = template with
            {
                IsActive = current.IsActive, Status = current.Status, MinNoticeMinutes = current.MinNoticeMinutes,
                MaxAdvanceDays = current.MaxAdvanceDays, CancellationNoticeHours = current.CancellationNoticeHours,
                Notifications = current.Notifications, RequiredResourceTypes = current.RequiredResourceTypes, UpdatedAt = current.UpdatedAt,
            } != current;
            if (frozenChange && await AppointmentTemplateStore.IsInUseAsync(write, id, ct))
            {
                throw new ApiException(409, ErrorCodes.Conflict,
                    $"Appointment template {id} already has appointments booked against it, so its details cannot change " +
                    "(only is_active, status, min_notice_minutes, max_advance_days, cancellation_notice_hours, notifications and required_resource_types can). Create a new version instead: POST /appointment-templates with the new " +
                    "details, then PATCH this one with {\"is_active\": false}.");
            }
            await AppointmentTemplateStore.UpdateAsync(write, template, ct);
            var type = current.IsActive && !template.IsActive ? WebhookEventTypes.AppointmentTemplateDeactivated : WebhookEventTypes.AppointmentTemplateUpdated;
            await outbox.RecordAsync(write, type, template, current, ct);
            return template;
        }, ct);
        return Api.Ok(updated);
    }
}
