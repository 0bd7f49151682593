using System.Text.Json;
using Leap.Server.Accounts;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.ClinicalRecord;

public abstract class ClinicalRecordTests(LeapFixture server)
{
    /// <summary>A consultation with one entry in several sections; returns its card.</summary>
    private static async Task<JsonElement> ConsultAsync(TestTenant t, string patient, string date = "2029-12-03", object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["patient_id"] = patient, ["consultation_date"] = date, ["consultation_time"] = "14:30", ["chief_complaint"] = "Cough",
            ["problems"] = new[] { new { problem_name = "Acute bronchitis", snomed_code = "10509002", severity = "mild", onset_date = date } },
            ["observations"] = new object[]
            {
                new { display = "Body temperature", value = 37.9, unit = "Cel", effective_date = date },
                new { display = "Blood pressure", components = new[] { new { display = "Systolic", value = 128 }, new { display = "Diastolic", value = 82 } } },
            },
            ["allergies"] = new[] { new { allergen = "Penicillin", reactions = new[] { new { manifestation = "Rash", severity = "mild" } } } },
            ["medications"] = new[] { new { medication_name = "Paracetamol", dosage = "500", dosage_unit = "mg" } },
            ["lab_orders"] = new[] { new { test_name = "Full blood count" } },
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return (await t.Api.PostAsync("consultations", body)).Expect(201).Data;
    }

    [Fact]
    public async Task Create_consultation_returns_the_full_card_and_get_returns_the_same()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var card = await ConsultAsync(t, patient);
        var id = card.GetProperty("id").GetString()!;
        Assert.True(Guid.TryParse(id, out _), $"a consultation's id is a bare UUID: {id}");
        Assert.Equal("con_" + id, card.GetProperty("consultation_id").GetString());
        Assert.Equal("2029-12-03", card.GetProperty("consultation_date").GetString());
        Assert.Equal("14:30:00", card.GetProperty("consultation_time").GetString());
        Assert.Equal("completed", card.GetProperty("status").GetString());
        var sections = card.GetProperty("sections");
        Assert.Equal(13, sections.EnumerateObject().Count());
        Assert.Equal("Acute bronchitis", Assert.Single(sections.GetProperty("problems").EnumerateArray()).GetProperty("problem_name").GetString());
        Assert.Equal(2, sections.GetProperty("observations").GetArrayLength());
        var problem = sections.GetProperty("problems")[0];
        Assert.StartsWith("prb_", problem.GetProperty("id").GetString());
        Assert.Equal("active", problem.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, problem.GetProperty("end_date").ValueKind);
        Assert.Equal(1, problem.GetProperty("version").GetInt32());
        Assert.Equal(id, problem.GetProperty("consultation_id").GetString());
        Assert.Equal("Rash", sections.GetProperty("allergies")[0].GetProperty("reactions")[0].GetProperty("manifestation").GetString());
        Assert.Empty(sections.GetProperty("invoices").EnumerateArray());

