namespace Leap.Client;

/// <summary>A practitioner who can be booked, with the locations they work at and the appointment templates they provide.</summary>
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
    /// <summary>The appointment templates the clinician provides; empty means every template.</summary>
    public IReadOnlyList<string> AppointmentTemplateIds { get; init; } = [];
    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the record last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Only in the answer of a forced deactivation: the future appointments it left with an inactive clinician (still booked).</summary>
    public IReadOnlyList<string> StrandedAppointmentIds { get; init; } = [];
}

/// <summary>A new clinician profile (<see cref="ClinicianProfilesClient.CreateAsync"/>); unset properties take the server's defaults.</summary>
public sealed record ClinicianProfileCreate
{
    /// <summary>Full name (required), e.g. Dr Ada Example.</summary>
    public required string Name { get; init; }
    /// <summary>The name shown to patients (server default: the name).</summary>
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
    /// <summary>Photo URL (http or https).</summary>
    public string? PhotoUrl { get; init; }
    /// <summary>Qualifications, free text.</summary>
    public string? Qualifications { get; init; }
    /// <summary>Professional registration number.</summary>
    public string? RegistrationNumber { get; init; }
    /// <summary>The body the registration number is with.</summary>
    public string? ProfessionalRegistrationBody { get; init; }
    /// <summary>Whether patients may book the clinician online (server default true).</summary>
    public bool? IsBookableOnline { get; init; }
    /// <summary>The appointment templates the clinician provides; leave unset (or empty) for every template.</summary>
    public IReadOnlyList<string>? AppointmentTemplateIds { get; init; }
}

/// <summary>Changes to a clinician profile: only the properties you set are sent, and null clears a field.</summary>
public sealed class ClinicianProfileUpdate : PatchBody
{
    /// <summary>Full name (may not be cleared).</summary>
    public string? Name { get => Get<string>(); init => Set(value); }
    /// <summary>The name shown to patients.</summary>
    public string? DisplayName { get => Get<string>(); init => Set(value); }
    /// <summary>Given name.</summary>
    public string? FirstName { get => Get<string>(); init => Set(value); }
    /// <summary>Family name.</summary>
    public string? LastName { get => Get<string>(); init => Set(value); }
    /// <summary>Title.</summary>
    public string? Title { get => Get<string>(); init => Set(value); }
    /// <summary>Role.</summary>
    public string? Role { get => Get<string>(); init => Set(value); }
    /// <summary>Email address.</summary>
    public string? Email { get => Get<string>(); init => Set(value); }
    /// <summary>Biography.</summary>
    public string? Bio { get => Get<string>(); init => Set(value); }
    /// <summary>Photo URL.</summary>
    public string? PhotoUrl { get => Get<string>(); init => Set(value); }
    /// <summary>Qualifications.</summary>
    public string? Qualifications { get => Get<string>(); init => Set(value); }
    /// <summary>Professional registration number.</summary>
    public string? RegistrationNumber { get => Get<string>(); init => Set(value); }
    /// <summary>The body the registration number is with.</summary>
    public string? ProfessionalRegistrationBody { get => Get<string>(); init => Set(value); }
    /// <summary>false deactivates the clinician (refused while future appointments remain, unless forced); true reactivates.</summary>
    public bool? IsActive { get => Get<bool?>(); init => Set(value); }
    /// <summary>Whether patients may book the clinician online.</summary>
    public bool? IsBookableOnline { get => Get<bool?>(); init => Set(value); }
    /// <summary>The templates the clinician provides, replacing the list; empty means every template.</summary>
    public IReadOnlyList<string>? AppointmentTemplateIds { get => Get<IReadOnlyList<string>>(); init => Set(value); }
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
    /// <summary>Only in the answer of a forced change: the future appointments it left outside the clinician's sessions (still booked).</summary>
    public IReadOnlyList<string> StrandedAppointmentIds { get; init; } = [];
}

