using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Availability;

/// <summary>Free slots, computed on request from sessions, bookings, holds and blocks (docs/availability.md).</summary>
public static class AvailabilityApi
{
    private const string DateFrom = "date_from";
    private const string DateTo = "date_to";
    private const string TemplateId = "appointment_template_id";
    private const string ClinicianId = "clinician_profile_id";
    private const string LocationId = "location_id";
    private const string IncludeOffline = "include_offline";

    // Jump's first-generation names for the same parameters (docs/availability.md); is_remote is accepted and
    // changes nothing, since every Leap slot lies in a session at a location and remoteness is chosen at booking.
    private const string StartDate = "start_date";
    private const string EndDate = "end_date";
    private const string TypeId = "appointment_type_id";
    private const string OlderClinicianId = "clinician_id";
    private const string IsRemote = "is_remote";

    /// <summary>A slot as verify and holds name it; the tests send it where the example clinician works on Mondays at 09:00.</summary>
    public const string SlotExample = $$"""
        {"appointment_template_id": "{{ExampleIds.Template}}", "clinician_profile_id": "{{ExampleIds.Clinician}}",
         "location_id": "{{ExampleIds.Location}}", "start_time": "2030-01-07T09:00:00Z"}
        """;

    public static void MapAvailability(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/availability").WithTags("Availability");
        group.MapGet("/", Find).RequireScope(Scopes.ReadAvailability);
        group.MapGet("/next", Next).RequireScope(Scopes.ReadAvailability);
        group.MapPost("/verify", Verify).RequireScope(Scopes.ReadAvailability).Reads("SlotCheck", AvailabilityValidation.DescribeSlot, SlotExample);
    }

    /// <summary>Free slots of a template (also the public booking page's, for its organisation).</summary>
    public static async Task<AvailabilityAnswer> Find(HttpRequest request, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var q = new QueryReader(request, DateFrom, DateTo, TemplateId, ClinicianId, LocationId, StartDate, EndDate, TypeId, OlderClinicianId, IsRemote,
            IncludeOffline);
        // The first generation's date pair counts when it alone is sent, so its errors name its own fields.
        var older = !request.Query.ContainsKey(DateFrom) && !request.Query.ContainsKey(DateTo)
            && (request.Query.ContainsKey(StartDate) || request.Query.ContainsKey(EndDate));
        var range = older ? ReadRange(q, StartDate, EndDate) : ReadRange(q);
        q.Bool(IsRemote);
        var (rules, clinicianId, locationId) = await ReadReferencesAsync(q, db, availability, ct);
        q.ThrowIfInvalid();
        return await AnswerAsync(db, availability, rules!, range, clinicianId, locationId, ct);
    }

    /// <summary>The free slots of <paramref name="rules"/>' template in <paramref name="range"/>, written as <c>GET /availability</c> answers.</summary>
    public static async Task<AvailabilityAnswer> AnswerAsync(TenantDb db, AvailabilityService availability, BookingRules rules, DateRange range,
        string? clinicianId, string? locationId, CancellationToken ct) =>
        new(await availability.FindAsync(db, rules, range.From, range.To, clinicianId, locationId, ct), range);

    /// <summary>
    /// <c>date_from</c> and <c>date_to</c> (or the names given), both required, at most
    /// <see cref="AvailabilityService.MaxRangeDays"/> apart (only valid once <paramref name="q"/> has no errors).
    /// </summary>
    public static DateRange ReadRange(QueryReader q, string dateFrom = DateFrom, string dateTo = DateTo)
    {
        var from = q.Date(dateFrom, required: true);
        var to = q.Date(dateTo, required: true);
        foreach (var (name, date) in new[] { (dateFrom, from), (dateTo, to) })
        {
            if (date is { } day && !AvailabilityValidation.InRange(day))
            {
                q.Fail(name, AvailabilityValidation.OutOfRange);
            }
        }
        if (from is { } first && to is { } last && !q.HasErrors(dateFrom, dateTo))
        {
            if (last < first)
            {
                q.Fail(dateTo, $"must be on or after {dateFrom} ({first:yyyy-MM-dd})");
            }
            else if (last.DayNumber - first.DayNumber > AvailabilityService.MaxRangeDays)
            {
                q.Fail(dateTo, $"must be at most {AvailabilityService.MaxRangeDays} days after {dateFrom} (so {first.AddDays(AvailabilityService.MaxRangeDays):yyyy-MM-dd} at the latest)");
            }
        }
        return new DateRange(from ?? default, to ?? default);
    }

    /// <summary><c>data</c> is the first free slot within 30 days, or null.</summary>
    private static async Task<ApiData<Slot?>> Next(HttpRequest request, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var q = new QueryReader(request, TemplateId, ClinicianId, LocationId, IncludeOffline);
        var (rules, clinicianId, locationId) = await ReadReferencesAsync(q, db, availability, ct);
        q.ThrowIfInvalid();
        return Api.Ok(await availability.NextAsync(db, rules!, clinicianId, locationId, ct));
    }

    /// <summary>Is this one slot still free? Always 200 for a well-formed request: the answer is in <c>data.available</c>.</summary>
    private static async Task<ApiData<SlotCheck>> Verify(HttpContext http, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var includeOffline = ReadIncludeOffline(new QueryReader(http.Request, IncludeOffline));
        var reader = new BodyReader((await JsonBody.ReadAsync(http.Request, ct)).Root);
        var slot = await AvailabilityValidation.ReadSlotAsync(reader, db, availability, ct, includeOffline);
        return Api.Ok(await availability.CheckAsync(db, slot.Rules, slot.ClinicianId, slot.LocationId, slot.Start, ct));
    }

    /// <summary>The current name of a parameter unless only its first-generation name was sent.</summary>
    private static string Either(HttpRequest request, string current, string older) =>
        !request.Query.ContainsKey(current) && request.Query.ContainsKey(older) ? older : current;

    private static async Task<(BookingRules? Rules, string? ClinicianId, string? LocationId)> ReadReferencesAsync(
        QueryReader q, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var templateId = q.Id(Either(q.Request, TemplateId, TypeId), Ids.AppointmentTemplate, required: true);
        var clinicianId = q.Id(Either(q.Request, ClinicianId, OlderClinicianId), Ids.Clinician);
        var locationId = q.Id(LocationId, Ids.Location);
        var (rules, _) = await availability.ResolveAsync(db, templateId, clinicianId, locationId, q.Fail, ct, includeOffline: ReadIncludeOffline(q));
        return (rules, clinicianId, locationId);
    }

    /// <summary>
    /// <c>include_offline=true</c>: templates not offered online and clinicians not bookable online count too, for
    /// reception systems that book by phone. Only a caller who may book appointments (<c>write_appointments</c>) may
    /// ask; anyone else (the public booking page included) gets 403, so it never shows what the clinic keeps offline.
    /// </summary>
    private static bool ReadIncludeOffline(QueryReader q)
    {
        if (q.Bool(IncludeOffline) != true)
        {
            return false;
        }
        if (Caller.Of(q.Request.HttpContext) is { } caller && caller.Scopes.Contains(Scopes.WriteAppointments))
        {
            return true;
        }
        throw new ApiException(403, ErrorCodes.Forbidden,
            $"{IncludeOffline}=true needs the '{Scopes.WriteAppointments}' scope: only callers who may book appointments see what is not bookable online.");
    }
}