        Assert.Equal(card.ToString(), (await t.Api.GetAsync($"consultations/{id}")).Expect(200).Data.ToString());
        Assert.Equal(card.ToString(), (await t.Api.GetAsync($"consultations/con_{id}")).Expect(200).Data.ToString());
        var core = (await t.Api.GetAsync($"consultations/{id}?include=core")).Expect(200).Data.GetProperty("sections");
        Assert.Equal(["allergies", "medications", "observations", "problems"], core.EnumerateObject().Select(p => p.Name).Order());
        (await t.Api.GetAsync($"consultations/{id}?include=everything")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.GetAsync($"consultations/{id}?sections=all")).ExpectError(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Create_consultation_reports_every_bad_field_at_once_and_writes_nothing()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var result = (await t.Api.PostAsync("consultations", new
        {
            patient_id = patient, consultation_date = "03/12/2029", consultation_time = "2pm", status = "done",
            problems = new object[] { new { severity = "awful" } },
        })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["consultation_date", "consultation_time", "problems[0].problem_name", "problems[0].severity", "status"], result.ErrorFields.Order());
        Assert.Empty((await t.Api.GetAsync("consultations")).Expect(200).Ids());

        var other = await server.NewTenantAsync();
        var theirs = await other.CreatePatientAsync();
        Assert.Equal(["patient_id"], (await t.Api.PostAsync("consultations", new { patient_id = theirs, consultation_date = "2029-12-03" }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
    }

    [Fact]
    public async Task Create_with_an_Idempotency_Key_replays_instead_of_recording_twice()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var body = new { patient_id = patient, consultation_date = "2029-12-03", problems = new[] { new { problem_name = "Sprain" } } };
        var key = Guid.NewGuid().ToString();
        var first = (await t.Api.PostAsync("consultations", body, key)).Expect(201);
        var again = (await t.Api.PostAsync("consultations", body, key)).Expect(201);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        Assert.Single((await t.Api.GetAsync("consultations")).Ids());
        Assert.Single((await t.Api.GetAsync($"patients/{patient}/problems")).Ids());
    }

    [Fact]
    public async Task Consultation_list_filters_by_patient_clinician_date_and_status_and_pages()
    {
        var t = await server.NewTenantAsync();
        var ada = await t.CreatePatientAsync();
        var ben = await t.CreatePatientAsync();
        var clinician = await t.CreateClinicianAsync();
        var first = (await ConsultAsync(t, ada, "2029-11-01", new { clinician_id = clinician })).GetProperty("id").GetString()!;
        var second = (await ConsultAsync(t, ada, "2029-12-01", new { status = "draft" })).GetProperty("id").GetString()!;
        var third = (await ConsultAsync(t, ben, "2029-12-15")).GetProperty("id").GetString()!;

        Assert.Equal([third, second, first], (await t.Api.GetAsync("consultations")).Expect(200).Ids());
        Assert.Equal([second, first], (await t.Api.GetAsync($"consultations?patient_id={ada}")).Ids());
        Assert.Equal([first], (await t.Api.GetAsync($"consultations?clinician_id={clinician}")).Ids());
        Assert.Equal([second], (await t.Api.GetAsync("consultations?status=draft")).Ids());
        Assert.Equal([third, first], (await t.Api.GetAsync("consultations?status_in=completed,cancelled")).Ids());
        Assert.Equal([second], (await t.Api.GetAsync("consultations?date_gte=2029-11-02&date_lte=2029-12-01")).Ids());
        var page = (await t.Api.GetAsync("consultations?limit=2")).Expect(200);
        Assert.Equal([third, second], page.Ids());
        Assert.True(page.Meta.GetProperty("has_more").GetBoolean());
        Assert.Equal(2, page.Meta.GetProperty("next_offset").GetInt32());
        var last = (await t.Api.GetAsync("consultations?limit=2&offset=2")).Expect(200);
        Assert.Equal([first], last.Ids());
        Assert.False(last.Meta.GetProperty("has_more").GetBoolean());
        (await t.Api.GetAsync("consultations?date_gte=yesterday")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.GetAsync("consultations?doctor=x")).ExpectError(400, "BAD_REQUEST");
    }

    [Fact]
    public async Task Every_section_of_a_consultation_lists_its_own_entries()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var card = await ConsultAsync(t, patient);
        var id = card.GetProperty("id").GetString();
        string[] sections =
        [
            "problems", "medications", "observations", "procedures", "referrals", "lab-orders", "prescriptions", "allergies", "immunisations",
            "documents", "family-history", "social-history", "invoices",
        ];
        foreach (var section in sections)
        {
            var listed = (await t.Api.GetAsync($"consultations/{id}/{section}")).Expect(200);
            var expected = card.GetProperty("sections").GetProperty(section.Replace('-', '_')).EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
            Assert.Equal(expected.Order(), listed.Ids().Order());
        }
        Assert.Equal(2, (await t.Api.GetAsync($"consultations/{id}/observations")).Ids().Count);
        Assert.Single((await t.Api.GetAsync($"consultations/{id}/observations?limit=1")).Ids());
        Assert.Empty((await t.Api.GetAsync($"consultations/{id}/problems?status=resolved")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync($"consultations/{id}/amendments")).Expect(200).Ids());
    }

    [Fact]
    public async Task Patient_record_lists_gather_entries_across_consultations_newest_first_with_date_filters()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var someoneElse = await t.CreatePatientAsync();
        await ConsultAsync(t, patient, "2029-10-01");
        await ConsultAsync(t, patient, "2029-12-01");
        await ConsultAsync(t, someoneElse, "2029-12-01");

        var problems = (await t.Api.GetAsync($"patients/{patient}/problems")).Expect(200).Data.EnumerateArray().ToList();
        Assert.Equal(["2029-12-01", "2029-10-01"], problems.Select(p => p.GetProperty("onset_date").GetString()));
        Assert.All(problems, p => Assert.Equal(patient, p.GetProperty("patient_id").GetString()));
        Assert.Single((await t.Api.GetAsync($"patients/{patient}/problems?date_gte=2029-11-01")).Ids());
        Assert.Single((await t.Api.GetAsync($"patients/{patient}/problems?date_lte=2029-10-01")).Ids());
        Assert.Equal(4, (await t.Api.GetAsync($"patients/{patient}/observations")).Ids().Count);
        Assert.Equal(2, (await t.Api.GetAsync($"patients/{patient}/allergies")).Ids().Count);
        Assert.Equal(2, (await t.Api.GetAsync($"patients/{patient}/medications?status=active")).Ids().Count);
        Assert.Empty((await t.Api.GetAsync($"patients/{patient}/referrals")).Expect(200).Ids());
        Assert.Empty((await t.Api.GetAsync($"patients/{patient}/immunisations")).Expect(200).Ids());
        var page = (await t.Api.GetAsync($"patients/{patient}/observations?limit=3")).Expect(200);
        Assert.Equal(3, page.Ids().Count);
        Assert.True(page.Meta.GetProperty("has_more").GetBoolean());
        (await t.Api.GetAsync($"patients/{patient}/problems?status=gone")).ExpectError(422, "VALIDATION_ERROR");
        (await t.Api.GetAsync("patients/pat_00000000-0000-7000-8000-000000000000/problems")).ExpectError(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Problems_and_prescriptions_of_the_first_generation_create_list_and_get()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var other = await t.CreatePatientAsync();
        var consultation = (await ConsultAsync(t, patient)).GetProperty("consultation_id").GetString();
        var problem = (await t.Api.PostAsync("problems", new { patient_id = patient, problem_name = "Hypertension", severity = "moderate", consultation_id = consultation }))
            .Expect(201);
        Assert.StartsWith("prb_", problem.Id);
        Assert.Equal(consultation, "con_" + problem.Data.GetProperty("consultation_id").GetString());
        var standalone = (await t.Api.PostAsync("problems", new { patient_id = other, problem_name = "Eczema", status = "inactive" })).Expect(201).Id;
        Assert.Equal(problem.Data.ToString(), (await t.Api.GetAsync($"problems/{problem.Id}")).Expect(200).Data.ToString());
        Assert.Equal([standalone], (await t.Api.GetAsync("problems?status=inactive")).Ids());
        Assert.Equal(2, (await t.Api.GetAsync($"problems?patient_id={patient}")).Ids().Count);
        Assert.Contains(problem.Id, (await t.Api.GetAsync($"consultations/{consultation}/problems")).Ids());

        var rx = (await t.Api.PostAsync("prescriptions", new
        {
            patient_id = patient, medication_name = "Amoxicillin", dosage = "500", dosage_unit = "mg", quantity = 21, refills = 0, start_date = "2029-12-03",
        })).Expect(201);
        Assert.StartsWith("rx_", rx.Id);
        Assert.Equal("active", rx.Data.GetProperty("status").GetString());
        Assert.Equal(21, rx.Data.GetProperty("quantity").GetInt32());
        Assert.Equal([rx.Id], (await t.Api.GetAsync($"prescriptions?patient_id={patient}")).Ids());
        Assert.Equal(rx.Data.ToString(), (await t.Api.GetAsync($"prescriptions/{rx.Id}")).Data.ToString());
        (await t.Api.GetAsync($"problems/{rx.Id}")).ExpectError(404, "NOT_FOUND");

        var bad = (await t.Api.PostAsync("prescriptions", new { patient_id = patient, quantity = -1, status = "paused", consultation_id = "con_nope" }))
            .ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["medication_name", "quantity", "status"], bad.ErrorFields.Order());
        Assert.Equal(["consultation_id"], (await t.Api.PostAsync("problems", new { patient_id = other, problem_name = "Wrong record", consultation_id = consultation }))
            .ExpectError(422, "VALIDATION_ERROR").ErrorFields);
    }

