namespace Leap.Client;

/// <summary>A recurring series: the rule it was booked from and its occurrences, each an ordinary <see cref="Appointment"/>.</summary>
public sealed record AppointmentSeries
{
    /// <summary>The series' id (<c>ser_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The patient booked.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>The clinician, if any.</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>The appointment template (service).</summary>
    public string? AppointmentTypeId { get; init; }
    /// <summary>The location, whose time zone the occurrences were expanded in.</summary>
    public string LocationId { get; init; } = "";
    /// <summary>Title of every occurrence.</summary>
    public string Title { get; init; } = "";
    /// <summary>The location's IANA time zone, e.g. Europe/London.</summary>
    public string TimeZone { get; init; } = "";
    /// <summary>How the series repeats.</summary>
    public SeriesRecurrence Recurrence { get; init; } = new();
    /// <summary>The first occurrence as requested (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>Its end (UTC); every occurrence has the same length.</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>The occurrences booked, by start time, as they are now (cancelled ones included).</summary>
    public IReadOnlyList<Appointment> Appointments { get; init; } = [];
    /// <summary>Only after a create with <see cref="AppointmentSeriesCreate.SkipConflicts"/>: the occurrences not booked, and what took their time.</summary>
    public IReadOnlyList<SeriesConflict>? Skipped { get; init; }
    /// <summary>When it was booked.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed through a series action.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>How a series repeats: send <see cref="Count"/> or <see cref="Until"/>, at most 52 occurrences in all.</summary>
public sealed record SeriesRecurrence
{
    /// <summary>daily, weekly or monthly.</summary>
    public string Frequency { get; init; } = "";
    /// <summary>Every this many days, weeks or months (1 when unset).</summary>
    public int? Interval { get; init; }
    /// <summary>How many occurrences (1 to 52).</summary>
    public int? Count { get; init; }
    /// <summary>The last local date an occurrence may fall on (inclusive).</summary>
    public DateOnly? Until { get; init; }
    /// <summary>Weekly only: the days (monday … sunday), the first occurrence's among them.</summary>
    public IReadOnlyList<string>? ByWeekday { get; init; }
}

/// <summary>An occurrence that cannot be booked (or moved), and why: its time is taken, or a room or equipment it needs is not free.</summary>
public sealed record SeriesConflict
{
    /// <summary>The occurrence's start (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>Its end (UTC).</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>appointment or hold (the clinician's time), or resource.</summary>
    public string ConflictType { get; init; } = "";
    /// <summary>A resource conflict: the required type (room, equipment) with no free resource at the location then.</summary>
    public string? ResourceType { get; init; }
    /// <summary>A resource conflict over a resource the booking names: that resource (taken by the conflicting appointment).</summary>
    public string? ConflictingResourceId { get; init; }
    /// <summary>The appointment in the way.</summary>
    public string? ConflictingAppointmentId { get; init; }
    /// <summary>The hold in the way.</summary>
    public string? ConflictingHoldId { get; init; }
    /// <summary>When that hold lets the time go.</summary>
    public DateTimeOffset? HoldExpiresAt { get; init; }
}

/// <summary>A new series: the first occurrence as an appointment (a location is required), and the rule.</summary>
public sealed record AppointmentSeriesCreate
{
    /// <summary>The first occurrence; every other is a copy at the rule's dates, at the same local time.</summary>
    public required AppointmentCreate Appointment { get; init; }
    /// <summary>How it repeats.</summary>
    public required SeriesRecurrence Recurrence { get; init; }
    /// <summary>true to book the free occurrences when some clash, instead of nothing.</summary>
    public bool SkipConflicts { get; init; }
}

/// <summary>Which occurrences a series action covers.</summary>
public static class SeriesScope
{
    /// <summary>Every occurrence.</summary>
    public const string All = "all";
    /// <summary>One occurrence and those after it.</summary>
    public const string Following = "following";
}

internal sealed record SeriesCancelBody(string Scope, string? FromAppointmentId, string? CancellationReason);

internal sealed record SeriesMoveBody(string Scope, string? FromAppointmentId, int OffsetMinutes);
