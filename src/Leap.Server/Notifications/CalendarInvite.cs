using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Leap.Server.Notifications;

/// <summary>
/// The iCalendar (RFC 5545, iTIP RFC 5546) attachment of a confirmation, reschedule or cancellation email: one event
/// per appointment, always with the same UID, so calendar apps update the entry they have (a higher SEQUENCE) or
/// remove it (METHOD:CANCEL).
/// </summary>
public static class CalendarInvite
{
    public const string Request = "REQUEST";
    public const string Cancel = "CANCEL";

    public sealed record Details(string AppointmentId, int Sequence, DateTimeOffset Start, DateTimeOffset End, string Summary, string? Location,
        string? Description, string OrganizerName, string OrganizerEmail, string AttendeeName, string AttendeeEmail, DateTimeOffset Stamp);

    /// <summary>The same for every message about one appointment (RFC 5545 3.8.4.7: globally unique, stable across updates).</summary>
    public static string Uid(string appointmentId) => $"{appointmentId}@leap";

    public static string Create(Details d, bool cancel)
    {
        var calendar = new Calendar { Method = cancel ? Cancel : Request, ProductId = "-//Leap//Notifications//EN" };
        var evt = new CalendarEvent
        {
            Uid = Uid(d.AppointmentId),
            Sequence = d.Sequence,
            DtStamp = new CalDateTime(d.Stamp.UtcDateTime),
            DtStart = new CalDateTime(d.Start.UtcDateTime),
            DtEnd = new CalDateTime(d.End.UtcDateTime),
            Summary = d.Summary,
            Location = d.Location,
            Description = d.Description,
            Status = cancel ? EventStatus.Cancelled : EventStatus.Confirmed,
            Organizer = new Organizer($"mailto:{d.OrganizerEmail}") { CommonName = d.OrganizerName },
        };
        evt.Attendees.Add(new Attendee($"mailto:{d.AttendeeEmail}")
        {
            CommonName = d.AttendeeName,
            Role = ParticipationRole.RequiredParticipant,
            ParticipationStatus = cancel ? EventParticipationStatus.Declined : EventParticipationStatus.Accepted,
        });
        calendar.Events.Add(evt);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
