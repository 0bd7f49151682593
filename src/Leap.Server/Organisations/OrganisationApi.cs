using System.Text.RegularExpressions;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Storage;

namespace Leap.Server.Organisations;

/// <summary>
/// <c>GET/PATCH /organisation</c> (scope <c>manage_organisation</c>): the caller's organisation and the public
/// settings of its dataset: slug, online booking on or off, public name and phone number (docs/online-booking.md), and
/// what a likely duplicate patient gets (docs/patient-sync.md).
/// </summary>
public static partial class OrganisationApi
{
    public const int MaxSlugLength = 60;

    public static void MapOrganisation(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/organisation").WithTags("Organisation");
        group.MapGet("/", Get).RequireScope(Scopes.ManageOrganisation);
        group.MapPatch("/", Update).RequireScope(Scopes.ManageOrganisation)
            .Reads("OrganisationUpdate", r => Apply(r, Sample),
                """{"slug": "example-physio-clinic", "public_name": "Example Physio", "phone": "020 7946 0000", "online_booking_enabled": true, "duplicate_patients": "warn"}""",
                partial: true);
    }

    private static readonly OrganisationSettings Sample = new() { Id = Ids.Organisation + "example", Name = "Example", Mode = Modes.Test };

    private static async Task<ApiData<OrganisationSettings>> Get(TenantDb db, ManageLinks links, CancellationToken ct) =>
        Api.Ok(WithBookingUrl(await OrganisationStore.FindAsync(db, ct), links));

    private static async Task<ApiData<OrganisationSettings>> Update(HttpContext http, TenantDb db, ManageLinks links, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        try
        {
            return Api.Ok(WithBookingUrl(await db.WriteAsync(async write =>
            {
                var current = await OrganisationStore.FindAsync(write, ct);
                var reader = new BodyReader(body.Root);
                var updated = Apply(reader, current) with { UpdatedAt = TypeHandlers.Truncate(clock.GetUtcNow()) };
                reader.ThrowIfInvalid();
                await OrganisationStore.SaveAsync(write, updated, ct);
                return updated;
            }, ct), links));
        }
        catch (Exception e) when (db.IsUniqueViolation(e))
        {
            throw ApiException.Conflict("Another organisation already uses this slug: choose another.");
        }
    }

    /// <summary>A PATCH body: absent fields keep their value; null clears slug, public_name and phone.</summary>
    public static OrganisationSettings Apply(BodyReader r, OrganisationSettings current)
    {
        var slug = r.Has("slug") ? r.String("slug", MaxSlugLength) : current.Slug;
        if (slug is not null && !r.Failed("slug") && !SlugPattern().IsMatch(slug))
        {
            r.Fail("slug", "must be lower-case letters and digits, with single hyphens between them (e.g. \"example-clinic\")");
        }
        var settings = current with
        {
            Slug = slug,
            PublicName = r.Has("public_name") ? r.String("public_name", 200) : current.PublicName,
            Phone = r.Has("phone") ? r.Phone("phone") : current.Phone,
            OnlineBookingEnabled = r.Has("online_booking_enabled")
                ? r.Bool("online_booking_enabled", required: true) ?? current.OnlineBookingEnabled
                : current.OnlineBookingEnabled,
            DuplicatePatients = r.Has("duplicate_patients")
                ? r.Enum("duplicate_patients", DuplicatePatientPolicy.All, required: true) ?? current.DuplicatePatients
                : current.DuplicatePatients,
        };
        if (settings.OnlineBookingEnabled && settings.Slug is null && !r.Failed("slug"))
        {
            r.Fail(r.Has("slug") ? "slug" : "online_booking_enabled", "online booking needs a slug: the booking page's address is /book/{slug}");
        }
        return settings;
    }

    private static OrganisationSettings WithBookingUrl(OrganisationSettings settings, ManageLinks links) => settings with
    {
        BookingUrl = settings.OnlineBookingEnabled && settings.Slug is not null ? $"{links.BaseUrl}{BookingPage.Path}/{settings.Slug}" : null,
    };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
