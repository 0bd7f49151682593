using System.Text;
using Leap.Client.Tests.Infrastructure;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Client.Tests;

public abstract class ClinicalRecordClientTests(LeapFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Consultations_entries_amendments_documents_and_the_access_log_through_the_sdk()
    {
        var t = await server.NewTenantAsync();
        using var sdk = Sdk.For(t);
        var leap = sdk.Client;
        var patient = await t.CreatePatientAsync("Ada", "Record");

        var card = await leap.Consultations.CreateAsync(new ConsultationCreate
        {
            PatientId = patient, ConsultationDate = new DateOnly(2029, 12, 3), ChiefComplaint = "Cough",
            Sections =
            {
                ["problems"] = new List<Dictionary<string, object?>> { new() { ["problem_name"] = "Acute bronchitis", ["severity"] = "mild" } },
                ["observations"] = new List<Dictionary<string, object?>> { new() { ["display"] = "Body temperature", ["value"] = 37.9, ["unit"] = "Cel" } },
            },
        }, ct: Ct);
        Assert.Equal("con_" + card.Id, card.ConsultationId);
        Assert.Equal("Acute bronchitis", Assert.Single(card.Sections["problems"]).Text("problem_name"));
        Assert.Equal(card.Id, (await leap.Consultations.GetAsync(card.ConsultationId, coreOnly: true, Ct)).Id);
        Assert.Equal(4, (await leap.Consultations.GetAsync(card.Id, coreOnly: true, Ct)).Sections.Count);
        Assert.Single((await leap.Consultations.ListAsync(new ConsultationListQuery { PatientId = patient }, Ct)).Data);
        Assert.Single((await leap.Consultations.ListSectionAsync(card.Id, "observations", ct: Ct)).Data);
        Assert.Single((await leap.Consultations.ListPatientRecordAsync(patient, "problems", new ClinicalEntryListQuery { Status = "active" }, Ct)).Data);

        var rx = await leap.Prescriptions.CreateAsync(new ClinicalEntryWrite
        {
            PatientId = patient, ConsultationId = card.Id, Fields = { ["medication_name"] = "Amoxicillin", ["dosage"] = "500", ["quantity"] = 21 },
        }, ct: Ct);
        var amended = await leap.Prescriptions.AmendAsync(rx.Id, new ClinicalEntryWrite { AmendmentReason = "Typo", Fields = { ["dosage"] = "250" } }, Ct);
        Assert.Equal((2, "250"), (amended.Version, amended.Text("dosage")));
        var trail = Assert.Single((await leap.Prescriptions.ListAmendmentsAsync(rx.Id, Ct)).Data);
        Assert.Equal(("500", "Typo"), (trail.Previous.GetProperty("dosage").GetString(), trail.Reason));
        Assert.Single((await leap.Consultations.ListAmendmentsAsync(card.Id, Ct)).Data);
        Assert.Single((await leap.Problems.ListAsync(new ClinicalEntryListQuery { PatientId = patient }, Ct)).Data);

        var letter = Encoding.UTF8.GetBytes("Fictional letter.\n");
        var document = await leap.Documents.CreateAsync(new ClinicalEntryWrite
        {
            PatientId = patient, Content = letter, Fields = { ["title"] = "Letter", ["file_name"] = "letter.txt" },
        }, ct: Ct);
        Assert.Equal("text/plain; charset=utf-8", document.Text("mime_type"));
        var file = await leap.Documents.DownloadAsync(document.Id, Ct);
        Assert.Equal(letter, file.Content);
        Assert.Equal(("text/plain; charset=utf-8", "letter.txt"), (file.ContentType, file.FileName));

        var log = await leap.AuditEvents.ListAsync(new AuditEventListQuery { PatientId = patient, Action = "download" }, Ct);
        Assert.Equal(document.Id, Assert.Single(log.Data).ResourceId);
        Assert.Equal("download", (await leap.AuditEvents.GetAsync(log.Data[0].Id, Ct)).Action);
        await Assert.ThrowsAsync<LeapNotFoundException>(() => leap.Consultations.GetAsync("con_00000000-0000-7000-8000-000000000000", ct: Ct));
    }
}

public sealed class ClinicalRecordClientTestsOnSqlite(SqliteServer server) : ClinicalRecordClientTests(server);
public sealed class ClinicalRecordClientTestsOnPostgres(PostgresServer server) : ClinicalRecordClientTests(server);
