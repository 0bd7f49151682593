using System.Text.Json.Serialization;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Http;
using Leap.Server.Notifications;
using Leap.Server.Storage;

namespace Leap.Server.OnlineBooking;

/// <summary>
/// An appointment as its patient sees it through a manage link or after booking online: what, when, with whom and
/// where, whether it can still be changed online and until when, and how to reach the clinic. Only what the patient
/// needs; no other patient's or staff data.
/// </summary>
public sealed record ManagedAppointment
{
    public required string Status { get; init; }
    public DateTimeOffset StartTime { get; init; }
    public DateTimeOffset EndTime { get; init; }
    public required string Service { get; init; }
    public string? AppointmentTemplateId { get; init; }
    public string? ClinicianProfileId { get; init; }
    public string? ClinicianName { get; init; }
    public string? LocationName { get; init; }
    public string? LocationAddress { get; init; }
    /// <summary>The location's IANA time zone, for showing the time on the clinic's clock.</summary>
    public string? Timezone { get; init; }
    public int CancellationNoticeHours { get; init; }
    /// <summary>The last moment the patient can cancel or move the appointment online.</summary>
    public DateTimeOffset ChangeDeadline { get; init; }
    public bool CanChange { get; init; }
    public required string ClinicName { get; init; }
    public string? ClinicPhone { get; init; }
    /// <summary>The link to come back with (a new one after a reschedule, which revokes the old); null once cancelled.</summary>
    public string? ManageUrl { get; init; }

    /// <summary>The names and rules an appointment's view needs, looked up in one round trip.</summary>
    private sealed record Context
    {
        public string? Service { get; init; }
        public int? CancellationNoticeHours { get; init; }
        public string? ClinicianName { get; init; }
        public string? LocationName { get; init; }
        public string? AddressLine1 { get; init; }
        public string? TownCity { get; init; }
        public string? Postcode { get; init; }
        public string? Timezone { get; init; }
        public required string OrgName { get; init; }
        public string? PublicName { get; init; }
        public string? Phone { get; init; }
    }

    public static async Task<ManagedAppointment> OfAsync(TenantDb db, Appointment a, ManageLinks links, DateTimeOffset now, CancellationToken ct)
    {
        var c = (await db.SingleAsync<Context>(
            $"""
            SELECT t.name AS service, t.cancellation_notice_hours, COALESCE(c.display_name, c.name) AS clinician_name, l.name AS location_name,
                   l.address_line_1, l.town_city, l.postcode, l.timezone, o.name AS org_name, s.public_name, s.phone
            FROM organisations o
            LEFT JOIN appointment_templates t ON t.id = @AppointmentTypeId AND {TenantSql.Of("t")}
            LEFT JOIN clinician_profiles c ON c.id = @ClinicianProfileId AND {TenantSql.Of("c")}
            LEFT JOIN locations l ON l.id = @LocationId AND {TenantSql.Of("l")}
            LEFT JOIN organisation_settings s ON {TenantSql.Of("s")}
            WHERE o.id = @OrgId
            """, new { a.AppointmentTypeId, a.ClinicianProfileId, a.LocationId }, ct))!;
        var notice = c.CancellationNoticeHours ?? AppointmentTemplateValidation.DefaultCancellationNoticeHours;
        var deadline = a.StartTime.AddHours(-notice);
        var active = AppointmentStatuses.IsActive(a.Status);
        var address = string.Join(", ", new[] { c.AddressLine1, c.TownCity, c.Postcode }.Where(p => !string.IsNullOrWhiteSpace(p)));
        return new ManagedAppointment
        {
            Status = a.Status,
            StartTime = a.StartTime,
            EndTime = a.EndTime,
            Service = c.Service ?? a.Title,
            AppointmentTemplateId = a.AppointmentTypeId,
            ClinicianProfileId = a.ClinicianProfileId,
            ClinicianName = c.ClinicianName,
            LocationName = c.LocationName,
            LocationAddress = address.Length > 0 ? address : null,
            Timezone = c.Timezone,
            CancellationNoticeHours = notice,
            ChangeDeadline = deadline,
            CanChange = active && now <= deadline,
            ClinicName = c.PublicName ?? c.OrgName,
            ClinicPhone = c.Phone,
            ManageUrl = active ? links.UrlFor(db.Tenant.OrgId, db.Tenant.Mode, a.Id, a.PatientId) : null,
        };
    }

    /// <summary>The refusal of a change asked for too late, naming the deadline and the clinic's number.</summary>
    public ApiException TooLate() => new(409, ErrorCodes.InvalidState,
        $"This appointment can no longer be changed online: changes close {CancellationNoticeHours} hours before it starts " +
        $"({ChangeDeadline:yyyy-MM-dd HH:mm} UTC). " + (ClinicPhone is null ? "Please contact the clinic." : $"Please ring the clinic on {ClinicPhone}."));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<ManagedAppointment>))]
[JsonSerializable(typeof(DataEnvelope<PublicClinic>))]
[JsonSerializable(typeof(DataEnvelope<BookingRequestAnswer>))]
internal sealed partial class OnlineBookingJson : JsonSerializerContext;
