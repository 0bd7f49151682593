using System.Text.Json;

namespace Leap.Client.Http;

/// <summary>
/// Reads an error response into a <see cref="LeapError"/>. Tolerant by design: besides the current envelope
/// (<c>{data: null, meta: {request_id}, error: {code, message, details}}</c>) it accepts Jump's older flat
/// form (<c>{error: "...", details: "...", request_id}</c>) and bodies that are not JSON at all (a proxy's page).
/// </summary>
internal static class ErrorReader
{
    private const int MaxQuotedBody = 300;

    public static async Task<LeapError> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        var error = Parse(status, text);
        if (error.RequestId is null && response.Headers.TryGetValues("X-Request-Id", out var ids))
        {
            error = error with { RequestId = ids.FirstOrDefault() };
        }
        return error;
    }

    internal static LeapError Parse(int status, string text)
    {
        var fallback = new LeapError
        {
            Status = status,
            Code = "HTTP_" + status,
            Message = text.Length == 0 ? $"The server answered {status} with no body."
                : $"The server answered {status}: {(text.Length > MaxQuotedBody ? text[..MaxQuotedBody] + "…" : text)}",
        };
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return fallback;
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return fallback;
        }

        var requestId = String(Property(root, "meta"), "request_id") ?? String(root, "request_id");
        var body = Property(root, "error");
        return body?.ValueKind switch
        {
            JsonValueKind.Object => fallback with
            {
                Code = String(body, "code") ?? fallback.Code,
                Message = String(body, "message") ?? fallback.Message,
                Details = FieldErrors(Property(body, "details")),
                RequestId = requestId,
                ConflictingAppointmentId = String(body, "conflicting_appointment_id"),
                CandidateIds = Strings(Property(body, "candidate_ids")),
                StrandedAppointmentIds = Strings(Property(body, "stranded_appointment_ids")),
                SeriesConflicts = Property(Property(body, "details"), "conflicts") is { ValueKind: JsonValueKind.Array } conflicts
                    ? conflicts.Deserialize(LeapJsonContext.Default.IReadOnlyListSeriesConflict) ?? [] : [],
            },
            JsonValueKind.String => fallback with
            {
                Message = String(root, "details") is { } details ? $"{body.Value.GetString()}: {details}" : body.Value.GetString()!,
                RequestId = requestId,
            },
            _ => fallback with { RequestId = requestId },
        };
    }

    private static JsonElement? Property(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) ? value : null;

    private static string? String(JsonElement? element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static List<LeapFieldError> FieldErrors(JsonElement? details) =>
        details is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray()
                .Where(d => d.ValueKind == JsonValueKind.Object)
                .Select(d => new LeapFieldError(String(d, "field") ?? "", String(d, "message") ?? ""))
                .ToList()
            : [];

    private static List<string> Strings(JsonElement? values) =>
        values is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];
}
