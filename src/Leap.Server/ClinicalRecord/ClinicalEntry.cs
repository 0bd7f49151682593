using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.ClinicalRecord;

/// <summary>
/// One entry of a patient's clinical record (a problem, a prescription, an observation...): the fields every kind
/// shares, and the kind's own fields (<see cref="Data"/>, written inline beside them).
/// </summary>
public sealed record ClinicalEntry
{
    public required string Id { get; init; }
    public required string PatientId { get; init; }
    /// <summary>The consultation it was recorded in (its id), if any.</summary>
    public string? ConsultationId { get; init; }

    /// <summary>The kind's own fields (<see cref="EntryKind.Fields"/>), in the kind's order.</summary>
    [JsonIgnore]
    public JsonObject Data { get; init; } = [];

    /// <summary><see cref="Data"/> as the serializer writes extension data: inline, beside the shared fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement> Fields
    {
        get => JsonDocument.Parse(Data.ToJsonString()).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        set => throw new NotSupportedException("Entries are read from the database, not from JSON.");
    }

    /// <summary>1 when recorded; each amendment adds one (the earlier versions are under /consultations/{id}/amendments).</summary>
    public int Version { get; init; } = 1;
    public required string CreatedByType { get; init; }
    public string? CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    // Stored beside the fields so lists can filter on them; derived from them.
    [JsonIgnore] public string Kind { get; init; } = "";
    [JsonIgnore] public string? Status { get; init; }
    [JsonIgnore] public string? Category { get; init; }
    [JsonIgnore] public DateOnly RecordedOn { get; init; }

    /// <summary>An entry of <paramref name="kind"/> with <paramref name="data"/>, recorded now by the session's actor.</summary>
    public static ClinicalEntry New(EntryKind kind, string patientId, string? consultationId, JsonObject data, DateOnly fallbackDate,
        Accounts.Actor actor, DateTimeOffset now) => new()
    {
        Id = Ids.New(kind.Prefix),
        Kind = kind.Name,
        PatientId = patientId,
        ConsultationId = consultationId,
        Data = data,
        Status = kind.StatusOf(data),
        Category = kind.CategoryOf(data),
        RecordedOn = kind.DateOf(data) ?? fallbackDate,
        CreatedByType = actor.Type,
        CreatedBy = actor.Id,
        CreatedAt = now,
        UpdatedAt = now,
    };
}

/// <summary>An earlier version of a corrected entry, kept with who corrected it, when and why. Append-only.</summary>
public sealed record Amendment
{
    public required string Id { get; init; }
    public required string EntryId { get; init; }
    /// <summary>problem, prescription...</summary>
    public required string EntryType { get; init; }
    public required string PatientId { get; init; }
    public string? ConsultationId { get; init; }
    /// <summary>The version this amendment replaced: <see cref="Previous"/> is that version's fields.</summary>
    public int Version { get; init; }
    public required JsonObject Previous { get; init; }
    public string? Reason { get; init; }
    public required string AmendedByType { get; init; }
    public string? AmendedBy { get; init; }
    public DateTimeOffset AmendedAt { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<ClinicalEntry>))]
[JsonSerializable(typeof(ListEnvelope<ClinicalEntry>))]
[JsonSerializable(typeof(ListEnvelope<Amendment>))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ClinicalJson : JsonSerializerContext;
