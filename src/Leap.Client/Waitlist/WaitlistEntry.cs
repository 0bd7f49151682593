namespace Leap.Client;

/// <summary>
/// A patient waiting for a freed slot of a template (docs/waitlist.md). While <see cref="Status"/> is
/// <see cref="WaitlistStatus.Offered"/>, the slot is held for them (<see cref="HoldId"/>) until <see cref="OfferExpiresAt"/>.
/// </summary>
public sealed record WaitlistEntry
{
    /// <summary>The entry's id (<c>wl_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The patient waiting.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>The template whose freed slots the patient wants.</summary>
    public string AppointmentTemplateId { get; init; } = "";
    /// <summary>Only slots of this clinician, or null for any.</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>Only slots at this location, or null for any.</summary>
    public string? LocationId { get; init; }
    /// <summary>No slot before this date (the slot's local date), or null.</summary>
    public DateOnly? EarliestDate { get; init; }
    /// <summary>No slot after this date (the slot's local date), or null.</summary>
    public DateOnly? LatestDate { get; init; }
    /// <summary>Higher first; entries of equal priority in the order they were made.</summary>
    public int Priority { get; init; }
    /// <summary>The clinic's notes (never shown to the patient).</summary>
    public string? Notes { get; init; }
    /// <summary>One of <see cref="WaitlistStatus"/>.</summary>
    public string Status { get; init; } = "";
    /// <summary>The hold of the offered slot (kept once the offer is claimed or expires).</summary>
    public string? HoldId { get; init; }
    /// <summary>The offered slot's start.</summary>
    public DateTimeOffset? OfferStartTime { get; init; }
    /// <summary>The offered slot's end.</summary>
    public DateTimeOffset? OfferEndTime { get; init; }
    /// <summary>The offered slot's clinician.</summary>
    public string? OfferClinicianProfileId { get; init; }
    /// <summary>When the offer lapses unless claimed.</summary>
    public DateTimeOffset? OfferExpiresAt { get; init; }
    /// <summary>The patient's link to see and claim the offer (no key needed), while offered.</summary>
    public string? ClaimUrl { get; init; }
    /// <summary>The appointment the claim booked.</summary>
    public string? AppointmentId { get; init; }
    /// <summary>When the entry was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the entry last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The statuses of a <see cref="WaitlistEntry"/>.</summary>
public static class WaitlistStatus
{
    /// <summary>Waiting for a slot.</summary>
    public const string Waiting = "waiting";
    /// <summary>A slot is held for the patient to claim.</summary>
    public const string Offered = "offered";
    /// <summary>The offer was claimed: <see cref="WaitlistEntry.AppointmentId"/> is booked.</summary>
    public const string Booked = "booked";
    /// <summary>The patient no longer wants a slot.</summary>
    public const string Removed = "removed";
    /// <summary>The offer lapsed unclaimed.</summary>
    public const string Expired = "expired";
}

/// <summary>A new waitlist entry.</summary>
public sealed record WaitlistEntryCreate
{
    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }
    /// <summary>The template (it must take online bookings).</summary>
    public required string AppointmentTemplateId { get; init; }
    /// <summary>Only slots of this clinician.</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>Only slots at this location.</summary>
    public string? LocationId { get; init; }
    /// <summary>No slot before this date.</summary>
    public DateOnly? EarliestDate { get; init; }
    /// <summary>No slot after this date.</summary>
    public DateOnly? LatestDate { get; init; }
    /// <summary>-1000 to 1000, higher first; 0 when null.</summary>
    public int? Priority { get; init; }
    /// <summary>The clinic's notes.</summary>
    public string? Notes { get; init; }
}

/// <summary>Filters of <see cref="WaitlistClient.ListAsync"/>.</summary>
public sealed record WaitlistEntryListQuery : ListQuery
{
    /// <summary>Only this patient's entries.</summary>
    public string? PatientId { get; init; }
    /// <summary>Only the entries of this template.</summary>
    public string? AppointmentTemplateId { get; init; }
    /// <summary>Only entries in this status (<see cref="WaitlistStatus"/>).</summary>
    public string? Status { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("patient_id", PatientId);
        query.Add("appointment_template_id", AppointmentTemplateId);
        query.Add("status", Status);
    }
}
