namespace Leap.Client;

/// <summary>
/// A private iCalendar feed of one clinician's appointments. <see cref="Url"/> carries the feed's secret and is
/// returned once, by <see cref="CalendarFeedsClient.CreateAsync"/>: give it to the calendar app, and revoke the feed
/// (<see cref="CalendarFeedsClient.RevokeAsync"/>) if it leaks.
/// </summary>
public sealed record CalendarFeed
{
    /// <summary>The feed's id (<c>calf_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The clinician whose appointments the feed shows.</summary>
    public string ClinicianProfileId { get; init; } = "";
    /// <summary>The API key or user that made the feed.</summary>
    public string CreatedBy { get; init; } = "";
    /// <summary>When the feed was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the feed was revoked (its URL answers 404 since), or null.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>The secret feed URL (<c>…/ical/{token}.ics</c>): only in the answer of the create.</summary>
    public string? Url { get; init; }
}

/// <summary>What a new feed shows.</summary>
public sealed record CalendarFeedCreate
{
    /// <summary>The clinician; a signed-in clinician's own profile when left out.</summary>
    public string? ClinicianProfileId { get; init; }
}

/// <summary>The organisation's feed settings.</summary>
public sealed record CalendarFeedSettings
{
    /// <summary>What feeds show of a patient: <c>initials</c> (the default) or <c>full</c> names.</summary>
    public string PatientNames { get; init; } = "";
}

/// <summary>Filters of <see cref="CalendarFeedsClient.ListAsync"/>.</summary>
public sealed record CalendarFeedListQuery : ListQuery
{
    /// <summary>Only the feeds of this clinician.</summary>
    public string? ClinicianProfileId { get; init; }

    private protected override void AddFilters(QueryString query) => query.Add("clinician_profile_id", ClinicianProfileId);
}
