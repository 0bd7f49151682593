using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Leap.Server.Documents;

/// <summary>Bound from the <c>Documents</c> configuration section (docs/clinical-record.md).</summary>
public sealed class DocumentOptions
{
    /// <summary>10 MiB: a scanned letter or a lab report, not imaging (which belongs in a PACS).</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>The JSON body that carries a document at the limit: its base64 text (4 characters per 3 bytes) and the other fields.</summary>
    public long MaxBodyBytes => (MaxBytes + 2) / 3 * 4 + 64 * 1024;

    public static DocumentOptions From(IConfiguration configuration)
    {
        var options = new DocumentOptions { MaxBytes = configuration.GetValue("Documents:MaxBytes", 10L * 1024 * 1024) };
        return options.MaxBytes is >= 1 and <= 100L * 1024 * 1024
            ? options
            : throw new InvalidOperationException("Documents:MaxBytes must be from 1 byte to 100 MiB.");
    }
}

/// <summary>
/// What a file is, judged from its bytes alone: the type a client states is never trusted, so a file is served
/// as what it is. Only the allowed types are accepted (PDF, PNG, JPEG, plain UTF-8 text).
/// </summary>
public static class DocumentContent
{
    public const string Allowed = "a PDF, PNG, JPEG or plain-text (UTF-8) file";

    /// <summary>Adds what the server knows of the file to a document's fields; returns its SHA-256 (hex).</summary>
    public static string Describe(JsonObject data, byte[] content, string mimeType, string? uploadedBy)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        data["mime_type"] = mimeType;
        data["file_size"] = content.Length;
        data["sha256"] = sha256;
        data["uploaded_by"] = uploadedBy;
        return sha256;
    }

    public static string? Sniff(ReadOnlySpan<byte> content)
    {
        if (content.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }
        return IsPlainText(content) ? "text/plain; charset=utf-8" : null;
    }

    /// <summary>Valid UTF-8 with no control characters but tab, line breaks and form feed: never markup a browser would run, as it is served with nosniff.</summary>
    private static bool IsPlainText(ReadOnlySpan<byte> content) =>
        Utf8.IsValid(content) && !content.ContainsAnyInRange((byte)0x00, (byte)0x08) && !content.ContainsAnyInRange((byte)0x0E, (byte)0x1F)
        && !content.Contains((byte)0x0B) && !content.Contains((byte)0x7F);
}
