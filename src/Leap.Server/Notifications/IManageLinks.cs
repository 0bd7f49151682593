namespace Leap.Server.Notifications;

/// <summary>
/// The patient's manage link of an appointment, for the <c>{{manage_url}}</c> placeholder: a signed, expiring link
/// made by the manage-link pages. Until they are wired in, <see cref="NoManageLinks"/> answers null and message lines
/// with the placeholder are left out.
/// </summary>
public interface IManageLinks
{
    string? UrlFor(string orgId, string mode, string appointmentId, string patientId);
}

public sealed class NoManageLinks : IManageLinks
{
    public string? UrlFor(string orgId, string mode, string appointmentId, string patientId) => null;
}