    [Fact]
    public async Task An_amendment_keeps_the_earlier_version_with_who_when_and_why()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var consultation = (await ConsultAsync(t, patient)).GetProperty("id").GetString();
        var rx = (await t.Api.PostAsync("prescriptions", new { patient_id = patient, consultation_id = consultation, medication_name = "Amoxicillin", dosage = "500" }))
            .Expect(201);

        var amended = (await t.Api.PatchAsync($"prescriptions/{rx.Id}", new { dosage = "250", amendment_reason = "Dose entered wrongly" })).Expect(200).Data;
        Assert.Equal("250", amended.GetProperty("dosage").GetString());
        Assert.Equal(2, amended.GetProperty("version").GetInt32());
        var stopped = (await t.Api.PatchAsync($"prescriptions/{rx.Id}", new { status = "stopped" })).Expect(200).Data;
        Assert.Equal(3, stopped.GetProperty("version").GetInt32());
        Assert.Equal(stopped.ToString(), (await t.Api.PatchAsync($"prescriptions/{rx.Id}", new { status = "stopped" })).Expect(200).Data.ToString());

        var trail = (await t.Api.GetAsync($"consultations/{consultation}/amendments")).Expect(200).Data.EnumerateArray().ToList();
        Assert.Equal([1, 2], trail.Select(a => a.GetProperty("version").GetInt32()));
        Assert.Equal("500", trail[0].GetProperty("previous").GetProperty("dosage").GetString());
        Assert.Equal("active", trail[1].GetProperty("previous").GetProperty("status").GetString());
        Assert.Equal("Dose entered wrongly", trail[0].GetProperty("reason").GetString());
        Assert.All(trail, a =>
        {
            Assert.Equal(rx.Id, a.GetProperty("entry_id").GetString());
            Assert.Equal("prescription", a.GetProperty("entry_type").GetString());
            Assert.Equal("api_key", a.GetProperty("amended_by_type").GetString());
            Assert.Equal(t.Api.KeyId, a.GetProperty("amended_by").GetString());
            Assert.StartsWith("amd_", a.GetProperty("id").GetString());
        });
        Assert.Equal(trail.Select(a => a.GetProperty("id").GetString()), (await t.Api.GetAsync($"prescriptions/{rx.Id}/amendments")).Ids());

