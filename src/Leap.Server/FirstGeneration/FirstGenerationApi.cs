using System.Text.Json.Serialization;
using Leap.Server.Accounts;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.FirstGeneration;

/// <summary>
/// Jump's first-generation directory paths, <c>/appointment-types</c> and <c>/clinicians</c>: the same records as
/// <c>/appointment-templates</c> and <c>/clinician-profiles</c>, in the older object shapes, under the current
/// envelope, paging and scopes (docs/jump-compatibility.md).
/// </summary>
public static class FirstGenerationApi
{
    public static void MapFirstGeneration(this IEndpointRouteBuilder api)
    {
        var types = api.MapGroup("/appointment-types").WithTags("First generation");
        types.MapGet("/", ListTypes).RequireScope(Scopes.ReadAppointmentTemplates);
        types.MapGet("/{id}", GetAppointmentType).RequireScope(Scopes.ReadAppointmentTemplates);
        var clinicians = api.MapGroup("/clinicians").WithTags("First generation");
        clinicians.MapGet("/", ListClinicians).RequireScope(Scopes.ReadClinicians);
        clinicians.MapGet("/{id}", GetClinician).RequireScope(Scopes.ReadClinicians);
    }

    private static async Task<ApiList<AppointmentType>> ListTypes(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(Map(await AppointmentTemplateStore.ListAsync(db, AppointmentTemplateStore.ListSpec.Parse(request), ct), AppointmentType.From));

    private static async Task<ApiData<AppointmentType>> GetAppointmentType(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(AppointmentType.From(await AppointmentTemplateStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("appointment type", id)));

    private static async Task<ApiList<Clinician>> ListClinicians(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(Map(await ClinicianStore.ListAsync(db, ClinicianStore.ListSpec.Parse(request), ct), Clinician.From));

    private static async Task<ApiData<Clinician>> GetClinician(string id, TenantDb db, CancellationToken ct) =>
        Api.Ok(Clinician.From(await ClinicianStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("clinician", id)));

    private static Page<TOut> Map<TIn, TOut>(Page<TIn> page, Func<TIn, TOut> map) =>
        new(page.Items.Select(map).ToList(), page.Limit, page.Offset, page.HasMore);
}

/// <summary>
/// Jump's first-generation appointment type: a template with the price in major units and the older names
/// (<c>max_group_size</c> is the template's <c>max_participants</c>). Leap keeps no colour: it reads as null.
/// </summary>
public sealed record AppointmentType(
    string Id, string Name, string? Description, int DurationMinutes, decimal Price, string Currency, string? Color,
    bool IsActive, bool RequiresPayment, bool AllowOnlineBooking, int BookingNoticeHours, int? CancellationNoticeHours,
    int MaxGroupSize, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AppointmentType From(AppointmentTemplate t) => new(
        t.Id, t.Name, t.Description, t.Duration, t.Price / 100m, "GBP", null, t.IsActive, t.PricingType != "free",
        t.AllowOnlineBooking, (t.MinNoticeMinutes + 59) / 60, t.CancellationNoticeHours, t.MaxParticipants, t.CreatedAt, t.UpdatedAt);
}

/// <summary>
/// Jump's first-generation clinician: a clinician profile under the older names (<c>title</c> holds the qualifications).
/// Leap keeps no specialties, staff link or phone for a clinician: they read as empty and null.
/// </summary>
public sealed record Clinician(
    string Id, string? UserId, string? FirstName, string? LastName, string? Title, string? Role, IReadOnlyList<string> Specialties,
    string? Bio, string? Email, string? Phone, string? AvatarUrl, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static Clinician From(ClinicianProfile c) => new(
        c.Id, null, c.FirstName, c.LastName, c.Qualifications, c.Role, [], c.Bio, c.Email, null,
        c.PhotoUrl, c.IsActive, c.CreatedAt, c.UpdatedAt);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<AppointmentType>))]
[JsonSerializable(typeof(ListEnvelope<AppointmentType>))]
[JsonSerializable(typeof(DataEnvelope<Clinician>))]
[JsonSerializable(typeof(ListEnvelope<Clinician>))]
internal sealed partial class FirstGenerationJson : JsonSerializerContext;
