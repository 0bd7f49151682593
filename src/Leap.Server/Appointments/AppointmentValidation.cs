using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Participants;
using Leap.Server.Resources;
using Leap.Server.Storage;

namespace Leap.Server.Appointments;

/// <summary>Field rules for appointment bodies, and the checks of what they refer to.</summary>
public static class AppointmentValidation
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(24);
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<string> RemoteChannels = ["video", "phone"];

    /// <summary>Fields set only at booking time: changing them means cancelling and booking again.</summary>
    private static readonly string[] Immutable = ["patient_id", "appointment_type_id", "appointment_template_id", "resource_ids"];

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

    /// <summary>A cancellation's body: the reason, optional.</summary>
    public static string? ReadCancel(BodyReader r) => r.String("cancellation_reason", 500, multiline: true);

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
            AppointmentTypeId = creating ? AliasedId(r, "appointment_type_id", "appointment_template_id", Ids.AppointmentTemplate, null) : current.AppointmentTypeId,
            Title = creating || r.Has("title") ? r.String("title", 200, required: true) ?? current.Title : current.Title,
            Description = Optional("description", 5000, current.Description, multiline: true),
            StartTime = start,
            EndTime = end,
            DurationMinutes = (int)(end - start).TotalMinutes,
            Status = creating ? r.Enum("status", AppointmentStatuses.Bookable) ?? AppointmentStatuses.Confirmed : current.Status,
            ClinicianProfileId = AliasedId(r, "clinician_profile_id", "clinician_id", Ids.Clinician, current.ClinicianProfileId),
            LocationId = r.Has("location_id") ? r.Id("location_id", Ids.Location) : current.LocationId,
            IsRemote = r.Has("is_remote") ? r.Bool("is_remote", required: true) ?? current.IsRemote : current.IsRemote,
            RemoteChannel = r.Has("remote_channel") ? r.Enum("remote_channel", RemoteChannels) : current.RemoteChannel,
            VideoLink = Optional("video_link", 2000, current.VideoLink),
            VideoProvider = Optional("video_provider", 100, current.VideoProvider),
            MeetingUrl = Optional("meeting_url", 2000, current.MeetingUrl),
            AttendeeName = Optional("attendee_name", 200, current.AttendeeName),
            AttendeeEmail = r.Has("attendee_email") ? r.Email("attendee_email") : current.AttendeeEmail,
            AttendeePhone = r.Has("attendee_phone") ? r.Phone("attendee_phone") : current.AttendeePhone,
            EpisodeId = r.Has("episode_id") ? r.Id("episode_id", Ids.Episode) : current.EpisodeId,
            Notes = Optional("notes", 5000, current.Notes, multiline: true),
            AllowOverlap = r.Has("allow_overlap") ? r.Bool("allow_overlap", required: true) ?? current.AllowOverlap : current.AllowOverlap,
            ResourceIds = creating ? ResourceIds(r) : current.ResourceIds,
            UpdatedAt = now,
        };

        if (creating || r.Has("start_time") || r.Has("end_time"))
        {
            CheckTimes(r, a);
        }
        return a;
    }

    /// <summary>
    /// An id field that Jump also names differently (the first generation's <c>clinician_id</c>, the slot and hold
    /// name <c>appointment_template_id</c>): either name works; both with different ids is a 422 naming the alias.
    /// </summary>
    private static string? AliasedId(BodyReader r, string field, string alias, string prefix, string? current)
    {
        if (!r.Has(alias))
        {
            return r.Has(field) ? r.Id(field, prefix) : current;
        }
        var aliased = r.Id(alias, prefix);
        if (!r.Has(field))
        {
            return aliased;
        }
        var named = r.Id(field, prefix);
        if (aliased is not null && named is not null && aliased != named)
        {
            r.Fail(alias, $"names {aliased} but {field} names {named}: send one of them, or the same id in both");
        }
        return named;
    }

    /// <summary>The resources a booking names (each once, in id order); null when none.</summary>
    private static IReadOnlyList<string>? ResourceIds(BodyReader r)
    {
        var ids = r.StringList("resource_ids", maxItems: 10, maxLength: 64);
        if (ids is null or [])
        {
            return null;
        }
        if (ids.FirstOrDefault(id => !Ids.IsWellFormed(id, Ids.Resource)) is { } bad)
        {
            r.Fail("resource_ids", $"'{bad}' is not a resource id ({Ids.Resource}...)");
            return null;
        }
        return [.. ids.Distinct().Order(StringComparer.Ordinal)];
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
    /// reads as missing) and can take a booking, in one round trip; copies the template's buffers and the
    /// patient's contact details onto a new appointment.
    /// </summary>
    public static async Task<Appointment> CheckReferencesAsync(BodyReader r, TenantDb db, Appointment a, Appointment? before, CancellationToken ct)
    {
        bool Checks(string field, string? id, string? previous) => id is not null && id != previous && r.Errors.All(e => e.Field != field);
        if (before?.ResourceIds is { Count: > 0 } && a.LocationId is null && !r.Failed("location_id"))
        {
            r.Fail("location_id", "cannot be removed: the appointment takes rooms or equipment, which belong to a location");
        }
        var patientId = Checks("patient_id", a.PatientId, before?.PatientId) ? a.PatientId : null;
        var templateId = Checks("appointment_type_id", a.AppointmentTypeId, before?.AppointmentTypeId) ? a.AppointmentTypeId : null;
        var clinicianId = Checks("clinician_profile_id", a.ClinicianProfileId, before?.ClinicianProfileId) ? a.ClinicianProfileId : null;
        var locationId = Checks("location_id", a.LocationId, before?.LocationId) ? a.LocationId : null;
        var episodeId = Checks("episode_id", a.EpisodeId, before?.EpisodeId) ? a.EpisodeId : null;
        if (patientId is null && templateId is null && clinicianId is null && locationId is null && episodeId is null)
        {
            return a;
        }

        var found = await AppointmentStore.FindReferencesAsync(db, patientId, templateId, clinicianId, locationId, episodeId, ct);
        if (episodeId is not null && found.EpisodePatientId != a.PatientId)
        {
            r.Fail("episode_id", found.EpisodePatientId is null ? $"no episode {episodeId} exists" : $"episode {episodeId} is another patient's");
        }
        if (patientId is not null)
        {
            if (found.PatientFirstName is null)
            {
                r.Fail("patient_id", $"no patient {patientId} exists");
            }
            else if (found.PatientArchived)
            {
                r.Fail("patient_id", $"patient {patientId} is archived and cannot be booked");
            }
            else
            {
                a = a with
                {
                    AttendeeName = a.AttendeeName ?? $"{found.PatientPreferredName ?? found.PatientFirstName} {found.PatientLastName}",
                    AttendeeEmail = a.AttendeeEmail ?? found.PatientEmail,
                    AttendeePhone = a.AttendeePhone ?? found.PatientPhone,
                };
            }
        }
        if (templateId is not null)
        {
            if (found.TemplateActive is null)
            {
                r.Fail("appointment_type_id", $"no appointment template {templateId} exists");
            }
            else if (found.TemplateActive == false)
            {
                r.Fail("appointment_type_id", $"appointment template {templateId} is not active");
            }
            else
            {
                a = a with
                {
                    BufferBeforeMinutes = found.BufferBeforeMinutes ?? 0, BufferAfterMinutes = found.BufferAfterMinutes ?? 0,
                    TemplateNotifications = found.TemplateNotifications ?? TemplateNotifications.Defaults,
                };
                a = GroupSessions.Booked(a, found.MaxParticipants);
            }
        }
        CheckActive(r, "clinician_profile_id", "clinician profile", clinicianId, found.ClinicianActive);
        CheckActive(r, "location_id", "location", locationId, found.LocationActive);
        return before is null ? await ResourceBooking.CheckAsync(r, db, a, found.TemplateRequiredResourceTypes ?? [], ct) : a;
    }

    private static void CheckActive(BodyReader r, string field, string what, string? id, bool? active)
    {
        if (id is null)
        {
            return;
        }
        if (active is null)
        {
            r.Fail(field, $"no {what} {id} exists");
        }
        else if (active == false)
        {
            r.Fail(field, $"{what} {id} is not active");
        }
    }
}
