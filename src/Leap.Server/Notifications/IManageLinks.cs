namespace Leap.Server.Notifications;

/// <summary>The patient's manage link for an appointment (a URL for that patient alone), or null when there is none to give.</summary>
public interface IManageLinks
{
    string? UrlFor(string orgId, string mode, string appointmentId, string patientId);
}
