using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Organisations;
using Leap.Server.Storage;

namespace Leap.Server.OnlineBooking;

/// <summary>Endpoint metadata: opened by patients without a key, through a manage link (<c>{token}</c>) or a public booking page (<c>{slug}</c>).</summary>
public sealed record PatientEndpoint(bool ByManageLink);

/// <summary>Request budgets of the patients' endpoints (<c>OnlineBooking:RateLimits</c>), per clock hour.</summary>
public sealed record PatientRateLimits(int PerIp, int PerOrganisation, int CodesPerIp)
{
    public static PatientRateLimits From(IConfiguration configuration)
    {
        var section = configuration.GetSection("OnlineBooking:RateLimits");
        return new PatientRateLimits(section.GetValue("PerIp", 300), section.GetValue("PerOrganisation", 10_000), section.GetValue("CodesPerIp", 10));
    }
}

public static class PatientEndpoints
{
    /// <summary>The endpoint is opened by its manage link's token (route value <c>token</c>), the patient as its caller.</summary>
    public static TBuilder ByManageLink<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PatientEndpoint(ByManageLink: true));

    /// <summary>The endpoint belongs to the public booking page of the organisation at route value <c>slug</c>.</summary>
    public static TBuilder OnBookingPage<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PatientEndpoint(ByManageLink: false));
}

/// <summary>
/// Opens the patients' endpoints: counts the request against the caller's IP address and then the organisation
/// (429 past either budget, before anything is looked up for a guessed address), finds the dataset from the manage
/// link or the slug (404 for a link that is not valid, an unknown slug or online booking turned off: the same answer
/// for each), and makes the request act as the patient in it, so the handlers use the same tenant session, idempotency
/// and webhooks as staff requests. A manage link's claim is there for the handler (<see cref="ClaimOf"/>).
/// </summary>
public sealed class PatientAccess(ManageLinks links, Database database, IRateLimitCounter counter, PatientRateLimits limits, TimeProvider clock) : IMiddleware
{
    private const string ClaimKey = "leap.manage-claim";
    private readonly CrossTenantDb lookups = database.CrossTenant("online booking");

    public static ManageLinks.Claim ClaimOf(HttpContext context) => (ManageLinks.Claim)context.Items[ClaimKey]!;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<PatientEndpoint>() is not { } endpoint)
        {
            await next(context);
            return;
        }
        context.Response.Headers.CacheControl = "no-store";
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        await CountAsync($"ip:{ip}", limits.PerIp, "from this network", context);
        Tenant tenant;
        Actor actor;
        if (endpoint.ByManageLink)
        {
            var claim = links.Read(context.GetRouteValue("token") as string ?? "") ?? throw LinkNotValid();
            context.Items[ClaimKey] = claim;
            (tenant, actor) = (claim.Tenant, Actor.Patient(claim.PatientId));
        }
        else
        {
            var slug = context.GetRouteValue("slug") as string ?? "";
            tenant = (slug.Length <= OrganisationApi.MaxSlugLength ? await OrganisationStore.FindBySlugAsync(lookups, slug, context.RequestAborted) : null)
                ?? throw new ApiException(404, ErrorCodes.NotFound, "There is no online booking at this address.");
            actor = Actor.Patient(null);
        }
        await CountAsync($"org:{tenant.OrgId}/{tenant.Mode}", limits.PerOrganisation, "for this clinic", context);
        new Caller(actor, tenant, new HashSet<string>(), 0).AttachTo(context);
        await next(context);
    }

    /// <summary>Counts an emailed code against the caller's IP address (a tighter budget than other requests).</summary>
    public Task CountCodeAsync(HttpContext context) =>
        CountAsync($"codes:{context.Connection.RemoteIpAddress}", limits.CodesPerIp, "for codes sent from this network", context);

    public static ApiException LinkNotValid() =>
        new(404, ErrorCodes.NotFound, "This link is not valid: it may have expired, or the appointment was changed or cancelled since it was sent.");

    private async Task CountAsync(string key, int limit, string what, HttpContext context)
    {
        var now = clock.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % RateLimiting.Window.Ticks, TimeSpan.Zero);
        if (await counter.IncrementAsync(key, windowStart, limit, context.RequestAborted) > limit)
        {
            var reset = windowStart + RateLimiting.Window;
            throw new ApiException(429, ErrorCodes.RateLimited,
                $"Too many requests {what}: try again after {reset:HH:mm} UTC, or ring the clinic.") { RetryAfter = reset - now };
        }
    }
}
