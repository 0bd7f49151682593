namespace Leap.Server;

/// <summary>
/// Resource ids: a type prefix plus a UUIDv7 (time-ordered, so ids sort by creation and index well).
/// </summary>
public static class Ids
{
    public const string Organisation = "org_";
    public const string ApiKey = "key_";
    public const string Patient = "pat_";
    public const string AppointmentTemplate = "tmpl_";
    public const string Appointment = "apt_";
    public const string Clinician = "cli_";
    public const string Location = "loc_";

    public static string New(string prefix) => prefix + Guid.CreateVersion7().ToString();

    /// <summary>True when <paramref name="id"/> has the prefix followed by a UUID, the only shape we issue.</summary>
    public static bool IsWellFormed(string id, string prefix) =>
        id.StartsWith(prefix, StringComparison.Ordinal) && id.Length == prefix.Length + 36 && Guid.TryParse(id.AsSpan(prefix.Length), out _);
}
