using Hl7.Fhir.Model;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Patients;
using Leap.Server.Storage;
using Appointment = Leap.Server.Appointments.Appointment;

namespace Leap.Server.Fhir;

/// <summary>
/// The FHIR R4 facade at <c>/fhir/r4</c> (docs/fhir.md): reads and searches of the directory, patients, free slots and
/// appointments, and the IHE scheduling operations (<see cref="FhirScheduling"/>), over the same stores, keys, scopes
/// and tenant rule as the REST API. FHIR JSON is written by the Firely SDK; errors are OperationOutcomes.
/// </summary>
public static class FhirApi
{
    public const string Root = "/fhir/r4";

    public static bool Serves(PathString path) => path.StartsWithSegments(Root);

    /// <summary>The facade's base URL as the client called it (fullUrls and paging links start with it).</summary>
    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Root}";

    public static void MapFhir(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(Root).ExcludeFromDescription();
        fhir.MapGet("/metadata", (HttpRequest request, TimeProvider clock) => new FhirResult(FhirCapability.Statement(BaseUrl(request), clock.GetUtcNow())));

        fhir.MapGet("/Patient/{id}", ReadPatient).RequireScope(Scopes.ReadPatients);
        fhir.MapGet("/Patient", SearchPatients).RequireScope(Scopes.ReadPatients);
        fhir.MapGet("/Practitioner/{id}", ReadPractitioner).RequireScope(Scopes.ReadClinicians);
        fhir.MapGet("/Practitioner", SearchPractitioners).RequireScope(Scopes.ReadClinicians);
        fhir.MapGet("/Location/{id}", ReadLocation).RequireScope(Scopes.ReadLocations);
        fhir.MapGet("/Location", SearchLocations).RequireScope(Scopes.ReadLocations);
        fhir.MapGet("/HealthcareService/{id}", ReadService).RequireScope(Scopes.ReadAppointmentTemplates);
        fhir.MapGet("/HealthcareService", SearchServices).RequireScope(Scopes.ReadAppointmentTemplates);
        fhir.MapGet("/Schedule/{id}", ReadSchedule).RequireScope(Scopes.ReadClinicians);
        fhir.MapGet("/Schedule", SearchSchedules).RequireScope(Scopes.ReadClinicians);
        fhir.MapGet("/Slot", FhirScheduling.SearchSlots).RequireScope(Scopes.ReadAvailability);
        fhir.MapGet("/Appointment/{id}", ReadAppointment).RequireScope(Scopes.ReadAppointments);
        fhir.MapGet("/Appointment", SearchAppointments).RequireScope(Scopes.ReadAppointments);
        FhirScheduling.Map(fhir);
    }

    private static async Task<FhirResult> ReadPatient(string id, TenantDb db, CancellationToken ct) =>
        new(FhirMapping.ToPatient(await PatientStore.FindAsync(db, FhirIds.ToLeap(id, Ids.Patient), ct) ?? throw NotFound("Patient", id)));

    private static async Task<FhirResult> SearchPatients(HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var search = new FhirSearch(request, "_id", "name", "birthdate", "identifier");
        IdCondition(search, Ids.Patient, "patients.id");
        if (search.Single("name") is { Length: > 0 } name)
        {
            search.Query.Raw["search"] = name;
        }
        if (search.Single("birthdate") is { } birthdate)
        {
            if (DateOnly.TryParseExact(birthdate.StartsWith("eq", StringComparison.Ordinal) ? birthdate[2..] : birthdate, "yyyy-MM-dd",
                    System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
            {
                search.Query.AddCondition($"patients.date_of_birth = {search.Query.Bind(day)}");
            }
            else
            {
                search.Fail("birthdate", "must be a date (YYYY-MM-DD), optionally after eq");
            }
        }
        if (search.Single("identifier") is { } identifier)
        {
            var bar = identifier.IndexOf('|', StringComparison.Ordinal);
            var (system, value) = bar < 0 ? (null, identifier) : (identifier[..bar], identifier[(bar + 1)..]);
            // Patients carry one identifier system, the NHS number; another system matches nobody.
            search.Query.AddCondition(system is null or "" or FhirMapping.NhsNumberSystem
                ? $"patients.nhs_number = {search.Query.Bind(value.Replace(" ", "", StringComparison.Ordinal))}"
                : "1 = 0");
        }
        search.ThrowIfInvalid();
        return new(FhirSearch.Page(request, await PatientStore.ListAsync(db, search.Query, ct), FhirMapping.ToPatient));
    }

    private static async Task<FhirResult> ReadPractitioner(string id, TenantDb db, CancellationToken ct) =>
        new(FhirMapping.ToPractitioner(await ClinicianStore.FindAsync(db, FhirIds.ToLeap(id, Ids.Clinician), ct) ?? throw NotFound("Practitioner", id)));

    private static async Task<FhirResult> SearchPractitioners(HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var search = new FhirSearch(request, "_id", "name", "active");
        IdCondition(search, Ids.Clinician);
        TextCondition(search);
        BoolCondition(search, "active", "is_active");
        search.ThrowIfInvalid();
        return new(FhirSearch.Page(request, await ClinicianStore.ListAsync(db, search.Query, ct), FhirMapping.ToPractitioner));
    }

    private static async Task<FhirResult> ReadLocation(string id, TenantDb db, CancellationToken ct) =>
        new(FhirMapping.ToLocation(await LocationStore.FindAsync(db, FhirIds.ToLeap(id, Ids.Location), ct) ?? throw NotFound("Location", id)));

    private static async Task<FhirResult> SearchLocations(HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var search = new FhirSearch(request, "_id", "name", "status");
        IdCondition(search, Ids.Location);
        TextCondition(search);
        if (search.Single("status") is { } status)
        {
            if (status is "active" or "inactive")
            {
                search.Query.AddCondition($"is_active = {search.Query.Bind(status == "active")}");
            }
            else
            {
                search.Fail("status", "must be active or inactive");
            }
        }
        search.ThrowIfInvalid();
        return new(FhirSearch.Page(request, await LocationStore.ListAsync(db, search.Query, ct), FhirMapping.ToLocation));
    }

    private static async Task<FhirResult> ReadService(string id, TenantDb db, CancellationToken ct) =>
        new(FhirMapping.ToHealthcareService(await AppointmentTemplateStore.FindAsync(db, FhirIds.ToLeap(id, Ids.AppointmentTemplate), ct)
            ?? throw NotFound("HealthcareService", id)));

    private static async Task<FhirResult> SearchServices(HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var search = new FhirSearch(request, "_id", "name", "active");
        IdCondition(search, Ids.AppointmentTemplate);
        if (search.Single("name") is { Length: > 0 } name)
        {
            search.Query.AddCondition($"LOWER(name) LIKE {search.Query.Bind($"%{ListSpec.EscapeLike(name.ToLowerInvariant())}%")} ESCAPE '\\'");
        }
        BoolCondition(search, "active", "is_active");
        search.ThrowIfInvalid();
        return new(FhirSearch.Page(request, await AppointmentTemplateStore.ListAsync(db, search.Query, ct), FhirMapping.ToHealthcareService));
    }

    private static async Task<FhirResult> ReadSchedule(string id, TenantDb db, CancellationToken ct)
    {
        var search = new ListQuery { Limit = 1 };
        if (FhirIds.ParseSchedule(id) is not var (clinicianId, locationId))
        {
            throw NotFound("Schedule", id);
        }
        search.AddCondition($"c.id = {search.Bind(clinicianId)}");
        search.AddCondition($"l.id = {search.Bind(locationId)}");
        var page = await FhirSchedules.ListAsync(db, search, ct);
        return new(page.Items.Count == 1 ? FhirSchedules.Map(page.Items[0]) : throw NotFound("Schedule", id));
    }

    private static async Task<FhirResult> SearchSchedules(HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var search = new FhirSearch(request, "actor", "active");
        foreach (var actor in search.All("actor"))
        {
            if (FhirIds.FromReference(actor, "Practitioner", Ids.Clinician) is { } clinician && Ids.IsWellFormed(clinician, Ids.Clinician))
            {
                search.Query.AddCondition($"c.id = {search.Query.Bind(clinician)}");
            }
            else if (FhirIds.FromReference(actor, "Location", Ids.Location) is { } location && Ids.IsWellFormed(location, Ids.Location))
            {
                search.Query.AddCondition($"l.id = {search.Query.Bind(location)}");
            }
            else
            {
                search.Fail("actor", "must reference a Practitioner (Practitioner/cli-…) or a Location (Location/loc-…)");
            }
        }
        if (search.Boolean("active") is { } active)
        {
            var yes = search.Query.Bind(true);
            var no = search.Query.Bind(false);
            search.Query.AddCondition(active ? $"(c.is_active = {yes} AND l.is_active = {yes})" : $"(c.is_active = {no} OR l.is_active = {no})");
        }
        search.ThrowIfInvalid();
        return new(FhirSearch.Page(request, await FhirSchedules.ListAsync(db, search.Query, ct), FhirSchedules.Map));
    }

    private static async Task<FhirResult> ReadAppointment(string id, TenantDb db, CancellationToken ct)
    {
        var appointment = await AppointmentStore.FindAsync(db, FhirIds.ToLeap(id, Ids.Appointment), ct) ?? throw NotFound("Appointment", id);
        var names = await TemplateNamesAsync(db, [appointment], ct);
        return new(FhirMapping.ToAppointment(appointment, Name(names, appointment)));
    }

    private static async Task<FhirResult> SearchAppointments(HttpRequest request, TenantDb db, CancellationToken ct)
    {
        var search = new FhirSearch(request, "_id", "patient", "practitioner", "location", "service-type", "date", "status");
        IdCondition(search, Ids.Appointment);
        ReferenceCondition(search, "patient", "Patient", Ids.Patient, "patient_id");
        ReferenceCondition(search, "practitioner", "Practitioner", Ids.Clinician, "clinician_profile_id");
        ReferenceCondition(search, "location", "Location", Ids.Location, "location_id");
        if (search.Single("service-type") is { } serviceType)
        {
            search.Query.AddCondition($"appointment_type_id = {search.Query.Bind(FhirIds.FromReference(Token(serviceType), "HealthcareService", Ids.AppointmentTemplate)!)}");
        }
        search.DateRange("date", "start_time");
        if (search.Single("status") is { } status)
        {
            var statuses = status.Split(',').SelectMany(FhirMapping.Statuses).ToList();
            if (statuses.Count == 0)
            {
                search.Fail("status", "must be one or more of pending, booked, cancelled, fulfilled, noshow (comma-separated)");
            }
            else
            {
                search.Query.AddCondition($"status IN ({string.Join(", ", statuses.Select(search.Query.Bind))})");
            }
        }
        search.ThrowIfInvalid();
        var page = await AppointmentStore.ListAsync(db, search.Query, ct);
        var names = await TemplateNamesAsync(db, page.Items, ct);
        return new(FhirSearch.Page(request, page, a => FhirMapping.ToAppointment(a, Name(names, a))));
    }

    /// <summary>The names of the templates the appointments were booked for, by id.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> TemplateNamesAsync(TenantDb db, IEnumerable<Appointment> appointments, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var templateId in appointments.Select(a => a.AppointmentTypeId).OfType<string>().Distinct())
        {
            if (await AppointmentTemplateStore.FindAsync(db, templateId, ct) is { } template)
            {
                names[templateId] = template.Name;
            }
        }
        return names;
    }

    public static string? Name(IReadOnlyDictionary<string, string> names, Appointment a) =>
        a.AppointmentTypeId is { } id && names.TryGetValue(id, out var name) ? name : null;

    /// <summary>The code of a token parameter (<c>system|code</c> or <c>code</c>).</summary>
    public static string Token(string raw) => raw[(raw.IndexOf('|', StringComparison.Ordinal) + 1)..];

    public static ApiException NotFound(string type, string id) => new(404, ErrorCodes.NotFound, $"No {type} with id '{id}' exists.");

    private static void IdCondition(FhirSearch search, string prefix, string column = "id")
    {
        if (search.Single("_id") is { } id)
        {
            search.Query.AddCondition($"{column} = {search.Query.Bind(FhirIds.ToLeap(id, prefix))}");
        }
    }

    private static void TextCondition(FhirSearch search)
    {
        if (search.Single("name") is { Length: > 0 } name)
        {
            search.Query.Raw["search"] = name;
        }
    }

    private static void BoolCondition(FhirSearch search, string name, string column)
    {
        if (search.Boolean(name) is { } value)
        {
            search.Query.AddCondition($"{column} = {search.Query.Bind(value)}");
        }
    }

    private static void ReferenceCondition(FhirSearch search, string name, string type, string prefix, string column)
    {
        if (search.Reference(name, type, prefix) is { } id)
        {
            search.Query.AddCondition($"{column} = {search.Query.Bind(id)}");
        }
    }
}

/// <summary>Schedules: each clinician at each location they work at (<c>clinician_locations</c>), as FHIR sees a diary.</summary>
public static class FhirSchedules
{
    public sealed record Row
    {
        public required string ClinicianId { get; init; }
        public required string ClinicianName { get; init; }
        public required string LocationId { get; init; }
        public required string LocationName { get; init; }
        public bool ClinicianActive { get; init; }
        public bool LocationActive { get; init; }
    }

    public static Task<Page<Row>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<Row>(
            $"""
            SELECT c.id AS clinician_id, c.name AS clinician_name, l.id AS location_id, l.name AS location_name,
                   c.is_active AS clinician_active, l.is_active AS location_active
            FROM clinician_locations cl
            JOIN clinician_profiles c ON c.id = cl.clinician_id AND {TenantSql.Of("c")}
            JOIN locations l ON l.id = cl.location_id AND {TenantSql.Of("l")}
            WHERE 1 = 1{query.Where}
            ORDER BY c.id, l.id LIMIT @Limit OFFSET @Offset
            """, query, ct);

    public static Resource Map(Row row) =>
        FhirMapping.ToSchedule(row.ClinicianId, row.ClinicianName, row.LocationId, row.LocationName, row.ClinicianActive && row.LocationActive);
}
