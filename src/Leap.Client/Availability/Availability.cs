namespace Leap.Client;

/// <summary>A bookable time for one clinician, template and location.</summary>
public sealed record AvailabilitySlot
{
    /// <summary>Start (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>End (UTC).</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>The clinician who is free.</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>The clinician's name, for display.</summary>
    public string? ClinicianName { get; init; }
    /// <summary>Where.</summary>
    public string? LocationId { get; init; }
    /// <summary>The template the slot was computed for.</summary>
    public string? AppointmentTemplateId { get; init; }
    /// <summary>Whether the slot can be booked (listed slots always can).</summary>
    public bool IsAvailable { get; init; }
    /// <summary>A group template's session already booked: the appointment to join (<see cref="AppointmentsClient.AddParticipantAsync"/>).</summary>
    public string? AppointmentId { get; init; }
    /// <summary>A group template's free seats (null for one-to-one templates).</summary>
    public int? SeatsRemaining { get; init; }
}

/// <summary>The dates a slot search covered.</summary>
public sealed record DateRange
{
    /// <summary>First day.</summary>
    public DateOnly From { get; init; }
    /// <summary>Last day.</summary>
    public DateOnly To { get; init; }
}

/// <summary>The answer of <c>GET /availability</c>: the slots and the dates searched.</summary>
public sealed record AvailabilityResult
{
    /// <summary>The free slots, ordered by start time, then clinician name.</summary>
    public IReadOnlyList<AvailabilitySlot> Slots { get; init; } = [];
    /// <summary>The dates searched.</summary>
    public DateRange? DateRange { get; init; }
}

/// <summary>Which slots to look for: a service, and optionally one clinician or location.</summary>
public record SlotFilter
{
    /// <summary>The service to book.</summary>
    public required string AppointmentTemplateId { get; init; }
    /// <summary>Only this clinician.</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>Only this location.</summary>
    public string? LocationId { get; init; }
    /// <summary>
    /// Also services not offered online and clinicians not bookable online (phone bookings); needs the
    /// <c>write_appointments</c> scope (otherwise <see cref="LeapPermissionException"/>).
    /// </summary>
    public bool IncludeOffline { get; init; }

    private protected virtual void AddDates(QueryString query)
    {
    }

    /// <summary><c>/availability/next</c> searches from now, so it takes no dates.</summary>
    internal string ToQueryString(bool withDates = true)
    {
        var query = new QueryString();
        if (withDates)
        {
            AddDates(query);
        }
        query.Add("appointment_template_id", AppointmentTemplateId);
        query.Add("clinician_profile_id", ClinicianProfileId);
        query.Add("location_id", LocationId);
        query.Add("include_offline", IncludeOffline ? true : null);
        return query.ToString();
    }
}

/// <summary>
/// A slot search over local dates at each slot's location, <see cref="DateFrom"/> to <see cref="DateTo"/>
/// inclusive, at most 14 days apart.
/// </summary>
public sealed record AvailabilityQuery : SlotFilter
{
    /// <summary>First day.</summary>
    public required DateOnly DateFrom { get; init; }
    /// <summary>Last day: on or after <see cref="DateFrom"/>, at most 14 days after it.</summary>
    public required DateOnly DateTo { get; init; }

    private protected override void AddDates(QueryString query)
    {
        query.Add("date_from", DateFrom);
        query.Add("date_to", DateTo);
    }
}

/// <summary>One slot, as availability offered it: to check (<c>POST /availability/verify</c>) or to hold (<c>POST /holds</c>).</summary>
public sealed record SlotRequest
{
    /// <summary>The service.</summary>
    public required string AppointmentTemplateId { get; init; }
    /// <summary>The clinician.</summary>
    public required string ClinicianProfileId { get; init; }
    /// <summary>The start (any offset; sent as UTC).</summary>
    public required DateTimeOffset StartTime { get; init; }
    /// <summary>The location; any of the clinician's locations when null.</summary>
    public string? LocationId { get; init; }
}

/// <summary>Why a slot cannot be booked (<see cref="SlotCheck.Reason"/>), most fundamental first.</summary>
public static class SlotUnavailableReason
{
    /// <summary>The start has passed.</summary>
    public const string InThePast = "in_the_past";
    /// <summary>Inside the template's minimum notice.</summary>
    public const string TooSoon = "too_soon";
    /// <summary>Beyond the template's maximum advance.</summary>
    public const string TooFarAhead = "too_far_ahead";
    /// <summary>Not inside one of the clinician's working sessions.</summary>
    public const string OutsideSessions = "outside_sessions";
    /// <summary>The clinician is away (leave, training...).</summary>
    public const string Blocked = "blocked";
    /// <summary>An appointment overlaps it.</summary>
    public const string Booked = "booked";
    /// <summary>Another hold overlaps it.</summary>
    public const string Held = "held";
}

/// <summary>The answer of <c>POST /availability/verify</c>.</summary>
public sealed record SlotCheck
{
    /// <summary>Whether the slot can be booked now.</summary>
    public bool Available { get; init; }
    /// <summary>When not: why, one of <see cref="SlotUnavailableReason"/>.</summary>
    public string? Reason { get; init; }
    /// <summary>When not: a sentence for people (names the clashing appointment, hold or block).</summary>
    public string? Message { get; init; }
    /// <summary>When available: the slot, with its location.</summary>
    public AvailabilitySlot? Slot { get; init; }
}
