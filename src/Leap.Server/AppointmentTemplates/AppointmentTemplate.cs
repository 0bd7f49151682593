using System.Text.Json.Serialization;
using Leap.Server.Http;
using Leap.Server.Notifications;

namespace Leap.Server.AppointmentTemplates;

/// <summary>A bookable service: how long it takes, what it costs, and the buffers around it.</summary>
public sealed record AppointmentTemplate
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Minutes.</summary>
    public int Duration { get; init; }
    /// <summary>Minor units (pence): 8500 is £85.00.</summary>
    public int Price { get; init; }
    public required string PricingType { get; init; }
    public bool IsActive { get; init; }
    public required string Status { get; init; }
    public int Version { get; init; }
    public bool AllowOnlineBooking { get; init; }
    public int BufferBeforeMinutes { get; init; }
    public int BufferAfterMinutes { get; init; }
    /// <summary>Online booking rule: no slot is offered that starts sooner than this after now.</summary>
    public int MinNoticeMinutes { get; init; }
    /// <summary>Online booking rule: no slot is offered that starts more than this many days ahead.</summary>
    public int MaxAdvanceDays { get; init; }
    /// <summary>What the template sends to patients (docs/notifications.md); the defaults until changed.</summary>
    public TemplateNotifications Notifications { get; init; } = TemplateNotifications.Defaults;
    /// <summary>Manage link rule: the patient may cancel or move the appointment up to this many hours before it starts.</summary>
    public int CancellationNoticeHours { get; init; }
    /// <summary>Patients per appointment: 1 is an ordinary one-to-one appointment, more a group or class session (docs/groups-and-resources.md).</summary>
    public int MaxParticipants { get; init; } = 1;
    /// <summary>The fewest participants the session is meant to run with; recorded and returned, not enforced.</summary>
    public int? MinParticipants { get; init; }
    /// <summary>The resource types each booking takes one free resource of at its location, "room" and/or "equipment" (docs/groups-and-resources.md).</summary>
    public IReadOnlyList<string> RequiredResourceTypes { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public static class TemplateValues
{
    public static readonly IReadOnlyList<string> PricingTypes = ["free", "stripe", "xero"];
    public static readonly IReadOnlyList<string> Statuses = ["draft", "published", "archived"];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<AppointmentTemplate>))]
[JsonSerializable(typeof(ListEnvelope<AppointmentTemplate>))]
internal sealed partial class AppointmentTemplatesJson : JsonSerializerContext;
