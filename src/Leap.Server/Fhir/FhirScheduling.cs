using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Leap.Server.Accounts;
using Leap.Server.Appointments;
using Leap.Server.Availability;
using Leap.Server.Holds;
using Leap.Server.Http;
using Leap.Server.Storage;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using Appointment = Leap.Server.Appointments.Appointment;
using Slot = Leap.Server.Availability.Slot;
using Task = System.Threading.Tasks.Task;

namespace Leap.Server.Fhir;

/// <summary>
/// Free slots and the IHE ITI Scheduling operations on the REST API's own engine (docs/fhir.md): <c>Slot</c> search and
/// <c>$find</c> ask the availability engine; <c>$hold</c> makes a Leap hold; <c>$book</c> confirms a hold or books
/// directly; PUT or PATCH of <c>status</c> = cancelled cancels. A FHIR request is translated into the REST body it
/// stands for and goes through the same validation, stores, Idempotency-Key pipeline and appointment events.
/// </summary>
public static class FhirScheduling
{
    private const int DefaultDays = 7;

    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Appointment/$find", FindByQuery).RequireScope(Scopes.ReadAvailability);
        fhir.MapPost("/Appointment/$find", FindByParameters).RequireScope(Scopes.ReadAvailability);
        fhir.MapPost("/Appointment/$hold", Hold).RequireScope(Scopes.WriteHolds).Idempotent(FhirJson.ContentType);
        fhir.MapPost("/Appointment/$book", Book).RequireScope(Scopes.WriteAppointments).Idempotent(FhirJson.ContentType);
        fhir.MapPut("/Appointment/{id}", Put).RequireScope(Scopes.WriteAppointments);
        fhir.MapPatch("/Appointment/{id}", Patch).RequireScope(Scopes.WriteAppointments);
    }

    /// <summary>What a free-slot question names (Slot search and $find), as Leap ids.</summary>
    private sealed record SlotQuestion(string? TemplateId, string? ClinicianId, string? LocationId, DateOnly From, DateOnly To);

    public static async Task<FhirResult> SearchSlots(HttpRequest request, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var search = new FhirSearch(request, "schedule", "service-type", "start", "status");
        string? clinicianId = null, locationId = null;
        if (search.Single("schedule") is { } schedule)
        {
            if (FhirIds.ParseSchedule(FhirIds.FromReference(schedule, "Schedule", "sch_")!) is var (clinician, location))
            {
                (clinicianId, locationId) = (clinician, location);
            }
            else
            {
                search.Fail("schedule", "must reference a Schedule (Schedule/{id})");
            }
        }
        if (search.Single("status") is { } status && status != "free")
        {
            search.Fail("status", "only free slots are listed: leave it out or send free");
        }
        var templateId = search.Single("service-type") is { } serviceType ? ServiceId(FhirApi.Token(serviceType)) : null;
        var (from, to) = Dates(search, search.All("start").Select(v => v.Trim()).ToList(), "start");
        var page = search.Query;
        search.ThrowIfInvalid();
        var (slots, name) = await FreeSlotsAsync(db, availability, new SlotQuestion(templateId, clinicianId, locationId, from, to), "service-type", "schedule", ct);
        var items = slots.Skip(page.Offset).Take(page.Limit + 1).ToList();
        return new(FhirSearch.Page(request, page.ToPage(items), s => FhirMapping.ToSlot(s, name)));
    }

    private static async Task<FhirResult> FindByQuery(HttpRequest request, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var search = new FhirSearch(request, "start", "end", "service-type", "practitioner", "location", "patient");
        var question = new Dictionary<string, string?>
        {
            ["start"] = search.Single("start"), ["end"] = search.Single("end"), ["service-type"] = search.Single("service-type"),
            ["practitioner"] = search.Single("practitioner"), ["location"] = search.Single("location"), ["patient"] = search.Single("patient"),
        };
        search.ThrowIfInvalid();
        return await FindAsync(db, availability, question, search.Query.Limit, ct);
    }

    private static async Task<FhirResult> FindByParameters(HttpContext http, TenantDb db, AvailabilityService availability, CancellationToken ct)
    {
        var parameters = FhirJson.Parse<Parameters>((await JsonBody.ReadAsync(http.Request, ct)).Root);
        var question = parameters.Parameter.Where(p => p.Name is not null).ToDictionary(p => p.Name!, p => Text(p.Value), StringComparer.Ordinal);
        var count = question.TryGetValue(FhirSearch.Count, out var raw) && int.TryParse(raw, CultureInfo.InvariantCulture, out var n) ? n : ListSpec.DefaultLimit;
        return await FindAsync(db, availability, question, Math.Clamp(count, 1, ListSpec.MaxLimit), ct);
    }

    /// <summary>$find: proposals for the first free slots (at most <paramref name="count"/>), as a searchset Bundle with a total.</summary>
    private static async Task<FhirResult> FindAsync(TenantDb db, AvailabilityService availability, IReadOnlyDictionary<string, string?> question, int count,
        CancellationToken ct)
    {
        var check = new FhirSearch();
        string? Get(string name) => question.TryGetValue(name, out var value) ? value : null;
        var (from, to) = Dates(check, [.. new[] { Get("start") is { } s ? "ge" + DatePart(s) : null, Get("end") is { } e ? "le" + DatePart(e) : null }.OfType<string>()], "start");
        var clinicianId = Reference(check, Get("practitioner"), "practitioner", "Practitioner", Ids.Clinician);
        var locationId = Reference(check, Get("location"), "location", "Location", Ids.Location);
        var patientId = Reference(check, Get("patient"), "patient", "Patient", Ids.Patient);
        var templateId = Get("service-type") is { } serviceType ? ServiceId(FhirApi.Token(serviceType)) : null;
        check.ThrowIfInvalid();
        var (slots, name) = await FreeSlotsAsync(db, availability, new SlotQuestion(templateId, clinicianId, locationId, from, to), "service-type", "practitioner", ct);
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = Math.Min(count, slots.Count) };
        foreach (var slot in slots.Take(count))
        {
            var proposal = FhirMapping.Proposal(slot, name, patientId);
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = FhirSearch.NewUrn(),
                Resource = proposal,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        return new(bundle);
    }

    /// <summary>
    /// $hold: holds the slot of a proposal from $find (parameter <c>appointment-resource</c>) for 15 minutes; answers a
    /// searchset Bundle with the pending appointment, whose id is the hold's.
    /// </summary>
    private static async Task<StoredAnswer> Hold(WriteRequest request, AvailabilityService availability, TimeProvider clock, CancellationToken ct)
    {
        var (appointment, patientId, _) = ReadOperation(request.Body.Root);
        var db = request.Db;
        var body = RestBody(w =>
        {
            w.WriteString("appointment_template_id", Participant(appointment, "HealthcareService", Ids.AppointmentTemplate) ?? ServiceCode(appointment));
            w.WriteString("clinician_profile_id", Participant(appointment, "Practitioner", Ids.Clinician));
            if (Participant(appointment, "Location", Ids.Location) is { } location)
            {
                w.WriteString("location_id", location);
            }
            WriteInstant(w, "start_time", appointment.StartElement);
        });
        var slot = await AvailabilityValidation.ReadSlotAsync(new BodyReader(body), db, availability, ct);
        return await HoldsApi.PlaceAsync(db, slot, availability, clock, (hold, insert) =>
        {
            // A hold is not readable as an Appointment: its entry has a urn:uuid, as a proposal's has.
            var answer = FhirJson.Serialize(Single(FhirMapping.Held(hold, slot.Rules.TemplateName, patientId), FhirSearch.NewUrn()));
            return request.RunAsync(200, FhirJson.ContentType, async write =>
            {
                await insert(write);
                return answer;
            }, ct);
        }, ct);
    }

    /// <summary>
    /// $book: with <c>appointment-reference</c> to a held appointment (or an <c>appointment-resource</c> whose id is
    /// a hold's), confirms the hold for the patient; with an <c>appointment-resource</c> that names its time,
    /// practitioner and patient, books it directly. Answers a searchset Bundle with the booked appointment.
    /// </summary>
    private static async Task<StoredAnswer> Book(WriteRequest request, HttpContext http, Caller caller, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        var (appointment, patientId, comment) = ReadOperation(request.Body.Root);
        var db = request.Db;
        patientId ??= Participant(appointment, "Patient", Ids.Patient);
        var description = comment ?? appointment.Comment;
        var baseUrl = FhirApi.BaseUrl(http.Request);
        Func<Appointment, Func<TenantDb, Task>, Task<StoredAnswer>> commit = async (booked, book) =>
        {
            var names = await FhirApi.TemplateNamesAsync(db, [booked], ct);
            var appointment = FhirMapping.ToAppointment(booked, FhirApi.Name(names, booked));
            var answer = FhirJson.Serialize(Single(appointment, FhirSearch.FullUrl(baseUrl, appointment)));
            return await request.RunAsync(200, FhirJson.ContentType, async write =>
            {
                await book(write);
                return answer;
            }, ct);
        };
        if (appointment.Id is { } id && FhirIds.ToLeap(id, Ids.Hold) is var holdId && Ids.IsWellFormed(holdId, Ids.Hold))
        {
            if (!caller.Scopes.Contains(Scopes.WriteHolds))
            {
                throw new ApiException(403, ErrorCodes.Forbidden, $"Booking a held appointment confirms a hold, which needs the '{Scopes.WriteHolds}' scope as well.");
            }
            var confirm = RestBody(w =>
            {
                w.WriteString("patient_id", patientId);
                if (appointment.Description is { } title)
                {
                    w.WriteString("title", title);
                }
                if (description is not null)
                {
                    w.WriteString("description", description);
                }
            });
            return await HoldsApi.ConfirmAsync(db, holdId, confirm, events, clock, commit, answer => answer, ct);
        }
        var create = RestBody(w =>
        {
            w.WriteString("patient_id", patientId);
            var templateId = Participant(appointment, "HealthcareService", Ids.AppointmentTemplate) ?? ServiceCode(appointment);
            if (templateId is not null)
            {
                w.WriteString("appointment_type_id", templateId);
            }
            w.WriteString("clinician_profile_id", Participant(appointment, "Practitioner", Ids.Clinician));
            if (Participant(appointment, "Location", Ids.Location) is { } location)
            {
                w.WriteString("location_id", location);
            }
            w.WriteString("title", appointment.Description ?? appointment.ServiceType.FirstOrDefault()?.Text ?? "Appointment");
            if (description is not null)
            {
                w.WriteString("description", description);
            }
            WriteInstant(w, "start_time", appointment.StartElement);
            WriteInstant(w, "end_time", appointment.EndElement);
        });
        return await AppointmentsApi.BookAsync(db, new BodyReader(create), events, clock, commit, answer => answer, ct);
    }

    /// <summary>PUT of an Appointment: only a change of status to cancelled is taken (docs/fhir.md).</summary>
    private static async Task<FhirResult> Put(string id, HttpContext http, TenantDb db, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        var appointment = FhirJson.Parse<FhirAppointment>((await JsonBody.ReadAsync(http.Request, ct)).Root);
        if (appointment.Id is { } bodyId && bodyId != id)
        {
            throw ApiException.BadRequest($"The body's id '{bodyId}' is not the id in the URL ('{id}').");
        }
        if (appointment.Status != FhirAppointment.AppointmentStatus.Cancelled)
        {
            throw OnlyCancel("status");
        }
        return await CancelAsync(db, events, clock, id, appointment.CancelationReason?.Text, ct);
    }

    /// <summary>JSON Patch of an Appointment: <c>replace</c> (or <c>add</c>) of <c>/status</c> with cancelled, and optionally <c>/cancelationReason</c>.</summary>
    private static async Task<FhirResult> Patch(string id, HttpContext http, TenantDb db, AppointmentEvents events, TimeProvider clock, CancellationToken ct)
    {
        if (!(http.Request.ContentType ?? "").StartsWith("application/json-patch+json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, "Send the patch as JSON Patch with 'Content-Type: application/json-patch+json'.");
        }
        var patch = (await JsonBody.ReadAsync(http.Request, ct, arrayAllowed: true)).Root;
        if (patch.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest("A JSON Patch is an array of operations.");
        }
        var cancelled = false;
        string? reason = null;
        foreach (var op in patch.EnumerateArray())
        {
            var verb = op.ValueKind == JsonValueKind.Object && op.TryGetProperty("op", out var o) ? o.GetString() : null;
            var path = op.ValueKind == JsonValueKind.Object && op.TryGetProperty("path", out var p) ? p.GetString() : null;
            var hasValue = op.ValueKind == JsonValueKind.Object && op.TryGetProperty("value", out var value);
            if (verb is not ("replace" or "add") || !hasValue)
            {
                throw OnlyCancel(path ?? "op");
            }
            value = op.GetProperty("value");
            switch (path)
            {
                case "/status" when value.ValueKind == JsonValueKind.String && value.GetString() == "cancelled":
                    cancelled = true;
                    break;
                case "/cancelationReason" when value.ValueKind == JsonValueKind.Object:
                    reason = value.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
                    break;
                default:
                    throw OnlyCancel(path ?? "path");
            }
        }
        if (!cancelled)
        {
            throw OnlyCancel("status");
        }
        return await CancelAsync(db, events, clock, id, reason, ct);
    }

    /// <summary>Cancels through the REST API's own action; cancelling a cancelled appointment again answers it as it is.</summary>
    private static async Task<FhirResult> CancelAsync(TenantDb db, AppointmentEvents events, TimeProvider clock, string id, string? reason, CancellationToken ct)
    {
        var leapId = FhirIds.ToLeap(id, Ids.Appointment);
        var current = await AppointmentStore.FindAsync(db, leapId, ct) ?? throw FhirApi.NotFound("Appointment", id);
        if (reason is { Length: > 500 })
        {
            throw ApiException.Validation([new FieldError("cancelationReason", "must be at most 500 characters")]);
        }
        var after = current.Status == AppointmentStatuses.Cancelled
            ? current
            : await AppointmentsApi.CancelAsync(db, events, leapId, reason, TypeHandlers.Truncate(clock.GetUtcNow()), ct);
        var names = await FhirApi.TemplateNamesAsync(db, [after], ct);
        return new(FhirMapping.ToAppointment(after, FhirApi.Name(names, after)));
    }

    private static ApiException OnlyCancel(string field) => ApiException.Validation([new FieldError(field,
        "only a change of status to cancelled (with an optional cancelationReason) is supported through FHIR; reschedule with the REST API")]);

    /// <summary>
    /// The appointment an operation is about (<c>appointment-resource</c>, or <c>appointment-reference</c> to a held
    /// appointment; a bare Appointment body is taken too), the patient of <c>patient-resource</c> or
    /// <c>patient-reference</c>, and <c>comment</c>.
    /// </summary>
    private static (FhirAppointment Appointment, string? PatientId, string? Comment) ReadOperation(JsonElement body)
    {
        if (body.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Appointment")
        {
            return (FhirJson.Parse<FhirAppointment>(body), null, null);
        }
        var parameters = FhirJson.Parse<Parameters>(body);
        var appointment = parameters.GetSingle("appointment-resource")?.Resource as FhirAppointment;
        if (appointment is null && parameters.GetSingle("appointment-reference")?.Value is ResourceReference reference)
        {
            appointment = new FhirAppointment { Id = FhirIds.FromReference(reference.Reference, "Appointment", Ids.Hold) is { } held ? FhirIds.ToFhir(held) : null };
        }
        if (appointment is null)
        {
            throw ApiException.Validation([new FieldError("appointment-resource", "is required: the Appointment (or an appointment-reference to a held one)")]);
        }
        var patient = parameters.GetSingle("patient-resource")?.Resource?.Id
            ?? (parameters.GetSingle("patient-reference")?.Value as ResourceReference)?.Reference;
        var patientId = patient is null ? null : FhirIds.FromReference(patient, "Patient", Ids.Patient);
        return (appointment, patientId, Text(parameters.GetSingle("comment")?.Value));
    }

    /// <summary>The free slots a question asks for, and the template's name; problems are a 422 under the FHIR parameter names.</summary>
    private static async Task<(IReadOnlyList<Slot> Slots, string TemplateName)> FreeSlotsAsync(TenantDb db, AvailabilityService availability,
        SlotQuestion q, string templateField, string clinicianField, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (q.TemplateId is null)
        {
            errors.Add(new FieldError(templateField, "is required: the HealthcareService (appointment template) to book"));
        }
        var (rules, _) = await availability.ResolveAsync(db, q.TemplateId, q.ClinicianId, q.LocationId, (f, m) => errors.Add(new FieldError(f, m)), ct,
            templateField, clinicianField);
        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }
        using var slots = await availability.FindAsync(db, rules!, q.From, q.To, q.ClinicianId, q.LocationId, ct);
        var list = new List<Slot>(slots.Count);
        for (var i = 0; i < slots.Count; i++)
        {
            list.Add(slots[i]);
        }
        return (list, rules!.TemplateName);
    }

    /// <summary>The local dates a start parameter spans: prefixes ge/gt/eq/le/lt on dates, 7 days from today by default, at most 14.</summary>
    private static (DateOnly From, DateOnly To) Dates(FhirSearch search, IReadOnlyList<string> values, string name)
    {
        DateOnly? from = null, to = null;
        foreach (var raw in values)
        {
            var prefix = raw.Length > 2 && char.IsLetter(raw[0]) ? raw[..2] : "eq";
            var text = raw.Length > 2 && char.IsLetter(raw[0]) ? raw[2..] : raw;
            if (!DateOnly.TryParseExact(DatePart(text), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                || !AvailabilityValidation.InRange(day))
            {
                search.Fail(name, $"must be a date (YYYY-MM-DD) {AvailabilityValidation.OutOfRange}, after an optional prefix ge, gt, eq, le or lt");
                continue;
            }
            switch (prefix)
            {
                case "eq": (from, to) = (day, day); break;
                case "ge": from = day; break;
                case "gt": from = day.AddDays(1); break;
                case "le": to = day; break;
                case "lt": to = day.AddDays(-1); break;
                default: search.Fail(name, $"prefix '{prefix}' is not supported (ge, gt, eq, le, lt)"); break;
            }
        }
        var first = from ?? (to is { } end ? end.AddDays(-(DefaultDays - 1)) : DateOnly.FromDateTime(DateTime.UtcNow));
        var last = to ?? first.AddDays(DefaultDays - 1);
        if (last < first)
        {
            search.Fail(name, "the range ends before it starts");
        }
        else if (last.DayNumber - first.DayNumber > AvailabilityService.MaxRangeDays)
        {
            search.Fail(name, $"the range may span at most {AvailabilityService.MaxRangeDays} days");
        }
        return (first, last);
    }

    /// <summary>The date of a date or dateTime value.</summary>
    private static string DatePart(string value) => value.Length > 10 ? value[..10] : value;

    private static string? Reference(FhirSearch check, string? raw, string name, string type, string prefix)
    {
        if (raw is null)
        {
            return null;
        }
        var id = FhirIds.FromReference(raw, type, prefix);
        if (id is null || !Ids.IsWellFormed(id, prefix))
        {
            check.Fail(name, $"must reference a {type} ({type}/{prefix[..^1]}-…)");
            return null;
        }
        return id;
    }

    /// <summary>A HealthcareService named by a service-type token or reference, as a template id.</summary>
    private static string ServiceId(string raw) => FhirIds.FromReference(raw, "HealthcareService", Ids.AppointmentTemplate)!;

    private static string? ServiceCode(FhirAppointment appointment) =>
        appointment.ServiceType.SelectMany(c => c.Coding).Select(c => c.Code).OfType<string>().Select(ServiceId).FirstOrDefault();

    /// <summary>The Leap id of the appointment's participant of <paramref name="type"/> (as sent when it is not one of ours).</summary>
    private static string? Participant(FhirAppointment appointment, string type, string prefix) =>
        appointment.Participant.Select(p => p.Actor?.Reference).OfType<string>()
            .Where(r => r.StartsWith(type + "/", StringComparison.Ordinal) || r.Contains("/" + type + "/", StringComparison.Ordinal))
            .Select(r => FhirIds.FromReference(r, type, prefix)).FirstOrDefault();

    private static string? Text(DataType? value) => value switch
    {
        ResourceReference reference => reference.Reference,
        PrimitiveType primitive => primitive.ToString(),
        _ => null,
    };

    private static void WriteInstant(Utf8JsonWriter w, string field, Instant? value)
    {
        if (value?.Value is { } instant)
        {
            w.WriteString(field, instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The REST body a FHIR request stands for, so it is read by the REST API's own validation.</summary>
    private static JsonElement RestBody(Action<Utf8JsonWriter> write)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(output.WrittenMemory).RootElement;
    }

    /// <summary>An operation's answer: a searchset Bundle holding the one appointment (IHE ITI Scheduling Bundle).</summary>
    private static Bundle Single(FhirAppointment appointment, string fullUrl) => new()
    {
        Type = Bundle.BundleType.Searchset,
        Total = 1,
        Entry = [new Bundle.EntryComponent { FullUrl = fullUrl, Resource = appointment, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } }],
    };
}
