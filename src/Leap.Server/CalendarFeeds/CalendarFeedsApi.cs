using Leap.Server.Accounts;
using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Storage;
using Leap.Server.Users;

namespace Leap.Server.CalendarFeeds;

/// <summary>
/// Private iCalendar feeds (docs/ical.md): a clinician or staff user makes a secret, revocable URL that shows a
/// clinician's appointments in any calendar app; the public <c>GET /ical/{token}.ics</c> serves it.
/// </summary>
public static class CalendarFeedsApi
{
    /// <summary>What a feed shows: from a day ago to 180 days ahead, at most 2,000 appointments.</summary>
    public static readonly TimeSpan Past = TimeSpan.FromDays(1);
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(180);
    public const int MaxEntries = 2000;

    public static void MapCalendarFeeds(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/calendar-feeds").WithTags("Calendar feeds");
        group.MapGet("/", List).RequireScope(Scopes.ReadAppointments);
        group.MapPost("/", Create).RequireScope(Scopes.ReadAppointments).Idempotent()
            .Reads("CalendarFeedCreate", r => r.Id("clinician_profile_id", Ids.Clinician), $$"""{"clinician_profile_id": "{{ExampleIds.Clinician}}"}""");
        group.MapDelete("/{id}", Revoke).RequireScope(Scopes.ReadAppointments);
        group.MapGet("/settings", GetSettings).RequireScope(Scopes.ReadAppointments);
        group.MapPatch("/settings", UpdateSettings).RequireScope(Scopes.ManageUsers)
            .Reads("CalendarFeedSettings", r => r.Enum("patient_names", CalendarFeedSettings.Choices, required: true), """{"patient_names": "full"}""");
    }

    /// <summary>The public feed: no key (a calendar app sends only the URL); an unknown or revoked token is a 404.</summary>
    public static void MapCalendarFeedDownloads(this IEndpointRouteBuilder app) =>
        app.MapGet("/ical/{token}.ics", Download).ExcludeFromDescription();

    private static async Task<ApiList<CalendarFeed>> List(HttpRequest request, TenantDb db, CancellationToken ct) =>
        Api.List(await CalendarFeedStore.ListAsync(db, CalendarFeedStore.ListSpec.Parse(request), ct));

    /// <summary>
    /// A new feed of a clinician's appointments: the one named, or, for a signed-in clinician, their own. A clinician
    /// user may make feeds of their own appointments only. The answer's <c>url</c> is the only copy of the secret.
    /// </summary>
    private static async Task<ApiCreated<CalendarFeed>> Create(WriteRequest request, Caller caller, HttpContext http, TimeProvider clock, CancellationToken ct)
    {
        var db = request.Db;
        var reader = request.Reader();
        var clinicianId = reader.Id("clinician_profile_id", Ids.Clinician);
        var user = caller.Actor.Type == Actor.UserType ? await UserStore.FindAsync(db, caller.Id, ct) : null;
        clinicianId ??= user?.ClinicianProfileId;
        if (clinicianId is null && !reader.Failed("clinician_profile_id"))
        {
            reader.Fail("clinician_profile_id", "is required (a signed-in clinician's own profile is used when it is left out)");
        }
        else if (clinicianId is not null && await ClinicianStore.FindAsync(db, clinicianId, ct) is null)
        {
            reader.Fail("clinician_profile_id", $"no clinician profile {clinicianId} exists");
        }
        reader.ThrowIfInvalid();
        if (user is { Role: Roles.Clinician } && user.ClinicianProfileId != clinicianId)
        {
            throw new ApiException(403, ErrorCodes.Forbidden, "A clinician may make calendar feeds of their own appointments only.");
        }
        var token = CalendarFeedStore.NewToken();
        var feed = new CalendarFeed
        {
            Id = Ids.New(Ids.CalendarFeed),
            ClinicianProfileId = clinicianId!,
            CreatedBy = caller.Id,
            CreatedAt = TypeHandlers.Truncate(clock.GetUtcNow()),
            Url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/ical/{token}.ics",
        };
        return await request.CreateAsync(feed, write => CalendarFeedStore.InsertAsync(write, feed, token, ct), ct);
    }

    /// <summary>Revokes a feed: its URL answers 404 from now on. Revoking twice is a 409, as for other actions.</summary>
    private static async Task<ApiData<CalendarFeed>> Revoke(string id, TenantDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var feed = await CalendarFeedStore.FindAsync(db, id, ct) ?? throw ApiException.NotFound("calendar feed", id);
        if (!await CalendarFeedStore.RevokeAsync(db, id, now, ct))
        {
            throw new ApiException(409, ErrorCodes.InvalidState, $"Calendar feed {id} is already revoked.");
        }
        return Api.Ok(feed with { RevokedAt = now });
    }

    private static async Task<ApiData<CalendarFeedSettings>> GetSettings(TenantDb db, CancellationToken ct) =>
        Api.Ok(Settings(await CalendarFeedStore.FullNamesAsync(db, ct)));

    private static async Task<ApiData<CalendarFeedSettings>> UpdateSettings(HttpContext http, TenantDb db, CancellationToken ct)
    {
        var reader = new BodyReader((await JsonBody.ReadAsync(http.Request, ct)).Root);
        var choice = reader.Enum("patient_names", CalendarFeedSettings.Choices, required: true);
        reader.ThrowIfInvalid();
        await CalendarFeedStore.SetFullNamesAsync(db, choice == CalendarFeedSettings.Full, ct);
        return Api.Ok(Settings(choice == CalendarFeedSettings.Full));
    }

    private static CalendarFeedSettings Settings(bool fullNames) => new(fullNames ? CalendarFeedSettings.Full : CalendarFeedSettings.Initials);

    private static async Task<IResult> Download(string token, Database database, TimeProvider clock, CancellationToken ct)
    {
        var everyone = database.CrossTenant("calendar feeds");
        if (token.Length is 0 or > 100 || await CalendarFeedStore.FindByTokenAsync(everyone, token, ct) is not { } feed)
        {
            throw new ApiException(404, ErrorCodes.NotFound, "No calendar feed has this address (it may have been revoked).");
        }
        var db = everyone.ForTenant(feed.Tenant);
        var now = clock.GetUtcNow();
        var clinician = await ClinicianStore.FindAsync(db, feed.ClinicianProfileId, ct);
        var entries = await CalendarFeedStore.EntriesAsync(db, feed.ClinicianProfileId, now - Past, now + Ahead, MaxEntries, ct);
        var text = CalendarFeedRenderer.Render(entries, feed.FullNames, $"Leap: {clinician?.DisplayName ?? clinician?.Name ?? "appointments"}");
        return Results.Text(text, CalendarFeedRenderer.ContentType);
    }
}
