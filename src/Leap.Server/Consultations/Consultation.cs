using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Leap.Server.ClinicalRecord;
using Leap.Server.Http;

namespace Leap.Server.Consultations;

/// <summary>
/// A consultation (Jump's problem-oriented record of one encounter). Its <see cref="Id"/> is a bare UUID and
/// <see cref="ConsultationId"/> the same UUID with the <c>con_</c> prefix, as Jump shows them; either finds it.
/// </summary>
public record Consultation
{
    public required string Id { get; init; }
    public required string ConsultationId { get; init; }
    public required string PatientId { get; init; }
    public string? ClinicianId { get; init; }
    public string? LocationId { get; init; }
    public string? AppointmentId { get; init; }
    public string? EpisodeId { get; init; }
    public DateOnly ConsultationDate { get; init; }
    /// <summary>Local time of day, "HH:MM:SS".</summary>
    public string? ConsultationTime { get; init; }
    public required string Status { get; init; }
    /// <summary>SNOMED CT code of the consultation type, e.g. 11429006 (consultation).</summary>
    public string? ConsultationTypeCode { get; init; }
    public string? ConsultationTypeDisplay { get; init; }
    public string? ConsultationMediumCode { get; init; }
    public string? ConsultationMediumDisplay { get; init; }
    public string? ConsultationSetting { get; init; }
    public string? ConsultationSettingCode { get; init; }
    public string? ChiefComplaint { get; init; }
    public string? Summary { get; init; }
    public required string CreatedByType { get; init; }
    public string? CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The full card: the consultation and its entries by section (all of them, or the core ones).</summary>
public sealed record ConsultationCard : Consultation
{
    [SetsRequiredMembers]
    public ConsultationCard(Consultation consultation, IReadOnlyDictionary<string, IReadOnlyList<ClinicalEntry>> sections) : base(consultation) =>
        Sections = sections;

    public IReadOnlyDictionary<string, IReadOnlyList<ClinicalEntry>> Sections { get; init; }
}

public static class ConsultationValues
{
    public const string Completed = "completed";

    public static readonly IReadOnlyList<string> Statuses = ["draft", "in_progress", Completed, "cancelled"];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ListEnvelope<Consultation>))]
[JsonSerializable(typeof(DataEnvelope<ConsultationCard>))]
internal sealed partial class ConsultationsJson : JsonSerializerContext;
