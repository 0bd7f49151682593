using System.Text.Json.Serialization;

namespace Leap.Server.Http;

// The Jump (current generation) envelope: every response is {data, meta} and errors add {error}.

public sealed record Meta(string RequestId)
{
    /// <summary>Only in the answer of a patient create: existing patients the new one looks like (docs/patient-sync.md).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<RecordRef>? PossibleDuplicates { get; init; }
}

/// <summary>A record named by its id alone (no other field, so no personal data).</summary>
public sealed record RecordRef(string Id);

public sealed record ListMeta(int Limit, int? NextOffset, bool HasMore, string RequestId);

public sealed record DataEnvelope<T>(T Data, Meta Meta);

public sealed record ListEnvelope<T>(IReadOnlyList<T> Data, ListMeta Meta);

public sealed record FieldError(string Field, string Message);

/// <summary>
/// <c>error</c>: <see cref="Details"/> is usually the list of invalid fields (<see cref="FieldError"/>s), or for the
/// codes that say so an object of their own (a <c>SERIES_CONFLICT</c>'s <c>conflicts</c>).
/// </summary>
public sealed record ErrorBody(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Details = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConflictingAppointmentId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? CandidateIds = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? StrandedAppointmentIds = null);

public sealed record ErrorEnvelope(object? Data, Meta Meta, ErrorBody Error);

/// <summary>The answer to a DELETE: what was deleted (as Stripe answers).</summary>
public sealed record Deletion(string Id, bool Deleted = true)
{
    /// <summary>Only in the answer of a forced removal: the future appointments it left outside working time (docs/directory.md).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? StrandedAppointmentIds { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(FieldError[]))]
[JsonSerializable(typeof(DataEnvelope<HealthStatus>))]
[JsonSerializable(typeof(DataEnvelope<Deletion>))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;

public sealed record HealthStatus(string Status, string? Engine);
