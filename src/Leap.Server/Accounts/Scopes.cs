namespace Leap.Server.Accounts;

/// <summary>
/// Every scope an API key can carry. Names follow the Jump docs where they name one; the others (questionnaires,
/// pathway rules, webhooks, the access log) follow the same read_/write_ pattern (docs/api-conventions.md).
/// </summary>
public static class Scopes
{
    public const string ReadPatients = "read_patients";
    public const string WritePatients = "write_patients";
    public const string ReadAppointments = "read_appointments";
    public const string WriteAppointments = "write_appointments";
    public const string ReadAppointmentTemplates = "read_appointment_templates";
    public const string WriteAppointmentTemplates = "write_appointment_templates";
    public const string ReadEpisodes = "read_episodes";
    public const string WriteEpisodes = "write_episodes";
    public const string ReadQuestionnaires = "read_questionnaires";
    public const string WriteQuestionnaires = "write_questionnaires";
    public const string ReadPathwayRules = "read_pathway_rules";
    public const string WritePathwayRules = "write_pathway_rules";
    public const string ManageWebhooks = "manage_webhooks";
    public const string ManageUsers = "manage_users";
    public const string ReadClinicians = "read_clinicians";
    public const string WriteClinicians = "write_clinicians";
    public const string ReadLocations = "read_locations";
    public const string WriteLocations = "write_locations";
    public const string ReadAvailability = "read_availability";
    public const string WriteHolds = "write_holds";
    public const string ManageOrganisation = "manage_organisation";
    public const string ReadConsultations = "read_consultations";
    public const string WriteConsultations = "write_consultations";
    public const string ReadProblems = "read_problems";
    public const string WriteProblems = "write_problems";
    public const string ReadPrescriptions = "read_prescriptions";
    public const string WritePrescriptions = "write_prescriptions";
    public const string ReadDocuments = "read_documents";
    public const string WriteDocuments = "write_documents";
    /// <summary>The access log (docs/audit.md): an administrator's scope.</summary>
    public const string ReadAudit = "read_audit";

    public static readonly IReadOnlyList<string> All =
    [
        ReadPatients, WritePatients,
        ReadAppointments, WriteAppointments,
        ReadAppointmentTemplates, WriteAppointmentTemplates,
        ReadEpisodes, WriteEpisodes,
        ReadQuestionnaires, WriteQuestionnaires,
        ReadPathwayRules, WritePathwayRules,
        ManageWebhooks,
        ManageUsers,
        ReadClinicians, WriteClinicians,
        ReadLocations, WriteLocations,
        ReadAvailability, WriteHolds,
        ManageOrganisation,
        ReadConsultations, WriteConsultations,
        ReadProblems, WriteProblems,
        ReadPrescriptions, WritePrescriptions,
        ReadDocuments, WriteDocuments,
        ReadAudit,
    ];

    public static bool IsKnown(string scope) => All.Contains(scope);
}
