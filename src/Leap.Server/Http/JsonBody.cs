using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;

namespace Leap.Server.Http;

/// <summary>
/// A request's JSON object, read once. Checks the media type, size and syntax (400/413/415 in the envelope)
/// and offers a canonical hash of the content for idempotency checks.
/// </summary>
public sealed class JsonBody
{
    /// <summary>1 MiB: far above any real create or update, low enough that junk is cheap to refuse.</summary>
    public const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    private JsonBody(JsonElement root, bool isEmpty)
    {
        Root = root;
        IsEmpty = isEmpty;
    }

    public JsonElement Root { get; }

    /// <summary>True when the request had no body at all (treated as <c>{}</c>).</summary>
    public bool IsEmpty { get; }

    /// <summary>Reads the body; <paramref name="arrayAllowed"/> for the one format whose document is an array (JSON Patch).</summary>
    public static async Task<JsonBody> ReadAsync(HttpRequest request, CancellationToken ct, bool arrayAllowed = false)
    {
        var maxBytes = BodyLimit.Of(request.HttpContext);
        var hasBody = request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (!hasBody)
        {
            return new JsonBody(JsonDocument.Parse("{}").RootElement, isEmpty: true);
        }
        if (!IsJson(request.ContentType))
        {
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType,
                $"Send the request body as JSON with 'Content-Type: application/json' (got '{request.ContentType ?? "none"}').");
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        var buffer = new ArrayBufferWriter<byte>();
        var pipe = request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await pipe.ReadAsync(ct);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == 413)
            {
                // The server's own limit, one byte above ours, can trip first on a chunked body.
                throw TooLarge(maxBytes);
            }
            foreach (var segment in result.Buffer)
            {
                buffer.Write(segment.Span);
            }
            pipe.AdvanceTo(result.Buffer.End);
            if (buffer.WrittenCount > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
            if (result.IsCompleted)
            {
                break;
            }
        }
        if (buffer.WrittenCount == 0)
        {
            return new JsonBody(JsonDocument.Parse("{}").RootElement, isEmpty: true);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.WrittenMemory, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"The request body is not valid JSON: {e.Message}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object && !(arrayAllowed && document.RootElement.ValueKind == JsonValueKind.Array))
        {
            throw ApiException.BadRequest($"The request body must be a JSON object, not {Describe(document.RootElement.ValueKind)}.");
        }
        if (!IsValidText(document.RootElement))
        {
            throw ApiException.BadRequest("The request body contains text that is not valid Unicode (an unpaired surrogate escape such as \\ud800).");
        }
        return new JsonBody(document.RootElement, isEmpty: false);
    }

    /// <summary>
    /// SHA-256 of the body in canonical form (object members sorted by name, no insignificant whitespace),
    /// so a retry that serializes the same fields in another order still counts as the same request.
    /// </summary>
    public string CanonicalHash()
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            WriteCanonical(writer, Root);
        }
        return Convert.ToHexStringLower(SHA256.HashData(output.WrittenSpan));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// JSON allows escapes of lone surrogates ("\ud800") that no .NET string can hold; refusing them here means
    /// every later reader of the body can take its text for granted.
    /// </summary>
    private static bool IsValidText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name; // unescapes the name, throwing on an unpaired surrogate
                        if (!IsValidText(property.Value))
                        {
                            return false;
                        }
                    }
                    return true;
                case JsonValueKind.Array:
                    return element.EnumerateArray().All(IsValidText);
                case JsonValueKind.String:
                    return element.GetString() is not null;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ApiException TooLarge(long maxBytes) =>
        new(413, ErrorCodes.PayloadTooLarge, $"The request body is larger than the {maxBytes / 1024} KiB limit.");

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && contentType.Split(';')[0].EndsWith("+json", StringComparison.OrdinalIgnoreCase)));

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an object",
    };
}

/// <summary>
/// Endpoint metadata: the endpoint takes JSON bodies up to <paramref name="Bytes"/> (document uploads) instead of
/// <see cref="JsonBody.MaxBytes"/>; the server's own limit is raised for its requests only.
/// </summary>
public sealed record BodyLimit(long Bytes)
{
    public static long Of(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is not { } limit)
        {
            return JsonBody.MaxBytes;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = limit.Bytes + 1;
        }
        return limit.Bytes;
    }
}
