using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Leap.Server.Appointments;

namespace Leap.Server.CalendarFeeds;

/// <summary>
/// A feed's iCalendar text, made with Ical.Net. Each appointment is one event whose UID is its id, so a refresh updates
/// it in place: a move changes its times (and raises SEQUENCE), a cancellation marks it CANCELLED.
/// </summary>
public static class CalendarFeedRenderer
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string Render(IReadOnlyList<CalendarFeedStore.Entry> entries, bool fullNames, string calendarName)
    {
        var calendar = new Calendar { ProductId = "-//Leap//Calendar feed//EN" };
        calendar.AddProperty("X-WR-CALNAME", calendarName);
        foreach (var e in entries)
        {
            var who = fullNames ? $"{e.FirstName} {e.LastName}" : Initials(e.FirstName, e.LastName);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{e.Id}@leap",
                Summary = $"{e.TemplateName ?? e.Title} - {who}",
                Start = new CalDateTime(e.StartTime.UtcDateTime),
                End = new CalDateTime(e.EndTime.UtcDateTime),
                Location = e.IsRemote ? "Remote" : e.LocationName,
                Status = e.Status switch
                {
                    AppointmentStatuses.Cancelled => EventStatus.Cancelled,
                    AppointmentStatuses.Pending or AppointmentStatuses.PendingApproval => EventStatus.Tentative,
                    _ => EventStatus.Confirmed,
                },
                // Each change moves updated_at forward: seconds since creation make a sequence that only grows.
                Sequence = (int)Math.Max(0, (e.UpdatedAt - e.CreatedAt).TotalSeconds),
                DtStamp = new CalDateTime(e.UpdatedAt.UtcDateTime),
                LastModified = new CalDateTime(e.UpdatedAt.UtcDateTime),
            });
        }
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    /// <summary>"Ada Lovelace" is "A.L.": what the feed shows by default, enough for a clinician who knows their list.</summary>
    public static string Initials(string firstName, string lastName) =>
        string.Concat(new[] { firstName, lastName }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => char.ToUpperInvariant(n.Trim()[0]) + "."));
}
