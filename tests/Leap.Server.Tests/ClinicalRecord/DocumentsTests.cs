using System.Net.Http.Headers;
using System.Text;
using Leap.Server.Accounts;
using Leap.Server.Tests.Infrastructure;

namespace Leap.Server.Tests.ClinicalRecord;

public abstract class DocumentsTests(LeapFixture server)
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% fictional test document\n%%EOF\n");
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46];

    private static object Upload(string patient, byte[] content, string fileName = "letter.pdf", object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["patient_id"] = patient, ["title"] = "Discharge letter", ["document_type"] = "letter", ["file_name"] = fileName,
            ["content"] = Convert.ToBase64String(content),
        };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }
        return body;
    }

    private async Task<HttpResponseMessage> DownloadAsync(ApiClient api, string id)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/documents/{id}/download");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", api.Key);
        return await http.SendAsync(request);
    }

    [Theory]
    [InlineData("pdf", "application/pdf")]
    [InlineData("png", "image/png")]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("text", "text/plain; charset=utf-8")]
    public async Task Upload_judges_the_type_from_the_bytes_and_download_returns_them_as_an_attachment(string type, string expected)
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var content = type switch { "pdf" => Pdf, "png" => Png, "jpeg" => Jpeg, _ => Encoding.UTF8.GetBytes("Dear colleague,\r\n\tfictional café letter.\n") };
        // The client's claim is ignored: only the bytes count.
        var created = (await t.Api.PostAsync("documents", Upload(patient, content, "scan \"1\".bin", new { mime_type = "text/html" }))).Expect(201);
        var d = created.Data;
        Assert.StartsWith("doc_", created.Id);
        Assert.Equal(expected, d.GetProperty("mime_type").GetString());
        Assert.Equal(content.Length, d.GetProperty("file_size").GetInt32());
        Assert.Equal(t.Api.KeyId, d.GetProperty("uploaded_by").GetString());
        Assert.Equal("letter", d.GetProperty("document_type").GetString());
        Assert.False(d.TryGetProperty("content", out _), "the answer never carries the file");
        Assert.Equal(d.ToString(), (await t.Api.GetAsync($"documents/{created.Id}")).Expect(200).Data.ToString());

        using var download = await DownloadAsync(t.Api, created.Id);
        Assert.Equal(200, (int)download.StatusCode);
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(expected, download.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("scan \"1\".bin", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("no-store", download.Headers.CacheControl!.ToString());
        Assert.StartsWith("req_", download.Headers.GetValues("X-Request-Id").Single());
    }

    [Fact]
    public async Task Files_of_types_not_allowed_are_refused_with_422_and_nothing_is_stored()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        byte[][] refused =
        [
            [0x4D, 0x5A, 0x90, 0x00, 0x03],                 // a Windows executable
            [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00],           // a zip archive
            Encoding.UTF8.GetBytes("<html>\u0001<script>alert(1)</script>"), // control characters: not plain text
            [0xC3, 0x28, 0x41],                             // not UTF-8
        ];
        foreach (var content in refused)
        {
            Assert.Equal(["content"], (await t.Api.PostAsync("documents", Upload(patient, content))).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        }
        Assert.Equal(["content"], (await t.Api.PostAsync("documents", Upload(patient, []))).ExpectError(422, "VALIDATION_ERROR").ErrorFields);
        var bad = (await t.Api.PostAsync("documents", new { patient_id = patient, content = "not base64!" })).ExpectError(422, "VALIDATION_ERROR");
        Assert.Equal(["content", "file_name", "title"], bad.ErrorFields.Order());
        Assert.Empty((await t.Api.GetAsync("documents")).Expect(200).Ids());
    }

    [Fact]
    public async Task A_document_over_the_configured_limit_is_413_in_the_envelope()
    {
        await using var small = server.StartAnotherServer(new Dictionary<string, string?> { ["Documents:MaxBytes"] = "1024" });
        using var http = small.CreateHttpClient();
        var t = await server.NewTenantAsync();
        var api = t.Api.Via(http);
        var patient = await t.CreatePatientAsync();
        var text = Encoding.ASCII.GetBytes(new string('a', 1024));
        (await api.PostAsync("documents", Upload(patient, text, "exactly.txt"))).Expect(201);
        var over = (await api.PostAsync("documents", Upload(patient, [.. text, (byte)'a'], "over.txt"))).ExpectError(413, "PAYLOAD_TOO_LARGE");
        Assert.Contains("Documents:MaxBytes", over.Error.GetProperty("message").GetString());
        // Far over: refused by the body limit before it is parsed.
        (await api.PostAsync("documents", Upload(patient, new byte[100_000], "huge.txt"))).ExpectError(413, "PAYLOAD_TOO_LARGE");
        // The default limit (10 MiB) takes files above the 1 MiB limit of other bodies.
        var large = Encoding.ASCII.GetBytes(new string('b', 2 * 1024 * 1024));
        (await t.Api.PostAsync("documents", Upload(patient, large, "large.txt"))).Expect(201);
        Assert.Single((await api.GetAsync($"documents?patient_id={patient}&document_type=letter&limit=1")).Expect(200).Ids());
    }

    [Fact]
    public async Task Documents_list_by_patient_consultation_and_type_and_another_organisation_gets_404()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var consultation = (await t.Api.PostAsync("consultations", new { patient_id = patient, consultation_date = "2029-12-03" })).Expect(201).Data.GetProperty("id").GetString();
        var inConsultation = (await t.Api.PostAsync("documents", Upload(patient, Pdf, extra: new { consultation_id = consultation, document_type = "lab_result" }))).Expect(201).Id;
        var other = (await t.Api.PostAsync("documents", Upload(await t.CreatePatientAsync(), Png, "x.png"))).Expect(201).Id;
        Assert.Equal([inConsultation], (await t.Api.GetAsync($"documents?patient_id={patient}")).Ids());
        Assert.Equal([inConsultation], (await t.Api.GetAsync("documents?document_type=lab_result")).Ids());
        Assert.Equal([inConsultation], (await t.Api.GetAsync($"consultations/{consultation}/documents")).Ids());
        Assert.Equal(2, (await t.Api.GetAsync("documents")).Ids().Count);

        var stranger = await server.NewTenantAsync();
        (await stranger.Api.GetAsync($"documents/{other}")).ExpectError(404, "NOT_FOUND");
        using var download = await DownloadAsync(stranger.Api, other);
        Assert.Equal(404, (int)download.StatusCode);
        Assert.Empty((await stranger.Api.GetAsync("documents")).Ids());
        var readOnly = await t.KeyAsync([Scopes.ReadDocuments]);
        (await readOnly.PostAsync("documents", Upload(patient, Pdf))).ExpectError(403, "FORBIDDEN");
        (await (await t.KeyAsync([Scopes.WriteDocuments])).GetAsync($"documents/{other}")).ExpectError(403, "FORBIDDEN");
    }

    [Fact]
    public async Task An_upload_with_an_Idempotency_Key_is_stored_once()
    {
        var t = await server.NewTenantAsync();
        var patient = await t.CreatePatientAsync();
        var key = Guid.NewGuid().ToString();
        var first = (await t.Api.PostAsync("documents", Upload(patient, Pdf), key)).Expect(201);
        var again = (await t.Api.PostAsync("documents", Upload(patient, Pdf), key)).Expect(201);
        Assert.Equal(first.Raw, again.Raw);
        Assert.Equal("true", again.Header("Idempotent-Replayed"));
        (await t.Api.PostAsync("documents", Upload(patient, Png), key)).ExpectError(409, "CONFLICT");
        Assert.Single((await t.Api.GetAsync("documents")).Ids());
    }
}

public sealed class DocumentsTestsOnSqlite(SqliteServer server) : DocumentsTests(server);
public sealed class DocumentsTestsOnPostgres(PostgresServer server) : DocumentsTests(server);
