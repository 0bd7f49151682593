using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Leap.Client.Http;

/// <summary>
/// Instants travel as ISO 8601 UTC with a "Z", as the API writes them. Any offset is read; the value is kept
/// as the instant it names.
/// </summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

/// <summary><c>{data, meta}</c>: every single-object response.</summary>
internal sealed record DataEnvelope<T>
{
    public T? Data { get; init; }
}

internal sealed record ListMeta
{
    public int Limit { get; init; }
    public int? NextOffset { get; init; }
    public bool HasMore { get; init; }
    public string? RequestId { get; init; }
}

/// <summary><c>{data: [...], meta: {limit, next_offset, has_more, request_id}}</c>: every list response.</summary>
internal sealed record ListEnvelope<T>
{
    public IReadOnlyList<T> Data { get; init; } = [];
    public ListMeta Meta { get; init; } = new();
}

internal sealed record CancelBody(string? CancellationReason);

/// <summary>
/// Source-generated serialization for every request and response type, so the client needs no reflection
/// (and is trimming- and AOT-safe). Add each new resource's types here.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(DataEnvelope<Organisation>))]
[JsonSerializable(typeof(DataEnvelope<ClinicalEntry>))]
[JsonSerializable(typeof(ListEnvelope<ClinicalEntry>))]
[JsonSerializable(typeof(ClinicalEntryWrite))]
[JsonSerializable(typeof(DataEnvelope<Consultation>))]
[JsonSerializable(typeof(ListEnvelope<Consultation>))]
[JsonSerializable(typeof(DataEnvelope<ConsultationCard>))]
[JsonSerializable(typeof(ListEnvelope<ConsultationCard>))]
[JsonSerializable(typeof(ConsultationCreate))]
[JsonSerializable(typeof(DataEnvelope<Amendment>))]
[JsonSerializable(typeof(ListEnvelope<Amendment>))]
[JsonSerializable(typeof(DataEnvelope<AuditEvent>))]
[JsonSerializable(typeof(ListEnvelope<AuditEvent>))]
[JsonSerializable(typeof(List<Dictionary<string, object?>>))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(DataEnvelope<Patient>))]
[JsonSerializable(typeof(ListEnvelope<Patient>))]
[JsonSerializable(typeof(PatientCreate))]
[JsonSerializable(typeof(DataEnvelope<AppointmentTemplate>))]
[JsonSerializable(typeof(ListEnvelope<AppointmentTemplate>))]
[JsonSerializable(typeof(AppointmentTemplateCreate))]
[JsonSerializable(typeof(DataEnvelope<Appointment>))]
[JsonSerializable(typeof(ListEnvelope<Appointment>))]
[JsonSerializable(typeof(AppointmentCreate))]
[JsonSerializable(typeof(DataEnvelope<AppointmentSeries>))]
[JsonSerializable(typeof(ListEnvelope<AppointmentSeries>))]
[JsonSerializable(typeof(SeriesRecurrence))]
[JsonSerializable(typeof(SeriesCancelBody))]
[JsonSerializable(typeof(SeriesMoveBody))]
[JsonSerializable(typeof(IReadOnlyList<SeriesConflict>))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(CancelBody))]
[JsonSerializable(typeof(ParticipantJoin))]
[JsonSerializable(typeof(DataEnvelope<AppointmentParticipant>))]
[JsonSerializable(typeof(ListEnvelope<AppointmentParticipant>))]
[JsonSerializable(typeof(DataEnvelope<AvailabilityResult>))]
[JsonSerializable(typeof(DataEnvelope<AvailabilitySlot>))]
[JsonSerializable(typeof(DataEnvelope<SlotCheck>))]
[JsonSerializable(typeof(SlotRequest))]
[JsonSerializable(typeof(DataEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(DataEnvelope<ClinicianSession>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianSession>))]
[JsonSerializable(typeof(DataEnvelope<ClinicianBlock>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianBlock>))]
[JsonSerializable(typeof(DataEnvelope<Resource>))]
[JsonSerializable(typeof(ListEnvelope<Resource>))]
[JsonSerializable(typeof(ResourceCreate))]
[JsonSerializable(typeof(DataEnvelope<Location>))]
[JsonSerializable(typeof(ListEnvelope<Location>))]
[JsonSerializable(typeof(ClinicianProfileCreate))]
[JsonSerializable(typeof(ClinicianSessionCreate))]
[JsonSerializable(typeof(ClinicianBlockCreate))]
[JsonSerializable(typeof(LocationCreate))]
[JsonSerializable(typeof(LocationClosureCreate))]
[JsonSerializable(typeof(DataEnvelope<LocationClosure>))]
[JsonSerializable(typeof(ListEnvelope<LocationClosure>))]
[JsonSerializable(typeof(DataEnvelope<Hold>))]
[JsonSerializable(typeof(ListEnvelope<Hold>))]
[JsonSerializable(typeof(HoldConfirm))]
[JsonSerializable(typeof(DataEnvelope<LeapDeletion>))]
[JsonSerializable(typeof(DataEnvelope<Episode>))]
[JsonSerializable(typeof(ListEnvelope<Episode>))]
[JsonSerializable(typeof(EpisodeCreate))]
[JsonSerializable(typeof(EpisodeCloseBody))]
[JsonSerializable(typeof(EpisodeReopenBody))]
[JsonSerializable(typeof(EpisodeAssignBody))]
[JsonSerializable(typeof(EpisodeChangePriorityBody))]
[JsonSerializable(typeof(DataEnvelope<EpisodeEvent>))]
[JsonSerializable(typeof(ListEnvelope<EpisodeEvent>))]
[JsonSerializable(typeof(EpisodeEventCreate))]
[JsonSerializable(typeof(DataEnvelope<PathwayRule>))]
[JsonSerializable(typeof(ListEnvelope<PathwayRule>))]
[JsonSerializable(typeof(PathwayRuleCreate))]
[JsonSerializable(typeof(PathwayRuleConditions))]
[JsonSerializable(typeof(DataEnvelope<QuestionnaireTemplate>))]
[JsonSerializable(typeof(ListEnvelope<QuestionnaireTemplate>))]
[JsonSerializable(typeof(QuestionnaireTemplateCreate))]
[JsonSerializable(typeof(DataEnvelope<QuestionnaireResponse>))]
[JsonSerializable(typeof(ListEnvelope<QuestionnaireResponse>))]
[JsonSerializable(typeof(QuestionnaireResponseCreate))]
[JsonSerializable(typeof(DataEnvelope<User>))]
[JsonSerializable(typeof(ListEnvelope<User>))]
[JsonSerializable(typeof(UserCreate))]
[JsonSerializable(typeof(UserPasswordReset))]
[JsonSerializable(typeof(ListEnvelope<AppointmentNotification>))]
[JsonSerializable(typeof(DataEnvelope<AppointmentNotification>))]
[JsonSerializable(typeof(TemplateNotifications))]
[JsonSerializable(typeof(QuietHours))]
[JsonSerializable(typeof(DataEnvelope<NotificationSettings>))]
[JsonSerializable(typeof(DataEnvelope<MessageTemplate>))]
[JsonSerializable(typeof(ListEnvelope<MessageTemplate>))]
[JsonSerializable(typeof(DataEnvelope<WebhookEndpoint>))]
[JsonSerializable(typeof(ListEnvelope<WebhookEndpoint>))]
[JsonSerializable(typeof(WebhookEndpointCreate))]
[JsonSerializable(typeof(DataEnvelope<CalendarFeed>))]
[JsonSerializable(typeof(ListEnvelope<CalendarFeed>))]
[JsonSerializable(typeof(CalendarFeedCreate))]
[JsonSerializable(typeof(DataEnvelope<CalendarFeedSettings>))]
[JsonSerializable(typeof(CalendarFeedSettings))]
[JsonSerializable(typeof(DataEnvelope<WaitlistEntry>))]
[JsonSerializable(typeof(ListEnvelope<WaitlistEntry>))]
[JsonSerializable(typeof(WaitlistEntryCreate))]
[JsonSerializable(typeof(DataEnvelope<WebhookDelivery>))]
[JsonSerializable(typeof(ListEnvelope<WebhookDelivery>))]
internal sealed partial class LeapJsonContext : JsonSerializerContext;
