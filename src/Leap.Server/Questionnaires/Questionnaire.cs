using System.Text.Json;
using System.Text.Json.Serialization;
using Leap.Server.Http;

namespace Leap.Server.Questionnaires;

/// <summary>
/// A form patients fill in. An organisation creates and edits its own through the API; system templates
/// (<see cref="IsSystem"/>) are shared by every organisation and read-only. The <see cref="Schema"/> lists the
/// questions (docs/questionnaires.md), which answers are checked against. A change to the title, description or
/// questions makes a new <see cref="Version"/>; every version is kept, so a response shows with the questions it answered.
/// </summary>
public sealed record QuestionnaireTemplate
{
    public required string Id { get; init; }
    public required string QuestionnaireId { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public JsonElement Schema { get; init; }
    public string? Category { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public bool IsClinical { get; init; }
    public int Version { get; init; }
    public bool IsActive { get; init; }
    public string? Key { get; init; }
    public bool IsSystem { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A filled-in questionnaire: answers keyed by question.</summary>
public sealed record QuestionnaireResponse
{
    public required string Id { get; init; }
    /// <summary>The questionnaire template (<c>qt_</c>) answered.</summary>
    public required string QuestionnaireId { get; init; }
    /// <summary>The template's version answered: <c>GET /questionnaire-templates/{id}?version=N</c> shows its questions.</summary>
    public int QuestionnaireVersion { get; init; }
    public string? PatientId { get; init; }
    public string? AppointmentId { get; init; }
    public string? EpisodeId { get; init; }
    public JsonElement Responses { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public bool SubmittedByPatient { get; init; }
    public bool IsPreBooking { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<QuestionnaireTemplate>))]
[JsonSerializable(typeof(ListEnvelope<QuestionnaireTemplate>))]
[JsonSerializable(typeof(DataEnvelope<QuestionnaireResponse>))]
[JsonSerializable(typeof(ListEnvelope<QuestionnaireResponse>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class QuestionnairesJson : JsonSerializerContext;
