
namespace Leap.Client;

/// <summary>An appointment: a patient booked for a service, usually with a clinician at a location.</summary>
public sealed record Appointment
{
    /// <summary>The appointment's id (<c>apt_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The patient booked.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>The clinician, if any.</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>Title shown in calendars.</summary>
    public string Title { get; init; } = "";
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>Start (UTC).</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>End (UTC).</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>See <see cref="AppointmentStatus"/>; changed only by the cancel, complete and no-show actions.</summary>
    public string Status { get; init; } = "";
    /// <summary>The appointment template (service) booked.</summary>
    public string? AppointmentTypeId { get; init; }
    /// <summary>The location; null for remote appointments.</summary>
    public string? LocationId { get; init; }
    /// <summary>Whether the appointment is remote.</summary>
    public bool IsRemote { get; init; }
    /// <summary>video or phone, for remote appointments.</summary>
    public string? RemoteChannel { get; init; }
    /// <summary>Video link.</summary>
    public string? VideoLink { get; init; }
    /// <summary>Video provider.</summary>
    public string? VideoProvider { get; init; }
    /// <summary>Length in minutes.</summary>
    public int DurationMinutes { get; init; }
    /// <summary>Minutes the clinician is kept free before (copied from the template at booking).</summary>
    public int BufferBeforeMinutes { get; init; }
    /// <summary>Minutes the clinician is kept free after (copied from the template at booking).</summary>
    public int BufferAfterMinutes { get; init; }
    /// <summary>Attendee email (defaults to the patient's).</summary>
    public string? AttendeeEmail { get; init; }
    /// <summary>Attendee name (defaults to the patient's).</summary>
    public string? AttendeeName { get; init; }
    /// <summary>Attendee phone (defaults to the patient's).</summary>
    public string? AttendeePhone { get; init; }
    /// <summary>Meeting URL.</summary>
    public string? MeetingUrl { get; init; }
    /// <summary>attended or no_show once recorded.</summary>
    public string? AttendanceStatus { get; init; }
    /// <summary>Why it was cancelled.</summary>
    public string? CancellationReason { get; init; }
    /// <summary>When it was cancelled.</summary>
    public DateTimeOffset? CancelledAt { get; init; }
    /// <summary>How it was booked; <c>api</c> for bookings made through the API.</summary>
    public string BookingSource { get; init; } = "";
    /// <summary>True when the booking deliberately skipped the no-double-booking rule.</summary>
    public bool AllowOverlap { get; init; }
    /// <summary>The linked episode, if any.</summary>
    public string? EpisodeId { get; init; }
    /// <summary>Free-text notes (Jump's first-generation field).</summary>
    public string? Notes { get; init; }
    /// <summary>The recurring series this is an occurrence of, if any (<see cref="AppointmentSeriesClient"/>).</summary>
    public string? SeriesId { get; init; }
    /// <summary>A group appointment's capacity, from its template when booked; null for a one-to-one appointment.</summary>
    public int? MaxParticipants { get; init; }
    /// <summary>A group appointment's participants now joined (<see cref="AppointmentsClient.ListParticipantsAsync"/>).</summary>
    public int? ParticipantCount { get; init; }
    /// <summary>A group appointment's free seats.</summary>
    public int? SeatsRemaining { get; init; }
    /// <summary>The rooms and equipment it takes (<see cref="ResourcesClient"/>); null when none (the field is then left out).</summary>
    public IReadOnlyList<string>? ResourceIds { get; init; }
    /// <summary>When it was booked.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The patient's own link to see, cancel or move the appointment (null once it is no longer active).</summary>
    public string? ManageUrl { get; init; }
}

