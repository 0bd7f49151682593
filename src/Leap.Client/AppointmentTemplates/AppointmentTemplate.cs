
namespace Leap.Client;

/// <summary>A bookable service: how long it takes, what it costs, and the buffers around it.</summary>
public sealed record AppointmentTemplate
{
    /// <summary>The template's id (<c>tmpl_…</c>); appointments refer to it as <c>appointment_type_id</c>.</summary>
    public string Id { get; init; } = "";
    /// <summary>Name, e.g. Standard GP Consultation.</summary>
    public string Name { get; init; } = "";
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>Length in minutes.</summary>
    public int Duration { get; init; }
    /// <summary>Price in minor units (pence): 8500 is £85.00.</summary>
    public int Price { get; init; }
    /// <summary>free, stripe or xero.</summary>
    public string PricingType { get; init; } = "";
    /// <summary>Whether new bookings may use it.</summary>
    public bool IsActive { get; init; }
    /// <summary>draft, published or archived.</summary>
    public string Status { get; init; } = "";
    /// <summary>Version number, starting at 1.</summary>
    public int Version { get; init; }
    /// <summary>Whether patients may book it online.</summary>
    public bool AllowOnlineBooking { get; init; }
    /// <summary>Minutes the clinician is kept free before each appointment.</summary>
    public int BufferBeforeMinutes { get; init; }
    /// <summary>Minutes the clinician is kept free after each appointment.</summary>
    public int BufferAfterMinutes { get; init; }
    /// <summary>Online booking rule: no slot is offered that starts sooner than this many minutes from now (default 60).</summary>
    public int MinNoticeMinutes { get; init; }
    /// <summary>Online booking rule: no slot is offered that starts more than this many days ahead (default 90).</summary>
    public int MaxAdvanceDays { get; init; }
    /// <summary>What the template sends to patients: confirmations, reminders, notices (docs/notifications.md).</summary>
    public TemplateNotifications? Notifications { get; init; }
    /// <summary>Manage link rule: patients may cancel or move their appointment online until this many hours before it (default 24).</summary>
    public int CancellationNoticeHours { get; init; }
    /// <summary>Patients per appointment: 1 for one-to-one, more for a group or class session.</summary>
    public int MaxParticipants { get; init; } = 1;
    /// <summary>The fewest participants a session is meant to run with (recorded, not enforced).</summary>
    public int? MinParticipants { get; init; }
    /// <summary>The resource types each booking takes a free one of at its location (<see cref="ResourceType"/>); empty when none.</summary>
    public IReadOnlyList<string> RequiredResourceTypes
    {
        get => requiredResourceTypes.Length == 0 ? [] : requiredResourceTypes.Split(' ');
        init => requiredResourceTypes = string.Join(' ', value ?? []);
    }

    // Kept as one string so that two templates read alike compare equal, as records of values do (a list compares
    // by reference); resource types are single words.
    private readonly string requiredResourceTypes = "";

