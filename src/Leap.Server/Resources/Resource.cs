using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Resources;

/// <summary>A room or a piece of equipment at one location, booked with the clinician (docs/groups-and-resources.md).</summary>
public sealed record Resource
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public required string LocationId { get; init; }
    public bool IsActive { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class ResourceTypes
{
    public const string Room = "room";
    public const string Equipment = "equipment";

    public static readonly IReadOnlyList<string> All = [Room, Equipment];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<Resource>))]
[JsonSerializable(typeof(ListEnvelope<Resource>))]
internal sealed partial class ResourcesJson : JsonSerializerContext;
