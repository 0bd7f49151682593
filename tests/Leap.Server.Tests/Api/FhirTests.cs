using Hl7.Fhir.Model;
using Leap.Server.Accounts;
using Leap.Server.Fhir;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using FhirLocation = Hl7.Fhir.Model.Location;
using FhirPatient = Hl7.Fhir.Model.Patient;
using Task = System.Threading.Tasks.Task;

namespace Leap.Server.Tests.Api;

/// <summary>
/// The FHIR R4 facade (docs/fhir.md): every answer, errors included, is validated against the base R4 specification
/// by <see cref="FhirClient"/>. The clinic's clock stands on Monday 1 June 2026, 08:00 UTC; its clinician works
/// 09:00-17:00 London time (08:00-16:00 UTC) on weekdays.
/// </summary>
public abstract class FhirTests(LeapFixture server)
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private async Task<(Clinic Clinic, FhirClient Fhir)> OpenAsync()
    {
        var c = await Clinic.OpenAsync(server, Now);
        return (c, new FhirClient(c.Api));
    }

    private static string Fid(string leapId) => FhirIds.ToFhir(leapId);

    [Fact]
    public async Task Metadata_lists_exactly_the_supported_resources_interactions_parameters_and_operations()
    {
        var t = await server.NewTenantAsync();
        var statement = (await new FhirClient(t.Anonymous()).GetAsync("metadata")).As<CapabilityStatement>(200);
        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        var rest = Assert.Single(statement.Rest);
        Assert.Equal(["Patient", "Practitioner", "Location", "HealthcareService", "Schedule", "Slot", "Appointment"], rest.Resource.Select(r => r.Type));
        var appointment = rest.Resource.Single(r => r.Type == "Appointment");
        Assert.Equal(["find", "hold", "book"], appointment.Operation.Select(o => o.Name));
        Assert.Equal([CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType,
            CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Patch], appointment.Interaction.Select(i => i.Code!.Value));
        Assert.DoesNotContain(rest.Resource.Single(r => r.Type == "Slot").Interaction, i => i.Code == CapabilityStatement.TypeRestfulInteraction.Read);

        // Every listed search parameter is accepted; one that is not listed is refused.
        var fhir = new FhirClient(t.Api);
        foreach (var resource in rest.Resource)
        {
            foreach (var parameter in resource.SearchParam)
            {
                var answer = await fhir.GetAsync($"{resource.Type}?{parameter.Name}={SampleValue(parameter.Name!, parameter.Type!.Value)}" +
                                                 (resource.Type == "Slot" && parameter.Name != "service-type" ? "&service-type=tmpl-x" : ""));
                Assert.True(answer.StatusCode != 400, $"{resource.Type}?{parameter.Name} was refused: {answer.Result.Raw}");
            }
            (await fhir.GetAsync($"{resource.Type}?nonsense=1")).Outcome(400, "BAD_REQUEST");
        }
    }

    private static string SampleValue(string name, SearchParamType type) => (name, type) switch
    {
        (_, SearchParamType.Date) => "ge2026-06-01",
        ("active", _) => "true",
        ("status", _) => "active",
        (_, SearchParamType.Reference) => "Practitioner/cli-00000000-0000-7000-8000-000000000000",
        _ => "x",
    };

    [Fact]
    public async Task Patients_are_read_and_searched_by_name_birthdate_and_NHS_number_with_paging_links()
    {
        var t = await server.NewTenantAsync();
        var fhir = new FhirClient(t.Api);
        var ada = await t.CreatePatientAsync("Ada", "Fhirsearch", "1980-02-03", new { nhs_number = "9434765919", email = "ada@example.com", title = "Dr" });
        var bea = await t.CreatePatientAsync("Bea", "Fhirsearch");
        var cai = await t.CreatePatientAsync("Cai", "Fhirsearch");

        var patient = (await fhir.GetAsync($"Patient/{Fid(ada)}")).As<FhirPatient>(200);
        Assert.Equal(Fid(ada), patient.Id);
        Assert.Equal("1980-02-03", patient.BirthDate);
        Assert.Equal("Fhirsearch", patient.Name[0].Family);
        Assert.Equal(["Ada"], patient.Name[0].Given);
        var nhs = Assert.Single(patient.Identifier);
        Assert.Equal((FhirMapping.NhsNumberSystem, "9434765919"), (nhs.System, nhs.Value));

        var first = await fhir.GetAsync("Patient?name=fhirsearch&_count=2");
        Assert.Equal([Fid(ada), Fid(bea)], first.Entries<FhirPatient>().Select(p => p.Id));
        Assert.EndsWith($"/fhir/r4/Patient/{Fid(ada)}", ((Bundle)first.Resource).Entry[0].FullUrl);
        Assert.Null(first.Link("previous"));
        var next = first.Link("next")!;
        Assert.Contains("_offset=2", next);
        var second = await fhir.GetAsync(next[(next.IndexOf("/fhir/r4/", StringComparison.Ordinal) + FhirClient.Root.Length)..]);
        Assert.Equal([Fid(cai)], second.Entries<FhirPatient>().Select(p => p.Id));
        Assert.Null(second.Link("next"));
        Assert.NotNull(second.Link("previous"));

        Assert.Equal([Fid(ada)], (await fhir.GetAsync($"Patient?identifier={FhirMapping.NhsNumberSystem}|9434765919")).Entries<FhirPatient>().Select(p => p.Id));
        Assert.Equal([Fid(ada)], (await fhir.GetAsync("Patient?identifier=943 476 5919")).Entries<FhirPatient>().Select(p => p.Id));
        Assert.Empty((await fhir.GetAsync("Patient?identifier=https://example.com/mrn|9434765919")).Entries<FhirPatient>());
        Assert.Equal([Fid(ada)], (await fhir.GetAsync("Patient?name=fhirsearch&birthdate=1980-02-03")).Entries<FhirPatient>().Select(p => p.Id));
        Assert.Equal([Fid(bea)], (await fhir.GetAsync($"Patient?_id={Fid(bea)}")).Entries<FhirPatient>().Select(p => p.Id));
        (await fhir.GetAsync("Patient?birthdate=yesterday")).Outcome(422, "VALIDATION_ERROR");
        (await fhir.GetAsync("Patient?_count=1000")).Outcome(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Practitioners_locations_services_and_schedules_are_read_and_searched_with_paging()
    {
        var (c, fhir) = await OpenAsync();
        await using var _ = c;
        var second = await c.T.CreateLocationAsync("Second Surgery");
        var other = await c.T.CreateClinicianAsync("Dr Other", locationIds: [c.Location, second]);

        var practitioner = (await fhir.GetAsync($"Practitioner/{Fid(c.Clinician)}")).As<Practitioner>(200);
        Assert.Equal("Dr Avail", practitioner.Name[0].Text);
        var page = await fhir.GetAsync("Practitioner?_count=1");
        Assert.Equal([Fid(c.Clinician)], page.Entries<Practitioner>().Select(p => p.Id));
        Assert.Contains("_offset=1", page.Link("next"));
        Assert.Equal([Fid(other)], (await fhir.GetAsync("Practitioner?_count=1&_offset=1")).Entries<Practitioner>().Select(p => p.Id));
        Assert.Equal([Fid(other)], (await fhir.GetAsync("Practitioner?name=other")).Entries<Practitioner>().Select(p => p.Id));

        var location = (await fhir.GetAsync($"Location/{Fid(c.Location)}")).As<FhirLocation>(200);
        Assert.Equal("Test Surgery", location.Name);
        Assert.Equal([Fid(second)], (await fhir.GetAsync("Location?name=second")).Entries<FhirLocation>().Select(l => l.Id));
        Assert.Equal(2, (await fhir.GetAsync("Location?status=active")).Entries<FhirLocation>().Count);

        var service = (await fhir.GetAsync($"HealthcareService/{Fid(c.Template)}")).As<HealthcareService>(200);
        Assert.Equal("Consultation", service.Name);
        Assert.Equal([Fid(c.Template)], (await fhir.GetAsync("HealthcareService?name=consult&active=true")).Entries<HealthcareService>().Select(s => s.Id));

        // A schedule is a clinician at a location: three pairs here.
        var schedules = await fhir.GetAsync("Schedule?_count=2");
        Assert.Equal(2, schedules.Entries<Schedule>().Count);
        Assert.NotNull(schedules.Link("next"));
        var atSecond = (await fhir.GetAsync($"Schedule?actor=Location/{Fid(second)}")).Entries<Schedule>();
        var schedule = Assert.Single(atSecond);
        Assert.Equal(FhirIds.ScheduleId(other, second), schedule.Id);
        Assert.Equal([$"Practitioner/{Fid(other)}", $"Location/{Fid(second)}"], schedule.Actor.Select(a => a.Reference));
        Assert.Equal(2, (await fhir.GetAsync($"Schedule?actor=Practitioner/{Fid(other)}")).Entries<Schedule>().Count);
        Assert.Equal(schedule.Id, (await fhir.GetAsync($"Schedule/{schedule.Id}")).As<Schedule>(200).Id);
        (await fhir.GetAsync($"Schedule/{FhirIds.ScheduleId(c.Clinician, second)}")).Outcome(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Slots_are_the_availability_engines_free_slots_with_paging()
    {
        var (c, fhir) = await OpenAsync();
        await using var _ = c;
        await c.BookAsync("2026-06-08T08:00:00Z", "2026-06-08T08:30:00Z");
        var rest = await c.StartsAsync("2026-06-08", "2026-06-08");

        var first = await fhir.GetAsync($"Slot?service-type={Fid(c.Template)}&start=ge2026-06-08&start=le2026-06-08&_count=10");
        var slots = first.Entries<Hl7.Fhir.Model.Slot>();
        Assert.Equal(rest.Take(10), slots.Select(s => s.Start!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(slots, s => Assert.Equal(Hl7.Fhir.Model.Slot.SlotStatus.Free, s.Status));
        Assert.Equal($"Schedule/{FhirIds.ScheduleId(c.Clinician, c.Location)}", slots[0].Schedule.Reference);
        var next = first.Link("next")!;
        var all = new List<string>();
        for (var offset = 0; ; offset += 10)
        {
            var page = await fhir.GetAsync($"Slot?service-type={Fid(c.Template)}&schedule=Schedule/{FhirIds.ScheduleId(c.Clinician, c.Location)}&start=eq2026-06-08&_count=10&_offset={offset}");
            all.AddRange(page.Entries<Hl7.Fhir.Model.Slot>().Select(s => s.Start!.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
            if (page.Link("next") is null)
            {
                break;
            }
        }
        Assert.Contains("_offset=10", next);
        Assert.Equal(rest, all);

        (await fhir.GetAsync("Slot?start=ge2026-06-08")).Outcome(422, "VALIDATION_ERROR");
        (await fhir.GetAsync($"Slot?service-type={Fid(c.Template)}&start=ge2026-06-01&start=le2026-06-30")).Outcome(422, "VALIDATION_ERROR");
        (await fhir.GetAsync($"Slot?service-type={Fid(c.Template)}&status=busy")).Outcome(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Appointments_are_read_and_searched_by_patient_practitioner_date_and_status_with_paging()
    {
        var (c, fhir) = await OpenAsync();
        await using var _ = c;
        var a1 = await c.BookAsync("2026-06-08T08:00:00Z", "2026-06-08T08:30:00Z");
        var a2 = await c.BookAsync("2026-06-08T09:00:00Z", "2026-06-08T09:30:00Z");
        var a3 = await c.BookAsync("2026-06-09T09:00:00Z", "2026-06-09T09:30:00Z");
        (await c.Api.PostAsync($"appointments/{a3}/cancel", new { cancellation_reason = "Unwell" })).Expect(200);
        var rest = (await c.Api.GetAsync($"appointments/{a1}")).Expect(200).Data;

        var appointment = (await fhir.GetAsync($"Appointment/{Fid(a1)}")).As<FhirAppointment>(200);
        Assert.Equal(FhirAppointment.AppointmentStatus.Booked, appointment.Status);
        Assert.Equal(DateTimeOffset.Parse("2026-06-08T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture), appointment.Start);
        Assert.Contains(appointment.Participant, p => p.Actor?.Reference == $"Patient/{Fid(rest.GetProperty("patient_id").GetString()!)}");
        Assert.Contains(appointment.Participant, p => p.Actor?.Reference == $"Practitioner/{Fid(c.Clinician)}");
        Assert.Contains(appointment.Participant, p => p.Actor?.Reference == $"HealthcareService/{Fid(c.Template)}");
        Assert.Equal("Consultation", appointment.ServiceType[0].Text);

        var page = await fhir.GetAsync($"Appointment?practitioner=Practitioner/{Fid(c.Clinician)}&_count=2");
        Assert.Equal([Fid(a1), Fid(a2)], page.Entries<FhirAppointment>().Select(a => a.Id));
        Assert.Equal([Fid(a3)], (await fhir.GetAsync($"Appointment?practitioner={Fid(c.Clinician)}&_count=2&_offset=2")).Entries<FhirAppointment>().Select(a => a.Id));
        Assert.Equal([Fid(a1), Fid(a2)], (await fhir.GetAsync("Appointment?date=2026-06-08")).Entries<FhirAppointment>().Select(a => a.Id));
        Assert.Equal([Fid(a2), Fid(a3)], (await fhir.GetAsync("Appointment?date=ge2026-06-08T08:30:00Z&date=lt2026-06-10")).Entries<FhirAppointment>().Select(a => a.Id));
        var cancelled = Assert.Single((await fhir.GetAsync("Appointment?status=cancelled")).Entries<FhirAppointment>());
        Assert.Equal("Unwell", cancelled.CancelationReason?.Text);
        Assert.Equal([Fid(a1)], (await fhir.GetAsync($"Appointment?patient=Patient/{Fid(rest.GetProperty("patient_id").GetString()!)}")).Entries<FhirAppointment>().Select(a => a.Id));
        (await fhir.GetAsync("Appointment?status=arrived")).Outcome(422, "VALIDATION_ERROR");
        (await fhir.GetAsync("Appointment?patient=Practitioner/nobody")).Outcome(422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Find_hold_and_book_make_the_appointment_that_REST_and_webhooks_see()
    {
        var (c, fhir) = await OpenAsync();
        await using var _ = c;
        var patient = await c.T.CreatePatientAsync("Round", "Trip");
        (await c.T.Api.PostAsync("webhooks", new { url = "https://webhooks.invalid/leap", events = new[] { "appointment.created" } })).Expect(201);

        var found = await fhir.GetAsync($"Appointment/$find?start=2026-06-08&end=2026-06-08&service-type={Fid(c.Template)}&patient=Patient/{Fid(patient)}&_count=3");
        var proposals = found.Entries<FhirAppointment>();
        Assert.Equal(3, proposals.Count);
        Assert.Equal(3, ((Bundle)found.Resource).Total);
        Assert.All(proposals, p => Assert.Equal(FhirAppointment.AppointmentStatus.Proposed, p.Status));
        Assert.Equal(Clinic.At("2026-06-08T08:00:00Z"), proposals[0].Start);
        var posted = await fhir.PostAsync("Appointment/$find", new Parameters
        {
            Parameter =
            [
                new() { Name = "start", Value = new Date("2026-06-08") }, new() { Name = "end", Value = new Date("2026-06-08") },
                new() { Name = "service-type", Value = new FhirString(Fid(c.Template)) }, new() { Name = "_count", Value = new Integer(3) },
            ],
        });
        Assert.Equal(proposals.Select(p => p.Start), posted.Entries<FhirAppointment>().Select(p => p.Start));

        var holdKey = Guid.NewGuid().ToString();
        var heldAnswer = await fhir.PostAsync("Appointment/$hold", FhirClient.With("appointment-resource", proposals[1]), holdKey);
        var held = Assert.Single(heldAnswer.Entries<FhirAppointment>());
        Assert.Equal(FhirAppointment.AppointmentStatus.Pending, held.Status);
        Assert.StartsWith("hold-", held.Id);
        Assert.Equal(proposals[1].Start, held.Start);
        var replayedHold = await fhir.PostAsync("Appointment/$hold", FhirClient.With("appointment-resource", proposals[1]), holdKey);
        Assert.Equal(heldAnswer.Result.Raw, replayedHold.Result.Raw);
        Assert.Equal("true", replayedHold.Result.Header("Idempotent-Replayed"));
        var holdId = FhirIds.ToLeap(held.Id!, Ids.Hold);
        Assert.Equal("active", (await c.Api.GetAsync($"holds/{holdId}")).Expect(200).Data.GetProperty("status").GetString());
        Assert.DoesNotContain("2026-06-08T08:15:00Z", await c.StartsAsync("2026-06-08", "2026-06-08"));

        var book = new Parameters
        {
            Parameter =
            [
                new() { Name = "appointment-reference", Value = new ResourceReference($"Appointment/{held.Id}") },
                new() { Name = "patient-reference", Value = new ResourceReference($"Patient/{Fid(patient)}") },
                new() { Name = "comment", Value = new FhirString("Booked through FHIR") },
            ],
        };
        var bookKey = Guid.NewGuid().ToString();
        var bookedAnswer = await fhir.PostAsync("Appointment/$book", book, bookKey);
        var booked = Assert.Single(bookedAnswer.Entries<FhirAppointment>());
        Assert.Equal(FhirAppointment.AppointmentStatus.Booked, booked.Status);
        var appointmentId = FhirIds.ToLeap(booked.Id!, Ids.Appointment);
        Assert.StartsWith("apt_", appointmentId);
        var replayed = await fhir.PostAsync("Appointment/$book", book, bookKey);
        Assert.Equal(bookedAnswer.Result.Raw, replayed.Result.Raw);
        Assert.Equal("true", replayed.Result.Header("Idempotent-Replayed"));

        // The same appointment on the REST API, the hold confirmed, and one webhook event for it.
        var rest = (await c.Api.GetAsync($"appointments/{appointmentId}")).Expect(200).Data;
        Assert.Equal(patient, rest.GetProperty("patient_id").GetString());
        Assert.Equal("2026-06-08T08:15:00Z", rest.GetProperty("start_time").GetString());
        Assert.Equal("Booked through FHIR", rest.GetProperty("description").GetString());
        Assert.Equal("confirmed", rest.GetProperty("status").GetString());
        var hold = (await c.Api.GetAsync($"holds/{holdId}")).Expect(200).Data;
        Assert.Equal(("confirmed", appointmentId), (hold.GetProperty("status").GetString(), hold.GetProperty("appointment_id").GetString()));
        await c.T.RoutedAsync();
        var db = server.Services.GetRequiredService<Database>();
        Assert.Equal(1, await db.Raw().ScalarAsync<long>(
            "SELECT COUNT(*) FROM webhook_events WHERE org_id = @OrgId AND type = 'appointment.created' AND payload LIKE @id",
            new { c.T.OrgId, id = $"%{appointmentId}%" }));
        Assert.Equal(1, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", new { c.T.OrgId }));

        // The hold is spent: booking it again is a 409.
        (await fhir.PostAsync("Appointment/$book", book)).Outcome(409, "INVALID_STATE");
    }

    [Fact]
    public async Task Book_directly_then_cancel_by_PUT_or_PATCH_through_the_REST_APIs_own_cancel()
    {
        var (c, fhir) = await OpenAsync();
        await using var _ = c;
        var patient = await c.T.CreatePatientAsync("Direct", "Booking");
        FhirAppointment Request(string start, string end) => new()
        {
            Status = FhirAppointment.AppointmentStatus.Pending,
            Start = Clinic.At(start),
            End = Clinic.At(end),
            Description = "Physio review",
            Participant =
            [
                new() { Actor = new ResourceReference($"Patient/{Fid(patient)}"), Status = ParticipationStatus.Accepted },
                new() { Actor = new ResourceReference($"Practitioner/{Fid(c.Clinician)}"), Status = ParticipationStatus.Accepted },
                new() { Actor = new ResourceReference($"HealthcareService/{Fid(c.Template)}"), Status = ParticipationStatus.Accepted },
            ],
        };
        var first = Assert.Single((await fhir.PostAsync("Appointment/$book", FhirClient.With("appointment-resource", Request("2026-06-08T10:00:00Z", "2026-06-08T10:30:00Z")))).Entries<FhirAppointment>());
        var second = Assert.Single((await fhir.PostAsync("Appointment/$book", Request("2026-06-08T11:00:00Z", "2026-06-08T11:30:00Z"))).Entries<FhirAppointment>());
        Assert.Equal("Physio review", (await c.Api.GetAsync($"appointments/{FhirIds.ToLeap(first.Id!, Ids.Appointment)}")).Expect(200).Data.GetProperty("title").GetString());

        // The clinician is taken at 10:00: the same time again is a 409 naming the appointment.
        var clash = (await fhir.PostAsync("Appointment/$book", FhirClient.With("appointment-resource", Request("2026-06-08T10:15:00Z", "2026-06-08T10:45:00Z"))))
            .Outcome(409, "SLOT_UNAVAILABLE");
        Assert.Contains(FhirIds.ToLeap(first.Id!, Ids.Appointment), clash.Issue[0].Diagnostics);

        var put = first;
        put.Status = FhirAppointment.AppointmentStatus.Cancelled;
        put.CancelationReason = new CodeableConcept { Text = "Feeling better" };
        var cancelled = (await fhir.PutAsync($"Appointment/{first.Id}", put)).As<FhirAppointment>(200);
        Assert.Equal(FhirAppointment.AppointmentStatus.Cancelled, cancelled.Status);
        var rest = (await c.Api.GetAsync($"appointments/{FhirIds.ToLeap(first.Id!, Ids.Appointment)}")).Expect(200).Data;
        Assert.Equal(("cancelled", "Feeling better"), (rest.GetProperty("status").GetString(), rest.GetProperty("cancellation_reason").GetString()));
        Assert.Equal(FhirAppointment.AppointmentStatus.Cancelled, (await fhir.PutAsync($"Appointment/{first.Id}", put)).As<FhirAppointment>(200).Status);

        var patched = await fhir.SendRawAsync(HttpMethod.Patch, $"Appointment/{second.Id}",
            """[{"op": "replace", "path": "/status", "value": "cancelled"}]""", "application/json-patch+json");
        Assert.Equal(FhirAppointment.AppointmentStatus.Cancelled, patched.As<FhirAppointment>(200).Status);
        Assert.Equal("cancelled", (await c.Api.GetAsync($"appointments/{FhirIds.ToLeap(second.Id!, Ids.Appointment)}")).Expect(200).Data.GetProperty("status").GetString());

        // Anything but a cancellation is refused, and the time is free again.
        (await fhir.SendRawAsync(HttpMethod.Patch, $"Appointment/{second.Id}", """[{"op": "replace", "path": "/start", "value": "2026-06-08T12:00:00Z"}]""",
            "application/json-patch+json")).Outcome(422, "VALIDATION_ERROR");
        put.Status = FhirAppointment.AppointmentStatus.Booked;
        (await fhir.PutAsync($"Appointment/{first.Id}", put)).Outcome(422, "VALIDATION_ERROR");
        Assert.Contains("2026-06-08T10:00:00Z", await c.StartsAsync("2026-06-08", "2026-06-08"));
    }

    [Fact]
    public async Task Two_books_of_one_slot_at_once_one_succeeds_and_the_other_is_a_409_OperationOutcome()
    {
        var (c, fhir) = await OpenAsync();
        await using var _ = c;
        var patients = new[] { await c.T.CreatePatientAsync(), await c.T.CreatePatientAsync() };
        var proposal = (await fhir.GetAsync($"Appointment/$find?start=2026-06-09&end=2026-06-09&service-type={Fid(c.Template)}&_count=1")).Entries<FhirAppointment>()[0];

        var answers = await Race.AllAtOnceAsync(2, async i =>
        {
            var request = new Parameters
            {
                Parameter =
                [
                    new() { Name = "appointment-resource", Resource = proposal },
                    new() { Name = "patient-reference", Value = new ResourceReference($"Patient/{Fid(patients[i])}") },
                ],
            };
            return (await fhir.PostAsync("Appointment/$book", request)).Result;
        });
        Assert.Equal([200, 409], answers.Select(a => a.StatusCode).Order());
        var lost = answers.Single(a => a.StatusCode == 409);
        var outcome = (OperationOutcome)FhirValidation.AssertValid(lost.Raw);
        Assert.Equal(OperationOutcome.IssueType.Conflict, outcome.Issue[0].Code);
        Assert.Equal("SLOT_UNAVAILABLE", outcome.Issue[0].Details?.Text);
        var db = server.Services.GetRequiredService<Database>();
        Assert.Equal(1, await db.Raw().ScalarAsync<long>("SELECT COUNT(*) FROM appointments WHERE org_id = @OrgId", new { c.T.OrgId }));
    }

    [Fact]
    public async Task Errors_are_OperationOutcomes_with_the_REST_APIs_status_and_other_tenants_records_are_not_found()
    {
        var (c, fhir) = await OpenAsync();
        await using var _ = c;
        var patient = await c.T.CreatePatientAsync();
        var appointment = await c.BookAsync("2026-06-08T08:00:00Z", "2026-06-08T08:30:00Z");

        (await new FhirClient(c.T.Anonymous()).GetAsync($"Patient/{Fid(patient)}")).Outcome(401, "UNAUTHORISED");
        var readOnly = new FhirClient(await c.T.KeyAsync([Scopes.ReadPatients]));
        (await readOnly.GetAsync($"Patient/{Fid(patient)}")).As<FhirPatient>(200);
        (await readOnly.GetAsync($"Appointment/{Fid(appointment)}")).Outcome(403, "FORBIDDEN");
        (await readOnly.PostAsync("Appointment/$hold", new Parameters())).Outcome(403, "FORBIDDEN");
        (await fhir.GetAsync("Patient/pat-nope")).Outcome(404, "NOT_FOUND");
        (await fhir.GetAsync("Encounter/1")).Outcome(404, "NOT_FOUND");
        (await fhir.SendRawAsync(HttpMethod.Post, "Appointment/$hold", "{not json", "application/fhir+json")).Outcome(400, "BAD_REQUEST");
        (await fhir.PostAsync("Appointment/$hold", new FhirPatient())).Outcome(400, "BAD_REQUEST");
        (await fhir.PostAsync("Appointment/$hold", new Parameters { Parameter = [new() { Name = "comment", Value = new FhirString("no appointment") }] }))
            .Outcome(422, "VALIDATION_ERROR");
        (await fhir.PostAsync("Appointment/$hold", new FhirAppointment { Status = FhirAppointment.AppointmentStatus.Proposed }, idempotencyKey: new string('k', 300)))
            .Outcome(400, "BAD_REQUEST");
        var taken = new FhirAppointment
        {
            Status = FhirAppointment.AppointmentStatus.Proposed,
            Start = Clinic.At("2026-06-08T08:00:00Z"),
            Participant =
            [
                new() { Actor = new ResourceReference($"Practitioner/{Fid(c.Clinician)}"), Status = ParticipationStatus.NeedsAction },
                new() { Actor = new ResourceReference($"HealthcareService/{Fid(c.Template)}"), Status = ParticipationStatus.NeedsAction },
            ],
        };
        (await fhir.PostAsync("Appointment/$hold", taken)).Outcome(409, "SLOT_UNAVAILABLE");

        // Another organisation sees none of it.
        var stranger = new FhirClient((await server.NewTenantAsync()).Api);
        (await stranger.GetAsync($"Patient/{Fid(patient)}")).Outcome(404, "NOT_FOUND");
        (await stranger.GetAsync($"Appointment/{Fid(appointment)}")).Outcome(404, "NOT_FOUND");
        (await stranger.GetAsync($"Practitioner/{Fid(c.Clinician)}")).Outcome(404, "NOT_FOUND");
        Assert.Empty((await stranger.GetAsync($"Appointment?practitioner=Practitioner/{Fid(c.Clinician)}")).Entries<FhirAppointment>());
        Assert.Empty((await stranger.GetAsync("Schedule")).Entries<Schedule>());
        (await stranger.GetAsync($"Slot?service-type={Fid(c.Template)}")).Outcome(422, "VALIDATION_ERROR");
        (await stranger.SendRawAsync(HttpMethod.Patch, $"Appointment/{Fid(appointment)}", """[{"op": "replace", "path": "/status", "value": "cancelled"}]""",
            "application/json-patch+json")).Outcome(404, "NOT_FOUND");
        Assert.Equal("confirmed", (await c.Api.GetAsync($"appointments/{appointment}")).Expect(200).Data.GetProperty("status").GetString());
    }
}

public sealed class FhirTestsOnSqlite(SqliteServer server) : FhirTests(server);
public sealed class FhirTestsOnPostgres(PostgresServer server) : FhirTests(server);