        var refused = (await t.Api.PatchAsync($"prescriptions/{rx.Id}", new { patient_id = patient, medication_name = (string?)null })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["medication_name", "patient_id"], refused.ErrorFields.Order());
        Assert.Equal(3, (await t.Api.GetAsync($"prescriptions/{rx.Id}")).Data.GetProperty("version").GetInt32());

        // The database keeps the earlier versions whatever the API does: they cannot be changed or deleted.
        await Assert.ThrowsAnyAsync<Exception>(() => t.WriteAsync(db => db.ExecuteAsync($"DELETE FROM clinical_amendments WHERE {TenantSql.Filter}")));
        await Assert.ThrowsAnyAsync<Exception>(() => t.WriteAsync(db => db.ExecuteAsync($"UPDATE clinical_amendments SET reason = 'x' WHERE {TenantSql.Filter}")));
        Assert.Equal(2, (await t.Api.GetAsync($"prescriptions/{rx.Id}/amendments")).Ids().Count);

        var problem = (await t.Api.PostAsync("problems", new { patient_id = patient, problem_name = "Asthma" })).Expect(201).Id;
        var resolved = (await t.Api.PatchAsync($"problems/{problem}", new { status = "resolved", end_date = "2029-12-20" })).Expect(200).Data;
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("active", Assert.Single((await t.Api.GetAsync($"problems/{problem}/amendments")).Data.EnumerateArray()).GetProperty("previous").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_organisations_record_is_404_and_never_listed()
    {
        var mine = await server.NewTenantAsync();
        var theirs = await server.NewTenantAsync();
        var patient = await theirs.CreatePatientAsync();
        var card = await ConsultAsync(theirs, patient);
        var id = card.GetProperty("id").GetString();
        var problem = card.GetProperty("sections").GetProperty("problems")[0].GetProperty("id").GetString();
        var rx = (await theirs.Api.PostAsync("prescriptions", new { patient_id = patient, medication_name = "Private" })).Expect(201).Id;

        foreach (var path in new[]
        {
            $"consultations/{id}", $"consultations/con_{id}", $"consultations/{id}/problems", $"consultations/{id}/amendments", $"patients/{patient}/problems",
            $"patients/{patient}/allergies", $"problems/{problem}", $"prescriptions/{rx}", $"prescriptions/{rx}/amendments",
        })
        {
            (await mine.Api.GetAsync(path)).ExpectError(404, "NOT_FOUND");
        }
        (await mine.Api.PatchAsync($"prescriptions/{rx}", new { dosage = "1" })).ExpectError(404, "NOT_FOUND");
        Assert.Empty((await mine.Api.GetAsync("consultations")).Ids());
        Assert.Empty((await mine.Api.GetAsync("problems")).Ids());
        Assert.Empty((await mine.Api.GetAsync($"prescriptions?patient_id={patient}")).Ids());
        var live = await theirs.KeyAsync(Scopes.All, Modes.Live);
        (await live.GetAsync($"consultations/{id}")).ExpectError(404, "NOT_FOUND");
        Assert.Equal(1, (await theirs.Api.GetAsync($"prescriptions/{rx}")).Data.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Each_route_needs_its_scope()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var id = (await ConsultAsync(t, patient)).GetProperty("id").GetString();
        var bookingOnly = await t.KeyAsync([Scopes.ReadPatients, Scopes.ReadAppointments]);
        (await bookingOnly.GetAsync($"consultations/{id}")).ExpectError(403, "FORBIDDEN");
        (await bookingOnly.GetAsync("problems")).ExpectError(403, "FORBIDDEN");
        (await bookingOnly.GetAsync("prescriptions")).ExpectError(403, "FORBIDDEN");
        (await bookingOnly.PostAsync("consultations", new { patient_id = patient, consultation_date = "2029-12-03" })).ExpectError(403, "FORBIDDEN");
        Assert.Single((await bookingOnly.GetAsync($"patients/{patient}/problems")).Expect(200).Ids());
        var reader = await t.KeyAsync([Scopes.ReadConsultations]);
        (await reader.GetAsync($"consultations/{id}")).Expect(200);
        (await reader.PostAsync("consultations", new { patient_id = patient, consultation_date = "2029-12-03" })).ExpectError(403, "FORBIDDEN");
    }

    /// <summary>
    /// The reference's scope for the patient record is <c>read_patients</c> ("read patient records/demographics"; its
    /// endpoint table names it for the six lists): that scope alone reads them, and no other scope does.
    /// </summary>
    [Fact]
    public async Task The_patient_record_lists_need_read_patients_and_read_patients_alone_reads_them()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        await ConsultAsync(t, patient, extra: new
        {
            referrals = new[] { new { referred_to = "Respiratory clinic" } },
            immunisations = new[] { new { vaccine_name = "Influenza" } },
        });
        var readPatients = await t.KeyAsync([Scopes.ReadPatients]);
        var everythingElse = await t.KeyAsync(Scopes.All.Where(s => s != Scopes.ReadPatients));
        foreach (var (list, count) in new[] { ("observations", 2), ("medications", 1), ("problems", 1), ("referrals", 1), ("allergies", 1), ("immunisations", 1) })
        {
            var answer = (await readPatients.GetAsync($"patients/{patient}/{list}")).Expect(200);
            Assert.Equal(count, answer.Ids().Count);
            Assert.All(answer.Data.EnumerateArray(), entry => Assert.Equal(patient, entry.GetProperty("patient_id").GetString()));
            var refused = (await everythingElse.GetAsync($"patients/{patient}/{list}")).ExpectError(403, "FORBIDDEN");
            Assert.Contains("read_patients", refused.Error.GetProperty("message").GetString());
        }
    }
}

public sealed class ClinicalRecordTestsOnSqlite(SqliteServer server) : ClinicalRecordTests(server);
public sealed class ClinicalRecordTestsOnPostgres(PostgresServer server) : ClinicalRecordTests(server);
