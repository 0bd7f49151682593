namespace Leap.Server.Accounts;

/// <summary>Every scope an API key can carry. Names follow the Jump docs where they name one.</summary>
public static class Scopes
{
    public const string ReadPatients = "read_patients";
    public const string WritePatients = "write_patients";
    public const string ReadAppointments = "read_appointments";
    public const string WriteAppointments = "write_appointments";
    public const string ReadAppointmentTemplates = "read_appointment_templates";
    public const string WriteAppointmentTemplates = "write_appointment_templates";
    public const string ReadClinicians = "read_clinicians";
    public const string ReadLocations = "read_locations";
    public const string ReadAvailability = "read_availability";
    public const string WriteHolds = "write_holds";

    public static readonly IReadOnlyList<string> All =
    [
        ReadPatients, WritePatients,
        ReadAppointments, WriteAppointments,
        ReadAppointmentTemplates, WriteAppointmentTemplates,
        ReadClinicians, ReadLocations,
        ReadAvailability, WriteHolds,
    ];

    public static bool IsKnown(string scope) => All.Contains(scope);
}
