using System.Text.Json.Serialization;
using Leap.Server.Appointments;
using Leap.Server.Http;

namespace Leap.Server.Participants;

/// <summary>A patient taking part in a group appointment (docs/groups-and-resources.md); one who leaves keeps the record, cancelled.</summary>
public sealed record Participant
{
    public const string JoinedStatus = "joined";
    public const string CancelledStatus = "cancelled";

    public required string Id { get; init; }
    public required string AppointmentId { get; init; }
    public required string PatientId { get; init; }
    /// <summary><c>joined</c> or <c>cancelled</c> (the participant left; the session goes on).</summary>
    public required string Status { get; init; }
    public DateTimeOffset JoinedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public static Participant Joined(string appointmentId, string patientId, DateTimeOffset now) => new()
    {
        Id = Ids.New(Ids.Participant), AppointmentId = appointmentId, PatientId = patientId, Status = JoinedStatus, JoinedAt = now, UpdatedAt = now,
    };

    public Participant Cancelled(DateTimeOffset now) => this with { Status = CancelledStatus, CancelledAt = now, UpdatedAt = now };
}

public static class GroupSessions
{
    /// <summary>
    /// A new booking of a template taking <paramref name="maxParticipants"/> patients: a group appointment whose booking
    /// patient holds the first seat; one-to-one (a template of 1) stays as it was.
    /// </summary>
    public static Appointment Booked(Appointment appointment, int? maxParticipants) =>
        maxParticipants > 1 ? appointment with { MaxParticipants = maxParticipants, ParticipantCount = 1 } : appointment;
}

/// <summary><c>error.details</c> of a <c>SESSION_FULL</c>.</summary>
public sealed record SessionFullDetails(int MaxParticipants, int ParticipantCount);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<Participant>))]
[JsonSerializable(typeof(ListEnvelope<Participant>))]
[JsonSerializable(typeof(SessionFullDetails))]
internal sealed partial class ParticipantsJson : JsonSerializerContext;
