using Leap.Server.Accounts;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Clinicians;
using Leap.Server.Http;
using Leap.Server.Locations;
using Leap.Server.Patients;

namespace Leap.Server.Appointments;

/// <summary>Field rules for appointment bodies, and the checks of what they refer to.</summary>
public sealed class AppointmentValidation(PatientStore patients, AppointmentTemplateStore templates, ClinicianStore clinicians, LocationStore locations)
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<string> RemoteChannels = ["video", "phone"];

    /// <summary>Fields set only at booking time: changing them means cancelling and booking again.</summary>
    private static readonly string[] Immutable = ["patient_id", "appointment_type_id"];

    public static Appointment Blank(string id, string bookingSource, DateTimeOffset now) => new()
    {
        Id = id,
        PatientId = "",
        Title = "",
        Status = AppointmentStatuses.Confirmed,
        BookingSource = bookingSource,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>Applies a create or PATCH body. A PATCH moving only start_time keeps the appointment's length.</summary>
    public static Appointment Apply(BodyReader r, Appointment current, bool creating, DateTimeOffset now)
    {
        string? Optional(string field, int max, string? existing, bool multiline = false) =>
            r.Has(field) ? r.String(field, max, multiline: multiline) : existing;

        if (!creating)
        {
            foreach (var field in Immutable.Where(r.Has))
            {
                r.Fail(field, "cannot be changed: cancel this appointment and book a new one");
            }
            if (r.Has("status"))
            {
                r.Fail("status", "cannot be changed by PATCH: use POST /appointments/{id}/cancel, /complete or /no-show");
            }
        }

        var start = creating || r.Has("start_time") ? r.Timestamp("start_time", required: true) ?? current.StartTime : current.StartTime;
        var end = creating || r.Has("end_time") ? r.Timestamp("end_time", required: true) ?? current.EndTime
            : r.Has("start_time") ? start + (current.EndTime - current.StartTime) : current.EndTime;

        var a = current with
        {
            PatientId = creating ? r.Id("patient_id", Ids.Patient, required: true) ?? "" : current.PatientId,
            AppointmentTypeId = creating ? r.Id("appointment_type_id", Ids.AppointmentTemplate) : current.AppointmentTypeId,
            Title = creating || r.Has("title") ? r.String("title", 200, required: true) ?? current.Title : current.Title,
            Description = Optional("description", 5000, current.Description, multiline: true),
            StartTime = start,
            EndTime = end,
            DurationMinutes = (int)(end - start).TotalMinutes,
            Status = creating ? r.Enum("status", AppointmentStatuses.Bookable) ?? AppointmentStatuses.Confirmed : current.Status,
            ClinicianProfileId = r.Has("clinician_profile_id") ? r.Id("clinician_profile_id", Ids.Clinician) : current.ClinicianProfileId,
            LocationId = r.Has("location_id") ? r.Id("location_id", Ids.Location) : current.LocationId,
            IsRemote = r.Has("is_remote") ? r.Bool("is_remote", required: true) ?? current.IsRemote : current.IsRemote,
            RemoteChannel = r.Has("remote_channel") ? r.Enum("remote_channel", RemoteChannels) : current.RemoteChannel,
            VideoLink = Optional("video_link", 2000, current.VideoLink),
            VideoProvider = Optional("video_provider", 100, current.VideoProvider),
            MeetingUrl = Optional("meeting_url", 2000, current.MeetingUrl),
            AttendeeName = Optional("attendee_name", 200, current.AttendeeName),
            AttendeeEmail = r.Has("attendee_email") ? r.Email("attendee_email") : current.AttendeeEmail,
            AttendeePhone = r.Has("attendee_phone") ? r.Phone("attendee_phone") : current.AttendeePhone,
            EpisodeId = r.Has("episode_id") ? r.Id("episode_id", "ep_") : current.EpisodeId,
            AllowOverlap = r.Has("allow_overlap") ? r.Bool("allow_overlap", required: true) ?? current.AllowOverlap : current.AllowOverlap,
            UpdatedAt = now,
        };

        if (creating || r.Has("start_time") || r.Has("end_time"))
        {
            CheckTimes(r, a);
        }
        return a;
    }

    private static void CheckTimes(BodyReader r, Appointment a)
    {
        if (r.Errors.Any(e => e.Field is "start_time" or "end_time"))
        {
            return;
        }
        if (a.StartTime < Earliest || a.StartTime >= Latest)
        {
            r.Fail("start_time", "must be between 2000-01-01 and 2100-01-01");
        }
        else if (a.EndTime <= a.StartTime)
        {
            r.Fail("end_time", "must be after start_time");
        }
        else if (a.EndTime - a.StartTime > MaxDuration)
        {
            r.Fail("end_time", "must be at most 24 hours after start_time");
        }
        else if ((a.EndTime - a.StartTime).Ticks % TimeSpan.TicksPerMinute != 0)
        {
            r.Fail("end_time", "must be a whole number of minutes after start_time");
        }
    }

    /// <summary>
    /// Checks that every referenced record exists in the caller's organisation and mode (a record elsewhere
    /// reads as missing) and can take a booking; copies the template's buffers onto a new appointment.
    /// </summary>
    public async Task<Appointment> CheckReferencesAsync(BodyReader r, Tenant tenant, Appointment a, Appointment? before, CancellationToken ct)
    {
        if (before is null && r.Errors.All(e => e.Field != "patient_id"))
        {
            var patient = await patients.FindAsync(tenant, a.PatientId, ct);
            if (patient is null)
            {
                r.Fail("patient_id", $"no patient {a.PatientId} exists");
            }
            else if (patient.ArchivedAt is not null)
            {
                r.Fail("patient_id", $"patient {a.PatientId} is archived and cannot be booked");
            }
            else
            {
                a = a with
                {
                    AttendeeName = a.AttendeeName ?? $"{patient.PreferredName ?? patient.FirstName} {patient.LastName}",
                    AttendeeEmail = a.AttendeeEmail ?? patient.Email,
                    AttendeePhone = a.AttendeePhone ?? patient.MobilePhone ?? patient.Phone,
                };
            }
        }
        if (before is null && a.AppointmentTypeId is { } templateId)
        {
            var template = await templates.FindAsync(tenant, templateId, ct);
            if (template is null)
            {
                r.Fail("appointment_type_id", $"no appointment template {templateId} exists");
            }
            else if (!template.IsActive)
            {
                r.Fail("appointment_type_id", $"appointment template {templateId} is not active");
            }
            else
            {
                a = a with { BufferBeforeMinutes = template.BufferBeforeMinutes, BufferAfterMinutes = template.BufferAfterMinutes };
            }
        }
        if (a.ClinicianProfileId is { } clinicianId && clinicianId != before?.ClinicianProfileId && r.Errors.All(e => e.Field != "clinician_profile_id"))
        {
            var clinician = await clinicians.FindAsync(tenant, clinicianId, ct);
            if (clinician is null)
            {
                r.Fail("clinician_profile_id", $"no clinician profile {clinicianId} exists");
            }
            else if (!clinician.IsActive)
            {
                r.Fail("clinician_profile_id", $"clinician profile {clinicianId} is not active");
            }
        }
        if (a.LocationId is { } locationId && locationId != before?.LocationId && r.Errors.All(e => e.Field != "location_id"))
        {
            var location = await locations.FindAsync(tenant, locationId, ct);
            if (location is null)
            {
                r.Fail("location_id", $"no location {locationId} exists");
            }
            else if (!location.IsActive)
            {
                r.Fail("location_id", $"location {locationId} is not active");
            }
        }
        return a;
    }
}