/// <summary>
/// New working time (<see cref="ClinicianProfilesClient.AddSessionAsync"/>): every week on <see cref="Weekday"/>, or once on
/// <see cref="Date"/>, from <see cref="StartTime"/> to <see cref="EndTime"/> in the location's local time.
/// </summary>
public sealed record ClinicianSessionCreate
{
    /// <summary>Where the clinician works (required); a new location links them to it.</summary>
    public required string LocationId { get; init; }
    /// <summary>For a weekly session: monday … sunday (see <see cref="Weekdays"/>).</summary>
    public string? Weekday { get; init; }
    /// <summary>For a one-off session: the day.</summary>
    public DateOnly? Date { get; init; }
    /// <summary>Local start, <c>HH:MM</c> (required).</summary>
    public required string StartTime { get; init; }
    /// <summary>Local end, <c>HH:MM</c>, after the start (required).</summary>
    public required string EndTime { get; init; }
    /// <summary>Weekly sessions: the first day they apply.</summary>
    public DateOnly? ValidFrom { get; init; }
    /// <summary>Weekly sessions: the last day they apply.</summary>
    public DateOnly? ValidUntil { get; init; }
}

/// <summary>Changes to a session: only the properties you set are sent. A weekly session stays weekly, a one-off one one-off.</summary>
public sealed class ClinicianSessionUpdate : PatchBody
{
    /// <summary>The location.</summary>
    public string? LocationId { get => Get<string>(); init => Set(value); }
    /// <summary>Weekly sessions: the day.</summary>
    public string? Weekday { get => Get<string>(); init => Set(value); }
    /// <summary>One-off sessions: the day.</summary>
    public DateOnly? Date { get => Get<DateOnly?>(); init => Set(value); }
    /// <summary>Local start, <c>HH:MM</c>.</summary>
    public string? StartTime { get => Get<string>(); init => Set(value); }
    /// <summary>Local end, <c>HH:MM</c>.</summary>
    public string? EndTime { get => Get<string>(); init => Set(value); }
    /// <summary>Weekly sessions: the first day they apply (null: no limit).</summary>
    public DateOnly? ValidFrom { get => Get<DateOnly?>(); init => Set(value); }
    /// <summary>Weekly sessions: the last day they apply (null: no limit).</summary>
    public DateOnly? ValidUntil { get => Get<DateOnly?>(); init => Set(value); }
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
    /// <summary>Only in the answer of a forced create: the future appointments it lies over (still booked).</summary>
    public IReadOnlyList<string> StrandedAppointmentIds { get; init; } = [];
}

/// <summary>
/// A period of time away for <see cref="ClinicianProfilesClient.AddBlockAsync"/> and <see cref="LocationsClient.AddClosureAsync"/>:
/// instants, or whole local days (<see cref="Days"/>) in the clinician's or location's time zone.
/// </summary>
public abstract record TimeAwayCreate
{
    /// <summary>An ISO 8601 date-time with offset, or a date (the start of that local day).</summary>
    public required string StartTime { get; init; }
    /// <summary>An ISO 8601 date-time with offset, or a date (that local day included).</summary>
    public required string EndTime { get; init; }
    /// <summary>A note.</summary>
    public string? Note { get; init; }
    /// <summary>true makes the change even over booked appointments (they stay booked and the answer lists them).</summary>
    public bool? Force { get; init; }

    /// <summary>The text of a date, for <see cref="StartTime"/> and <see cref="EndTime"/>.</summary>
    public static string Days(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The text of an instant, for <see cref="StartTime"/> and <see cref="EndTime"/>.</summary>
    public static string Instant(DateTimeOffset instant) => Http.UtcTimestampConverter.Format(instant);
}

/// <summary>New time away for a clinician (leave, training…).</summary>
public sealed record ClinicianBlockCreate : TimeAwayCreate
{
    /// <summary>leave (server default), training, sickness or other; see <see cref="ClinicianBlockReason"/>.</summary>
    public string? Reason { get; init; }
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
