namespace Leap.Client;

/// <summary>
/// The key's organisation and the public settings of its dataset (organisation and mode): the booking page's slug,
/// whether online booking is on, and the name and phone number patients see (docs/online-booking.md); and what a likely
/// duplicate patient gets.
/// </summary>
public sealed record Organisation
{
    /// <summary>Id (<c>org_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The organisation's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>live or test: the dataset these settings belong to.</summary>
    public string Mode { get; init; } = "";
    /// <summary>The public booking page's address, <c>/book/{slug}</c>; unique on the server.</summary>
    public string? Slug { get; init; }
    /// <summary>The name patients see (the organisation's name when null).</summary>
    public string? PublicName { get; init; }
    /// <summary>The phone number patients are given, e.g. when it is too late to change a booking online.</summary>
    public string? Phone { get; init; }
    /// <summary>Whether the public booking page is on.</summary>
    public bool OnlineBookingEnabled { get; init; }
    /// <summary>The public booking page, when it is on.</summary>
    public string? BookingUrl { get; init; }
    /// <summary>What a new patient who looks like one already there gets; see <see cref="DuplicatePatientsSetting"/>.</summary>
    public string DuplicatePatients { get; init; } = DuplicatePatientsSetting.Warn;
    /// <summary>When the settings last changed (null until first set).</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>Changes to the organisation's public settings: only the properties you set are sent.</summary>
public sealed class OrganisationUpdate : PatchBody
{
    /// <summary>Lower-case letters, digits and single hyphens (null clears it, which needs online booking off).</summary>
    public string? Slug { get => Get<string>(); init => Set(value); }
    /// <summary>The name patients see (null: the organisation's name).</summary>
    public string? PublicName { get => Get<string>(); init => Set(value); }
    /// <summary>The phone number patients are given.</summary>
    public string? Phone { get => Get<string>(); init => Set(value); }
    /// <summary>Turns the public booking page on (needs a slug) or off.</summary>
    public bool? OnlineBookingEnabled { get => Get<bool?>(); init => Set(value); }
    /// <summary>warn or refuse; see <see cref="DuplicatePatientsSetting"/>.</summary>
    public string? DuplicatePatients { get => Get<string>(); init => Set(value); }
}

/// <summary>Values of <see cref="Organisation.DuplicatePatients"/> (docs/patient-sync.md).</summary>
public static class DuplicatePatientsSetting
{
    /// <summary>Jump's behaviour (the default): the patient is created; the answer's <c>meta.possible_duplicates</c> names the look-alikes.</summary>
    public const string Warn = "warn";
    /// <summary>The create throws <see cref="LeapDuplicatePatientException"/> (409 DUPLICATE_PATIENT) unless forced.</summary>
    public const string Refuse = "refuse";
}
