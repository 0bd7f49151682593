namespace Leap.Client;

/// <summary>A practitioner who can be booked, with the locations they work at. Read-only: the practice manages them.</summary>
public sealed record ClinicianProfile
{
    /// <summary>The clinician's id (<c>cli_…</c>); appointments and holds refer to it as <c>clinician_profile_id</c>.</summary>
    public string Id { get; init; } = "";
    /// <summary>Full name, e.g. Dr Ada Example.</summary>
    public string Name { get; init; } = "";
    /// <summary>The name shown to patients.</summary>
    public string? DisplayName { get; init; }
    /// <summary>Given name.</summary>
    public string? FirstName { get; init; }
    /// <summary>Family name.</summary>
    public string? LastName { get; init; }
    /// <summary>Title, e.g. Dr.</summary>
    public string? Title { get; init; }
    /// <summary>Role, e.g. GP Partner.</summary>
    public string? Role { get; init; }
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>Biography, for patients.</summary>
    public string? Bio { get; init; }
    /// <summary>Photo URL.</summary>
    public string? PhotoUrl { get; init; }
    /// <summary>Qualifications, free text.</summary>
    public string? Qualifications { get; init; }
    /// <summary>Professional registration number (e.g. GMC number).</summary>
    public string? RegistrationNumber { get; init; }
    /// <summary>The body the registration number is with (e.g. GMC, HCPC).</summary>
    public string? ProfessionalRegistrationBody { get; init; }
    /// <summary>Whether the clinician is active (inactive clinicians cannot be booked).</summary>
    public bool IsActive { get; init; }
    /// <summary>Whether patients may book the clinician online.</summary>
    public bool IsBookableOnline { get; init; }
    /// <summary>The locations the clinician works at.</summary>
    public IReadOnlyList<string> LocationIds { get; init; } = [];
    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Filters for <see cref="ClinicianProfilesClient.ListAsync"/>; unset filters are not sent. Results are in creation order.</summary>
public sealed record ClinicianProfileListQuery : ListQuery
{
    /// <summary>Only active (true) or inactive (false) clinicians.</summary>
    public bool? IsActive { get; init; }
    /// <summary>Only clinicians patients can (true) or cannot (false) book online.</summary>
    public bool? IsBookableOnline { get; init; }
    /// <summary>Only clinicians working at this location.</summary>
    public string? LocationId { get; init; }
    /// <summary>Free text: every word must be part of the name, display name or email (case-insensitive).</summary>
    public string? Search { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("is_active", IsActive);
        query.Add("is_bookable_online", IsBookableOnline);
        query.Add("location_id", LocationId);
        query.Add("search", Search);
    }
}

/// <summary>
/// When a clinician works at a location: every week on <see cref="Weekday"/> (between the optional
/// <see cref="ValidFrom"/> and <see cref="ValidUntil"/>), or once on <see cref="Date"/>. Availability offers
/// slots only inside sessions.
/// </summary>
public sealed record ClinicianSession
{
    /// <summary>The session's id (<c>ses_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The clinician.</summary>
    public string ClinicianProfileId { get; init; } = "";
    /// <summary>The location the clinician works at during the session.</summary>
    public string LocationId { get; init; } = "";
    /// <summary>weekly or one_off; see <see cref="ClinicianSessionType"/>.</summary>
    public string Type { get; init; } = "";
    /// <summary>For weekly sessions: monday … sunday (see <see cref="Weekdays"/>); null for one-off sessions.</summary>
    public string? Weekday { get; init; }
    /// <summary>For one-off sessions: the day; null for weekly sessions.</summary>
    public DateOnly? Date { get; init; }
    /// <summary>Local start time at the location, <c>HH:MM</c> (in the location's <see cref="Location.Timezone"/>).</summary>
    public string StartTime { get; init; } = "";
    /// <summary>Local end time at the location, <c>HH:MM</c>.</summary>
    public string EndTime { get; init; } = "";
    /// <summary>Weekly sessions: the first day they apply, if limited.</summary>
    public DateOnly? ValidFrom { get; init; }
    /// <summary>Weekly sessions: the last day they apply, if limited.</summary>
    public DateOnly? ValidUntil { get; init; }
    /// <summary>When the session was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the session last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Values of <see cref="ClinicianSession.Type"/>.</summary>
public static class ClinicianSessionType
{
    /// <summary>Every week on <see cref="ClinicianSession.Weekday"/>.</summary>
    public const string Weekly = "weekly";
    /// <summary>Once, on <see cref="ClinicianSession.Date"/>.</summary>
    public const string OneOff = "one_off";
}

/// <summary>Values of <see cref="ClinicianSession.Weekday"/> (and the <c>weekday</c> filter).</summary>
public static class Weekdays
{
    /// <summary>Monday.</summary>
    public const string Monday = "monday";
    /// <summary>Tuesday.</summary>
    public const string Tuesday = "tuesday";
    /// <summary>Wednesday.</summary>
    public const string Wednesday = "wednesday";
    /// <summary>Thursday.</summary>
    public const string Thursday = "thursday";
    /// <summary>Friday.</summary>
    public const string Friday = "friday";
    /// <summary>Saturday.</summary>
    public const string Saturday = "saturday";
    /// <summary>Sunday.</summary>
    public const string Sunday = "sunday";
}

/// <summary>Filters for <see cref="ClinicianProfilesClient.ListSessionsAsync"/>; unset filters are not sent.</summary>
public sealed record ClinicianSessionListQuery : ListQuery
{
    /// <summary>Only sessions at this location.</summary>
    public string? LocationId { get; init; }
    /// <summary>Only weekly sessions on this day; see <see cref="Weekdays"/>.</summary>
    public string? Weekday { get; init; }
    /// <summary>Only weekly sessions on any of these days.</summary>
    public IReadOnlyList<string>? WeekdayIn { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("location_id", LocationId);
        query.Add("weekday", Weekday);
        query.Add("weekday_in", WeekdayIn);
    }
}

/// <summary>Time a clinician is away (leave, training…): no slot touching it is offered.</summary>
public sealed record ClinicianBlock
{
    /// <summary>The block's id (<c>blk_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The clinician.</summary>
    public string ClinicianProfileId { get; init; } = "";
    /// <summary>When the time away starts (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>When it ends (UTC).</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>leave, training, sickness or other; see <see cref="ClinicianBlockReason"/>.</summary>
    public string Reason { get; init; } = "";
    /// <summary>A note, e.g. Summer holiday.</summary>
    public string? Note { get; init; }
    /// <summary>When the block was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Values of <see cref="ClinicianBlock.Reason"/>.</summary>
public static class ClinicianBlockReason
{
    /// <summary>Leave (holiday).</summary>
    public const string Leave = "leave";
    /// <summary>Training.</summary>
    public const string Training = "training";
    /// <summary>Sickness.</summary>
    public const string Sickness = "sickness";
    /// <summary>Any other reason.</summary>
    public const string Other = "other";
}

/// <summary>Filters for <see cref="ClinicianProfilesClient.ListBlocksAsync"/>; unset filters are not sent. Results are ordered by start.</summary>
public sealed record ClinicianBlockListQuery : ListQuery
{
    /// <summary>Exact reason; see <see cref="ClinicianBlockReason"/>.</summary>
    public string? Reason { get; init; }
    /// <summary>Any of these reasons.</summary>
    public IReadOnlyList<string>? ReasonIn { get; init; }
    /// <summary>Starting at or after.</summary>
    public DateTimeOffset? StartTimeGte { get; init; }
    /// <summary>Starting at or before.</summary>
    public DateTimeOffset? StartTimeLte { get; init; }
    /// <summary>Ending at or after (e.g. now, for current and future blocks).</summary>
    public DateTimeOffset? EndTimeGte { get; init; }
    /// <summary>Ending at or before.</summary>
    public DateTimeOffset? EndTimeLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("reason", Reason);
        query.Add("reason_in", ReasonIn);
        query.Add("start_time_gte", StartTimeGte);
        query.Add("start_time_lte", StartTimeLte);
        query.Add("end_time_gte", EndTimeGte);
        query.Add("end_time_lte", EndTimeLte);
    }
}
