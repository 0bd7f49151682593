
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
    /// <summary>Where; null for remote slots.</summary>
    public string? LocationId { get; init; }
    /// <summary>The template the slot was computed for.</summary>
    public string? AppointmentTemplateId { get; init; }
    /// <summary>Whether the slot can be booked.</summary>
    public bool IsAvailable { get; init; }
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
    /// <summary>The slots found, in time order.</summary>
    public IReadOnlyList<AvailabilitySlot> Slots { get; init; } = [];
    /// <summary>The dates searched.</summary>
    public DateRange? DateRange { get; init; }
}

/// <summary>What to search free slots for. Unset optional filters are not sent.</summary>
public sealed record AvailabilityQuery
{
    /// <summary>The service to book (required).</summary>
    public required string AppointmentTemplateId { get; init; }
    /// <summary>First day to search: required by <see cref="AvailabilityClient.GetAsync"/>, optional for <see cref="AvailabilityClient.NextAsync"/>.</summary>
    public DateOnly? DateFrom { get; init; }
    /// <summary>Last day to search (at most 14 days after <see cref="DateFrom"/>): required by <see cref="AvailabilityClient.GetAsync"/>.</summary>
    public DateOnly? DateTo { get; init; }
    /// <summary>Only this clinician.</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>Only this location.</summary>
    public string? LocationId { get; init; }

    internal string ToQueryString()
    {
        var query = new QueryString();
        query.Add("date_from", DateFrom);
        query.Add("date_to", DateTo);
        query.Add("appointment_template_id", AppointmentTemplateId);
        query.Add("clinician_profile_id", ClinicianProfileId);
        query.Add("location_id", LocationId);
        return query.ToString();
    }
}
