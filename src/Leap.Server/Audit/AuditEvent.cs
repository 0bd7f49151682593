using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Audit;

/// <summary>One access to a patient's details or clinical record: who, what, which patient, when, in which request.</summary>
public sealed record AuditEvent
{
    public required string Id { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string ActorType { get; init; }
    public string? ActorId { get; init; }
    /// <summary>read, create, update or download.</summary>
    public required string Action { get; init; }
    /// <summary>What was accessed: patient, consultation, or the kind of clinical entry (problem, document...).</summary>
    public required string ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? PatientId { get; init; }
    public required string RequestId { get; init; }
}

public static class AuditActions
{
    public const string Read = "read";
    public const string Create = "create";
    public const string Update = "update";
    public const string Download = "download";

    public static readonly IReadOnlyList<string> All = [Read, Create, Update, Download];
}

/// <summary>Bound from the <c>Audit</c> configuration section (docs/audit.md).</summary>
public sealed class AuditOptions
{
    /// <summary>Eight years: what UK guidance asks of adult GP records' audit trails, and the default.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(8 * 365 + 2);

    /// <summary>How long an access waits in memory, at most, before it is written with the others of its batch.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public static AuditOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Audit");
        var defaults = new AuditOptions();
        var options = new AuditOptions
        {
            Retention = section.GetValue("Retention", defaults.Retention),
            FlushInterval = section.GetValue("FlushInterval", defaults.FlushInterval),
        };
        if (options.Retention <= TimeSpan.Zero || options.FlushInterval <= TimeSpan.Zero || options.FlushInterval > TimeSpan.FromSeconds(10))
        {
            throw new InvalidOperationException("Audit:Retention must be positive and Audit:FlushInterval between 0 and 10 seconds.");
        }
        return options;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<AuditEvent>))]
[JsonSerializable(typeof(ListEnvelope<AuditEvent>))]
internal sealed partial class AuditJson : JsonSerializerContext;