/// <summary>A patient taking part in a group appointment; one who left keeps the record, <c>cancelled</c>.</summary>
public sealed record AppointmentParticipant
{
    /// <summary>The participation's id (<c>par_…</c>).</summary>
    public string Id { get; init; } = "";
    /// <summary>The group appointment.</summary>
    public string AppointmentId { get; init; } = "";
    /// <summary>The patient.</summary>
    public string PatientId { get; init; } = "";
    /// <summary>joined or cancelled.</summary>
    public string Status { get; init; } = "";
    /// <summary>When the patient joined.</summary>
    public DateTimeOffset JoinedAt { get; init; }
    /// <summary>When the patient left, if they did.</summary>
    public DateTimeOffset? CancelledAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

internal sealed record ParticipantJoin(string PatientId);

/// <summary>Values of <see cref="Appointment.Status"/>.</summary>
public static class AppointmentStatus
{
    /// <summary>Waiting for the practice to approve.</summary>
    public const string PendingApproval = "pending_approval";
    /// <summary>Waiting for confirmation.</summary>
    public const string Pending = "pending";
    /// <summary>Confirmed (the default for new bookings).</summary>
    public const string Confirmed = "confirmed";
    /// <summary>Scheduled.</summary>
    public const string Scheduled = "scheduled";
    /// <summary>Cancelled.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>Took place.</summary>
    public const string Completed = "completed";
    /// <summary>The patient did not attend.</summary>
    public const string NoShow = "no_show";
}

/// <summary>A new appointment. Patient, title, start and end are required; unset fields are not sent.</summary>
public sealed record AppointmentCreate
{
    /// <summary>The patient to book (required; must not be archived).</summary>
    public required string PatientId { get; init; }
    /// <summary>Title (required), e.g. the template's name.</summary>
    public required string Title { get; init; }
    /// <summary>Start (required). Any offset is accepted; the API stores UTC.</summary>
    public required DateTimeOffset StartTime { get; init; }
    /// <summary>End (required): after the start, at most 24 hours later, a whole number of minutes.</summary>
    public required DateTimeOffset EndTime { get; init; }
    /// <summary>The appointment template (service); its buffers then apply.</summary>
    public string? AppointmentTypeId { get; init; }
    /// <summary>The clinician; the server refuses a time the clinician is already booked (409 SLOT_UNAVAILABLE).</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>The location.</summary>
    public string? LocationId { get; init; }
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
    /// <summary>pending, pending_approval, confirmed (default) or scheduled.</summary>
    public string? Status { get; init; }
    /// <summary>Description.</summary>
    public string? Description { get; init; }
    /// <summary>Attendee name (defaults to the patient's).</summary>
    public string? AttendeeName { get; init; }
    /// <summary>Attendee email (defaults to the patient's).</summary>
    public string? AttendeeEmail { get; init; }
    /// <summary>Attendee phone (defaults to the patient's).</summary>
    public string? AttendeePhone { get; init; }
    /// <summary>The linked episode.</summary>
    public string? EpisodeId { get; init; }
    /// <summary>Free-text notes.</summary>
    public string? Notes { get; init; }
    /// <summary>true to double-book the clinician deliberately (resources are never double-booked).</summary>
    public bool? AllowOverlap { get; init; }
    /// <summary>
    /// Rooms and equipment to take, at the appointment's location; for each type the template requires that these do not
    /// cover, the server picks a free one. A taken resource is a 409 SLOT_UNAVAILABLE.
    /// </summary>
    public IReadOnlyList<string>? ResourceIds { get; init; }
}

/// <summary>
/// Changes to an appointment (a reschedule, a new clinician...): only the properties you set are sent. The
/// patient and template cannot change, and the status changes only through the actions
/// (<see cref="AppointmentsClient.CancelAsync"/>, <see cref="AppointmentsClient.CompleteAsync"/>,
/// <see cref="AppointmentsClient.MarkNoShowAsync"/>).
/// </summary>
public sealed class AppointmentUpdate : PatchBody
{
    /// <summary>Title.</summary>
    public string? Title { get => Get<string>(); init => Set(value); }
    /// <summary>Description.</summary>
    public string? Description { get => Get<string>(); init => Set(value); }
    /// <summary>New start; without <see cref="EndTime"/> the appointment keeps its length.</summary>
    public DateTimeOffset? StartTime { get => Get<DateTimeOffset?>(); init => Set(value); }
    /// <summary>New end.</summary>
    public DateTimeOffset? EndTime { get => Get<DateTimeOffset?>(); init => Set(value); }
    /// <summary>The clinician (null removes the clinician).</summary>
    public string? ClinicianProfileId { get => Get<string>(); init => Set(value); }
    /// <summary>The location (null: none).</summary>
    public string? LocationId { get => Get<string>(); init => Set(value); }
    /// <summary>Whether the appointment is remote.</summary>
    public bool? IsRemote { get => Get<bool?>(); init => Set(value); }
    /// <summary>video or phone.</summary>
    public string? RemoteChannel { get => Get<string>(); init => Set(value); }
    /// <summary>Video link.</summary>
    public string? VideoLink { get => Get<string>(); init => Set(value); }
    /// <summary>Video provider.</summary>
    public string? VideoProvider { get => Get<string>(); init => Set(value); }
    /// <summary>Meeting URL.</summary>
    public string? MeetingUrl { get => Get<string>(); init => Set(value); }
    /// <summary>Attendee name.</summary>
    public string? AttendeeName { get => Get<string>(); init => Set(value); }
    /// <summary>Attendee email.</summary>
    public string? AttendeeEmail { get => Get<string>(); init => Set(value); }
    /// <summary>Attendee phone.</summary>
    public string? AttendeePhone { get => Get<string>(); init => Set(value); }
    /// <summary>The linked episode.</summary>
    public string? EpisodeId { get => Get<string>(); init => Set(value); }
    /// <summary>Free-text notes.</summary>
    public string? Notes { get => Get<string>(); init => Set(value); }
    /// <summary>true to allow double-booking the clinician.</summary>
    public bool? AllowOverlap { get => Get<bool?>(); init => Set(value); }
}

/// <summary>Filters for <see cref="AppointmentsClient.ListAsync"/>; unset filters are not sent. Results are ordered by start time.</summary>
public sealed record AppointmentListQuery : ListQuery
{
    /// <summary>One patient's appointments.</summary>
    public string? PatientId { get; init; }
    /// <summary>One clinician's appointments (sent as Jump's <c>clinician_id</c>).</summary>
    public string? ClinicianProfileId { get; init; }
    /// <summary>Bookings of one template.</summary>
    public string? AppointmentTypeId { get; init; }
    /// <summary>Appointments at one location.</summary>
    public string? LocationId { get; init; }
    /// <summary>Appointments of one episode.</summary>
    public string? EpisodeId { get; init; }
    /// <summary>The occurrences of one series.</summary>
    public string? SeriesId { get; init; }
    /// <summary>Exact status; see <see cref="AppointmentStatus"/>.</summary>
    public string? Status { get; init; }
    /// <summary>Any of these statuses, e.g. the active ones: confirmed, scheduled, pending, pending_approval.</summary>
    public IReadOnlyList<string>? StatusIn { get; init; }
    /// <summary>Starting at or after (<c>date_gte</c>).</summary>
    public DateTimeOffset? DateGte { get; init; }
    /// <summary>Starting at or before (<c>date_lte</c>).</summary>
    public DateTimeOffset? DateLte { get; init; }
    /// <summary>Booked at or after.</summary>
    public DateTimeOffset? CreatedAtGte { get; init; }
    /// <summary>Booked at or before.</summary>
    public DateTimeOffset? CreatedAtLte { get; init; }
    /// <summary>Changed at or after (change polling).</summary>
    public DateTimeOffset? UpdatedAtGte { get; init; }
    /// <summary>Changed at or before.</summary>
    public DateTimeOffset? UpdatedAtLte { get; init; }

    private protected override void AddFilters(QueryString query)
    {
        query.Add("patient_id", PatientId);
        query.Add("clinician_id", ClinicianProfileId);
        query.Add("appointment_type_id", AppointmentTypeId);
        query.Add("location_id", LocationId);
        query.Add("episode_id", EpisodeId);
        query.Add("status", Status);
        query.Add("status_in", StatusIn);
        query.Add("date_gte", DateGte);
        query.Add("date_lte", DateLte);
        query.Add("created_at_gte", CreatedAtGte);
        query.Add("created_at_lte", CreatedAtLte);
        query.Add("updated_at_gte", UpdatedAtGte);
        query.Add("updated_at_lte", UpdatedAtLte);
        query.Add("series_id", SeriesId);
    }
}
