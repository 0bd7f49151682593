namespace Leap.Server.Notifications;

/// <summary>
/// The patient's manage link of an appointment, for the <c>{{manage_url}}</c> placeholder: a signed, expiring link
/// for that patient alone (ManageLinks), or null when there is none to give.
/// </summary>
public interface IManageLinks
{
    string? UrlFor(string orgId, string mode, string appointmentId, string patientId);
}
