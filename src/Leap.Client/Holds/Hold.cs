namespace Leap.Client;

/// <summary>
/// A 15-minute reservation of one free slot while a patient completes a booking. It takes the clinician's
/// time like an appointment until it is confirmed (<see cref="HoldsClient.ConfirmAsync"/>), released
/// (<see cref="HoldsClient.ReleaseAsync"/>) or it expires.
/// </summary>
public sealed record Hold
{
    /// <summary>The hold's id (<c>hold_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The appointment template (service) held.</summary>
    public string AppointmentTemplateId { get; init; } = "";
    /// <summary>The clinician held.</summary>
    public string ClinicianProfileId { get; init; } = "";
    /// <summary>The location: the one given, or that of the session the slot lies in.</summary>
    public string? LocationId { get; init; }
    /// <summary>Start of the held slot (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>End of the held slot (UTC): the start plus the template's duration.</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>When an active hold stops reserving the slot (15 minutes after it was made).</summary>
    public DateTimeOffset ExpiresAt { get; init; }
    /// <summary>active, confirmed, released or expired; see <see cref="HoldStatus"/>.</summary>
    public string Status { get; init; } = "";
    /// <summary>Once confirmed: the appointment the hold became.</summary>
    public string? AppointmentId { get; init; }
    /// <summary>When the hold was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the hold last changed (confirmed, released).</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Jump's first-generation name for <see cref="AppointmentTemplateId"/> (the same value).</summary>
    public string? AppointmentTypeId { get; init; }
    /// <summary>Jump's first-generation name for <see cref="ClinicianProfileId"/> (the same value).</summary>
    public string? ClinicianId { get; init; }
}

/// <summary>Values of <see cref="Hold.Status"/>.</summary>
public static class HoldStatus
{
    /// <summary>Reserving the slot until <see cref="Hold.ExpiresAt"/>.</summary>
    public const string Active = "active";
    /// <summary>Booked: <see cref="Hold.AppointmentId"/> is the appointment.</summary>
    public const string Confirmed = "confirmed";
    /// <summary>Given back with <see cref="HoldsClient.ReleaseAsync"/>.</summary>
    public const string Released = "released";
    /// <summary>Not confirmed within 15 minutes; the slot is free again.</summary>
    public const string Expired = "expired";
}

/// <summary>
/// What a confirmed hold books: the patient and the appointment's descriptive fields. The hold fixes the time,
/// template, clinician and location.
/// </summary>
public sealed record HoldConfirm
{
    /// <summary>The patient to book (required; must not be archived).</summary>
    public required string PatientId { get; init; }
    /// <summary>Title; the template's name when unset.</summary>
    public string? Title { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>pending, pending_approval, confirmed (default) or scheduled; see <see cref="AppointmentStatus"/>.</summary>
    public string? Status { get; init; }
    /// <summary>Attendee name (defaults to the patient's).</summary>
    public string? AttendeeName { get; init; }
    /// <summary>Attendee email (defaults to the patient's).</summary>
    public string? AttendeeEmail { get; init; }
    /// <summary>Attendee phone (defaults to the patient's).</summary>
    public string? AttendeePhone { get; init; }
    /// <summary>Whether the appointment is remote.</summary>
    public bool? IsRemote { get; init; }
    /// <summary>video or phone.</summary>
    public string? RemoteChannel { get; init; }
    /// <summary>Video link.</summary>
    public string? VideoLink { get; init; }
    /// <summary>Video provider.</summary>
    public string? VideoProvider { get; init; }
    /// <summary>Meeting URL.</summary>
    public string? MeetingUrl { get; init; }
    /// <summary>The linked episode.</summary>
    public string? EpisodeId { get; init; }
}

/// <summary>
/// 409 <see cref="LeapErrorCodes.InvalidState"/> from <see cref="HoldsClient.ConfirmAsync"/> or
/// <see cref="HoldsClient.ReleaseAsync"/>: the hold is no longer active. <see cref="Hold"/> is the hold as it is
/// now: <see cref="HoldStatus.Expired"/> (hold the slot again), <see cref="HoldStatus.Confirmed"/> (see
/// <see cref="Hold.AppointmentId"/>) or <see cref="HoldStatus.Released"/>.
/// </summary>
public sealed class LeapHoldNotActiveException(LeapError error, Hold hold, int attempts = 1, TimeSpan? retryAfter = null)
    : LeapConflictException(error, attempts, retryAfter)
{
    /// <summary>The hold as the server had it after refusing the call.</summary>
    public Hold Hold { get; } = hold;

    /// <summary>True when the hold ran out before it was confirmed: the slot must be held again.</summary>
    public bool IsExpired => Hold.Status == HoldStatus.Expired;
}
