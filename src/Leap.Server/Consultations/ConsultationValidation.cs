using System.Globalization;
using System.Text.Json.Nodes;
using Leap.Server.ClinicalRecord;
using Leap.Server.Http;

namespace Leap.Server.Consultations;

public static class ConsultationValidation
{
    public const int MaxEntriesPerSection = 100;

    /// <summary>
    /// A new consultation (Jump's "Recording Consultations" body) and, optionally, its entries by section
    /// (<c>"problems": [...]</c>, <c>"observations": [...]</c>...), each read as the kind's own create reads it.
    /// </summary>
    public static (Consultation Consultation, IReadOnlyList<(EntryKind Kind, JsonObject Data)> Entries) ReadCreate(
        BodyReader r, Accounts.Actor actor, DateTimeOffset now)
    {
        var uuid = Ids.NewUuidV7().ToString();
        var consultation = new Consultation
        {
            Id = uuid,
            ConsultationId = Ids.Consultation + uuid,
            PatientId = r.Id("patient_id", Ids.Patient, required: true) ?? "",
            ConsultationDate = r.Date("consultation_date", required: true) ?? default,
            ConsultationTime = Time(r),
            AppointmentId = r.Id("appointment_id", Ids.Appointment),
            ClinicianId = r.Id("clinician_id", Ids.Clinician),
            LocationId = r.Id("location_id", Ids.Location),
            EpisodeId = r.Id("episode_id", Ids.Episode),
            Status = r.Enum("status", ConsultationValues.Statuses) ?? ConsultationValues.Completed,
            ConsultationTypeCode = r.String("consultation_type_code", 20),
            ConsultationTypeDisplay = r.String("consultation_type_display", 200),
            ConsultationMediumCode = r.String("consultation_medium_code", 20),
            ConsultationMediumDisplay = r.String("consultation_medium_display", 100),
            ConsultationSetting = r.String("consultation_setting", 100),
            ConsultationSettingCode = r.String("consultation_setting_code", 20),
            ChiefComplaint = r.String("chief_complaint", 1000, multiline: true),
            Summary = r.String("summary", 10_000, multiline: true),
            CreatedByType = actor.Type,
            CreatedBy = actor.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var entries = new List<(EntryKind, JsonObject)>();
        foreach (var kind in EntryKinds.Inline)
        {
            foreach (var item in r.Objects(kind.Section, MaxEntriesPerSection) ?? [])
            {
                entries.Add((kind, kind.Read(item)));
            }
        }
        return (consultation, entries);
    }

    /// <summary>"HH:MM:SS" (or "HH:MM", stored with :00).</summary>
    private static string? Time(BodyReader r)
    {
        var text = r.String("consultation_time", 8);
        if (text is null)
        {
            return null;
        }
        if (TimeOnly.TryParseExact(text, ["HH:mm:ss", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        }
        r.Fail("consultation_time", "must be a time of day, HH:MM:SS");
        return null;
    }
}