    /// <summary>When the template was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the template last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A new appointment template. Only the name is required; unset fields take the server's defaults.</summary>
public sealed record AppointmentTemplateCreate
{
    /// <summary>Name (required).</summary>
    public required string Name { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>Length in minutes, 5 to 480 (default 30).</summary>
    public int? Duration { get; init; }
    /// <summary>Price in minor units (default 0).</summary>
    public int? Price { get; init; }
    /// <summary>free (default), stripe or xero.</summary>
    public string? PricingType { get; init; }
    /// <summary>Whether new bookings may use it (default true).</summary>
    public bool? IsActive { get; init; }
    /// <summary>draft (default), published or archived.</summary>
    public string? Status { get; init; }
    /// <summary>Whether patients may book it online (default true).</summary>
    public bool? AllowOnlineBooking { get; init; }
    /// <summary>Minutes kept free before each appointment, 0 to 240.</summary>
    public int? BufferBeforeMinutes { get; init; }
    /// <summary>Minutes kept free after each appointment, 0 to 240.</summary>
    public int? BufferAfterMinutes { get; init; }
    /// <summary>Minimum notice for a slot, in minutes, 0 to 525600 (default 60); less than <see cref="MaxAdvanceDays"/>.</summary>
    public int? MinNoticeMinutes { get; init; }
    /// <summary>How many days ahead slots are offered, 1 to 730 (default 90).</summary>
    public int? MaxAdvanceDays { get; init; }
    /// <summary>What the template sends to patients; members left null keep the defaults.</summary>
    public TemplateNotifications? Notifications { get; init; }
    /// <summary>Hours before the start until which patients may cancel or move online, 0 to 720 (default 24).</summary>
    public int? CancellationNoticeHours { get; init; }
    /// <summary>Patients per appointment, 1 to 500 (default 1: one-to-one); more makes each booking a group session.</summary>
    public int? MaxParticipants { get; init; }
    /// <summary>The fewest participants a session is meant to run with, 1 to <see cref="MaxParticipants"/>.</summary>
    public int? MinParticipants { get; init; }
    /// <summary>room and/or equipment (<see cref="ResourceType"/>): availability and bookings then need a free one of each at the location.</summary>
    public IReadOnlyList<string>? RequiredResourceTypes { get; init; }
}

/// <summary>
/// Changes to a template: only the properties you set are sent. Once appointments are booked against a
/// template only <see cref="IsActive"/>, <see cref="Status"/>, <see cref="MinNoticeMinutes"/>, <see cref="MaxAdvanceDays"/> and
/// <see cref="Notifications"/> can change (create a new template instead).
/// </summary>
public sealed class AppointmentTemplateUpdate : PatchBody
{
    /// <summary>Name.</summary>
    public string? Name { get => Get<string>(); init => Set(value); }
    /// <summary>Description (null clears it).</summary>
    public string? Description { get => Get<string>(); init => Set(value); }
    /// <summary>Length in minutes.</summary>
    public int? Duration { get => Get<int?>(); init => Set(value); }
    /// <summary>Price in minor units.</summary>
    public int? Price { get => Get<int?>(); init => Set(value); }
    /// <summary>free, stripe or xero.</summary>
    public string? PricingType { get => Get<string>(); init => Set(value); }
    /// <summary>Whether new bookings may use it.</summary>
    public bool? IsActive { get => Get<bool?>(); init => Set(value); }
    /// <summary>draft, published or archived.</summary>
    public string? Status { get => Get<string>(); init => Set(value); }
    /// <summary>Whether patients may book it online.</summary>
    public bool? AllowOnlineBooking { get => Get<bool?>(); init => Set(value); }
    /// <summary>Minutes kept free before each appointment.</summary>
    public int? BufferBeforeMinutes { get => Get<int?>(); init => Set(value); }
    /// <summary>Minutes kept free after each appointment.</summary>
    public int? BufferAfterMinutes { get => Get<int?>(); init => Set(value); }
    /// <summary>Minimum notice for a slot, in minutes.</summary>
    public int? MinNoticeMinutes { get => Get<int?>(); init => Set(value); }
    /// <summary>How many days ahead slots are offered.</summary>
    public int? MaxAdvanceDays { get => Get<int?>(); init => Set(value); }
    /// <summary>What the template sends to patients; each member set replaces that member, the others are kept (allowed once booked).</summary>
    public TemplateNotifications? Notifications { get => Get<TemplateNotifications>(); init => Set(value); }
    /// <summary>Hours before the start until which patients may cancel or move online.</summary>
    public int? CancellationNoticeHours { get => Get<int?>(); init => Set(value); }
    /// <summary>Patients per appointment (not once booked).</summary>
    public int? MaxParticipants { get => Get<int?>(); init => Set(value); }
    /// <summary>The fewest participants a session is meant to run with (not once booked).</summary>
    public int? MinParticipants { get => Get<int?>(); init => Set(value); }
    /// <summary>The resource types new bookings need (replaces the list; empty or null for none; allowed once booked).</summary>
    public IReadOnlyList<string>? RequiredResourceTypes { get => Get<IReadOnlyList<string>>(); init => Set(value); }
}

/// <summary>Filters for <see cref="AppointmentTemplatesClient.ListAsync"/>; unset filters are not sent.</summary>
public sealed record AppointmentTemplateListQuery : ListQuery
{
    /// <summary>Only active (true) or inactive (false) templates.</summary>
    public bool? IsActive { get; init; }
    /// <summary>Exact status: draft, published or archived.</summary>
    public string? Status { get; init; }
    /// <summary>Any of these statuses.</summary>
    public IReadOnlyList<string>? StatusIn { get; init; }
    /// <summary>Created at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Created at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("is_active", IsActive);
        query.Add("status", Status);
        query.Add("status_in", StatusIn);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
    }
}
