using Leap.Server.Accounts;
using Leap.Server.Audit;
using Leap.Server.ClinicalRecord;
using Leap.Server.Http;
using Leap.Server.Storage;
using Microsoft.Net.Http.Headers;

namespace Leap.Server.Documents;

/// <summary>
/// Jump's first-generation documents: uploaded as base64 in a JSON body (so they go through the idempotent pipeline
/// like every create), checked for size and type, kept in the database, downloaded as an attachment.
/// </summary>
public static class DocumentsApi
{
    private static readonly EntryKind Kind = EntryKinds.Document;

    public static void MapDocuments(this IEndpointRouteBuilder api)
    {
        var options = api.ServiceProvider.GetRequiredService<DocumentOptions>();
        var group = api.MapGroup("/documents").WithTags("Documents");
        group.MapGet("/", (HttpContext http, TenantDb db, AccessLog log, CancellationToken ct) =>
            ClinicalRecordApi.ListAsync(Kind, ClinicalStore.Scope.All, null, Kind.AllSpec.Parse(http.Request), http, db, log, ct)).RequireScope(Scopes.ReadDocuments);
        group.MapGet("/{id}", (string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct) =>
            ClinicalRecordApi.GetAsync(Kind, id, http, db, log, ct)).RequireScope(Scopes.ReadDocuments);
        group.MapGet("/{id}/download", Download).RequireScope(Scopes.ReadDocuments).Produces(200, contentType: "application/octet-stream");
        group.MapPost("/", Upload).RequireScope(Scopes.WriteDocuments).Idempotent().WithMetadata(new BodyLimit(options.MaxBodyBytes))
            .Reads("DocumentUpload", r =>
            {
                ClinicalRecordApi.ReadCreate(Kind, r);
                r.Raw("content");
            }, $$"""
                {"patient_id": "{{ExampleIds.Patient}}", "document_type": "referral_letter", "title": "Referral letter", "file_name": "referral.txt",
                 "content": "RGVhciBjb2xsZWFndWUsIHBsZWFzZSBzZWUgdGhpcyBmaWN0aW9uYWwgcGF0aWVudC4="}
                """);
    }

    /// <summary>
    /// Stores a document: <c>content</c> is the file as base64. Over the size limit: 413. A type not allowed (judged from
    /// the bytes; a client's <c>mime_type</c> is ignored): 422.
    /// </summary>
    private static async Task<ApiCreated<ClinicalEntry>> Upload(WriteRequest request, HttpContext http, AccessLog log, DocumentOptions options,
        TimeProvider clock, CancellationToken ct)
    {
        var now = TypeHandlers.Truncate(clock.GetUtcNow());
        var reader = request.Reader();
        var (patientId, consultationRef, data) = ClinicalRecordApi.ReadCreate(Kind, reader);
        var read = ReadContent(reader, options);
        reader.ThrowIfInvalid();
        var content = read!;
        var mimeType = DocumentContent.Sniff(content);
        if (mimeType is null)
        {
            throw ApiException.Validation([new FieldError("content", $"must be {DocumentContent.Allowed}; this file is none of them")]);
        }
        var sha256 = DocumentContent.Describe(data, content, mimeType, request.Db.Actor.Id);
        return await log.CreateAsync(http, request, async write =>
        {
            var consultation = await ClinicalRecordApi.CheckOwnerAsync(write, patientId, consultationRef, ct);
            var entry = ClinicalEntry.New(Kind, patientId, consultation?.Id, data, consultation?.ConsultationDate ?? ClinicalRecordApi.Today(now), write.Actor, now);
            await ClinicalStore.InsertAsync(write, entry, ct);
            await ClinicalStore.InsertContentAsync(write, entry.Id, sha256, content, ct);
            return entry;
        }, entry => [new Access(Kind.Name, entry.Id, entry.PatientId)], ct);
    }

    private static byte[]? ReadContent(BodyReader reader, DocumentOptions options)
    {
        if (reader.Raw("content") is not { } raw)
        {
            reader.Fail("content", "is required: the file, base64-encoded");
            return null;
        }
        if (raw.ValueKind != System.Text.Json.JsonValueKind.String)
        {
            reader.Fail("content", "must be a base64 string");
            return null;
        }
        if (raw.GetString()!.Length / 4 * 3 > options.MaxBytes + 2)
        {
            throw TooLarge(options);
        }
        if (!raw.TryGetBytesFromBase64(out var bytes))
        {
            reader.Fail("content", "must be base64 (RFC 4648, with padding)");
            return null;
        }
        if (bytes.Length > options.MaxBytes)
        {
            throw TooLarge(options);
        }
        if (bytes.Length == 0)
        {
            reader.Fail("content", "must not be empty");
            return null;
        }
        return bytes;
    }

    private static ApiException TooLarge(DocumentOptions options) => new(413, ErrorCodes.PayloadTooLarge,
        $"The document is larger than the {options.MaxBytes} byte limit (setting Documents:MaxBytes).");

    /// <summary>
    /// The file itself, as an attachment of the type its bytes showed at upload, with nosniff so no browser renders it
    /// as anything else, and never cached.
    /// </summary>
    private static async Task<IResult> Download(string id, HttpContext http, TenantDb db, AccessLog log, CancellationToken ct)
    {
        var entry = await ClinicalRecordApi.FindAsync(db, Kind, id, ct);
        var content = await ClinicalStore.FindContentAsync(db, entry.Id, ct) ?? throw ApiException.NotFound("document", id);
        await log.RecordAsync(http, AuditActions.Download, Kind.Name, entry.Id, entry.PatientId);
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName((string?)entry.Data["file_name"] ?? "document");
        http.Response.Headers.ContentDisposition = disposition.ToString();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store";
        return Results.Bytes(content, (string?)entry.Data["mime_type"] ?? "application/octet-stream");
    }
}
