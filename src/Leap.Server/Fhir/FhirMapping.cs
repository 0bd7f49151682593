using System.Globalization;
using Hl7.Fhir.Model;
using Leap.Server.Appointments;
using Leap.Server.AppointmentTemplates;
using Leap.Server.Clinicians;
using Leap.Server.Holds;
using LeapLocation = Leap.Server.Locations.Location;
using LeapPatient = Leap.Server.Patients.Patient;
using Appointment = Hl7.Fhir.Model.Appointment;
using Location = Hl7.Fhir.Model.Location;
using Patient = Hl7.Fhir.Model.Patient;

namespace Leap.Server.Fhir;

/// <summary>Leap records as FHIR R4 resources (the mapping table is in docs/fhir.md).</summary>
public static class FhirMapping
{
    public const string NhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";

    public static Patient ToPatient(LeapPatient p)
    {
        var name = new HumanName { Use = HumanName.NameUse.Official, Family = p.LastName, Given = Given(p.FirstName, p.MiddleName) };
        if (p.Title is not null)
        {
            name.Prefix = [p.Title];
        }
        var patient = new Patient
        {
            Id = FhirIds.ToFhir(p.Id),
            Meta = Updated(p.UpdatedAt),
            Active = p.ArchivedAt is null && p.Status == Patients.PatientValues.Active,
            Name = [name],
            BirthDate = p.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (p.PreferredName is not null)
        {
            patient.Name.Add(new HumanName { Use = HumanName.NameUse.Usual, Given = [p.PreferredName], Family = p.LastName });
        }
        if (p.NhsNumber is not null)
        {
            patient.Identifier.Add(new Identifier(NhsNumberSystem, p.NhsNumber));
        }
        AddTelecom(patient.Telecom, ContactPoint.ContactPointSystem.Email, p.Email, null);
        AddTelecom(patient.Telecom, ContactPoint.ContactPointSystem.Phone, p.MobilePhone, ContactPoint.ContactPointUse.Mobile);
        AddTelecom(patient.Telecom, ContactPoint.ContactPointSystem.Phone, p.HomePhone, ContactPoint.ContactPointUse.Home);
        AddTelecom(patient.Telecom, ContactPoint.ContactPointSystem.Phone, p.Phone, null);
        if (Address(p.AddressLine1, p.AddressLine2, p.AddressLine3, p.TownCity, p.Postcode, p.Country) is { } address)
        {
            patient.Address.Add(address);
        }
        if (p.IsDeceased)
        {
            patient.Deceased = p.DateOfDeath is { } died ? new FhirDateTime(died.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)) : new FhirBoolean(true);
        }
        return patient;
    }

    public static Practitioner ToPractitioner(ClinicianProfile c)
    {
        var name = c.FirstName is not null || c.LastName is not null
            ? new HumanName { Family = c.LastName, Given = Given(c.FirstName, null), Text = c.DisplayName ?? c.Name }
            : new HumanName { Text = c.DisplayName ?? c.Name };
        if (c.Title is not null)
        {
            name.Prefix = [c.Title];
        }
        var practitioner = new Practitioner { Id = FhirIds.ToFhir(c.Id), Meta = Updated(c.UpdatedAt), Active = c.IsActive, Name = [name] };
        AddTelecom(practitioner.Telecom, ContactPoint.ContactPointSystem.Email, c.Email, ContactPoint.ContactPointUse.Work);
        if (c.RegistrationNumber is not null)
        {
            practitioner.Identifier.Add(new Identifier { Value = c.RegistrationNumber, Assigner = c.ProfessionalRegistrationBody is null ? null : new ResourceReference { Display = c.ProfessionalRegistrationBody } });
        }
        return practitioner;
    }

    public static Location ToLocation(LeapLocation l)
    {
        var location = new Location
        {
            Id = FhirIds.ToFhir(l.Id),
            Meta = Updated(l.UpdatedAt),
            Status = l.IsActive ? Hl7.Fhir.Model.Location.LocationStatus.Active : Hl7.Fhir.Model.Location.LocationStatus.Inactive,
            Name = l.Name,
            Address = Address(l.AddressLine1, l.AddressLine2, l.AddressLine3, l.TownCity, l.Postcode, l.Country),
        };
        AddTelecom(location.Telecom, ContactPoint.ContactPointSystem.Phone, l.Phone, ContactPoint.ContactPointUse.Work);
        AddTelecom(location.Telecom, ContactPoint.ContactPointSystem.Email, l.Email, ContactPoint.ContactPointUse.Work);
        if (l.Lat is { } lat && l.Lng is { } lng)
        {
            location.Position = new Location.PositionComponent { Latitude = (decimal)lat, Longitude = (decimal)lng };
        }
        return location;
    }

    /// <summary>An appointment template: the service a patient books.</summary>
    public static HealthcareService ToHealthcareService(AppointmentTemplate t) => new()
    {
        Id = FhirIds.ToFhir(t.Id),
        Meta = Updated(t.UpdatedAt),
        Active = t.IsActive,
        Name = t.Name,
        Comment = t.Description,
        AppointmentRequired = true,
    };

    /// <summary>A clinician's diary at one location.</summary>
    public static Schedule ToSchedule(string clinicianId, string clinicianName, string locationId, string locationName, bool active) => new()
    {
        Id = FhirIds.ScheduleId(clinicianId, locationId),
        Active = active,
        Actor = [Reference("Practitioner", clinicianId, clinicianName), Reference("Location", locationId, locationName)],
    };

    public static Hl7.Fhir.Model.Slot ToSlot(Availability.Slot s, string templateName) => new()
    {
        Schedule = new ResourceReference("Schedule/" + FhirIds.ScheduleId(s.ClinicianProfileId, s.LocationId), $"{s.ClinicianName}"),
        Status = Hl7.Fhir.Model.Slot.SlotStatus.Free,
        Start = s.StartTime,
        End = s.EndTime,
        ServiceType = [ServiceType(s.AppointmentTemplateId, templateName)],
    };

    public static Appointment ToAppointment(Appointments.Appointment a, string? templateName)
    {
        var appointment = new Appointment
        {
            Id = FhirIds.ToFhir(a.Id),
            Meta = Updated(a.UpdatedAt),
            Status = Status(a.Status),
            Description = a.Title,
            Comment = a.Description,
            Start = a.StartTime,
            End = a.EndTime,
            MinutesDuration = a.DurationMinutes,
            Created = a.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        if (a.Status == AppointmentStatuses.Cancelled && a.CancellationReason is not null)
        {
            appointment.CancelationReason = new CodeableConcept { Text = a.CancellationReason };
        }
        var participation = a.Status == AppointmentStatuses.PendingApproval ? ParticipationStatus.NeedsAction : ParticipationStatus.Accepted;
        appointment.Participant.Add(Participant("Patient", a.PatientId, a.AttendeeName, participation));
        if (a.ClinicianProfileId is not null)
        {
            appointment.Participant.Add(Participant("Practitioner", a.ClinicianProfileId, null, participation));
        }
        if (a.LocationId is not null)
        {
            appointment.Participant.Add(Participant("Location", a.LocationId, null, participation));
        }
        if (a.AppointmentTypeId is not null)
        {
            appointment.ServiceType.Add(ServiceType(a.AppointmentTypeId, templateName ?? a.Title));
            appointment.Participant.Add(Participant("HealthcareService", a.AppointmentTypeId, templateName, participation));
        }
        return appointment;
    }

    /// <summary>A free slot offered by $find: not yet anyone's, so it has no id.</summary>
    public static Appointment Proposal(Availability.Slot s, string templateName, string? patientId) =>
        Unconfirmed(Hl7.Fhir.Model.Appointment.AppointmentStatus.Proposed, null, s.StartTime, s.EndTime, s.AppointmentTemplateId, templateName,
            s.ClinicianProfileId, s.ClinicianName, s.LocationId, patientId);

    /// <summary>
    /// A hold ($hold's answer): a pending appointment whose id is the hold's, which $book confirms. The comment says
    /// until when it is held.
    /// </summary>
    public static Appointment Held(Hold h, string templateName, string? patientId)
    {
        var appointment = Unconfirmed(Hl7.Fhir.Model.Appointment.AppointmentStatus.Pending, FhirIds.ToFhir(h.Id), h.StartTime, h.EndTime,
            h.AppointmentTemplateId, templateName, h.ClinicianProfileId, null, h.LocationId, patientId);
        appointment.Comment = $"Held until {h.ExpiresAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}: book it with Appointment/$book before then.";
        appointment.Created = h.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return appointment;
    }

    private static Appointment Unconfirmed(Appointment.AppointmentStatus status, string? id, DateTimeOffset start, DateTimeOffset end,
        string templateId, string templateName, string clinicianId, string? clinicianName, string? locationId, string? patientId)
    {
        var appointment = new Appointment
        {
            Id = id,
            Status = status,
            Start = start,
            End = end,
            MinutesDuration = (int)(end - start).TotalMinutes,
            ServiceType = [ServiceType(templateId, templateName)],
        };
        appointment.Participant.Add(Participant("HealthcareService", templateId, templateName, ParticipationStatus.NeedsAction));
        appointment.Participant.Add(Participant("Practitioner", clinicianId, clinicianName, ParticipationStatus.NeedsAction));
        if (locationId is not null)
        {
            appointment.Participant.Add(Participant("Location", locationId, null, ParticipationStatus.NeedsAction));
        }
        if (patientId is not null)
        {
            appointment.Participant.Add(Participant("Patient", patientId, null, ParticipationStatus.NeedsAction));
        }
        return appointment;
    }

    /// <summary>Leap's appointment statuses as FHIR's; <see cref="Statuses"/> goes the other way for searches.</summary>
    public static Appointment.AppointmentStatus Status(string status) => status switch
    {
        AppointmentStatuses.Pending or AppointmentStatuses.PendingApproval => Hl7.Fhir.Model.Appointment.AppointmentStatus.Pending,
        AppointmentStatuses.Cancelled => Hl7.Fhir.Model.Appointment.AppointmentStatus.Cancelled,
        AppointmentStatuses.Completed => Hl7.Fhir.Model.Appointment.AppointmentStatus.Fulfilled,
        AppointmentStatuses.NoShow => Hl7.Fhir.Model.Appointment.AppointmentStatus.Noshow,
        _ => Hl7.Fhir.Model.Appointment.AppointmentStatus.Booked,
    };

    /// <summary>The Leap statuses a FHIR appointment status stands for (none for statuses Leap never uses).</summary>
    public static IReadOnlyList<string> Statuses(string fhirStatus) => fhirStatus switch
    {
        "pending" => [AppointmentStatuses.Pending, AppointmentStatuses.PendingApproval],
        "booked" => [AppointmentStatuses.Confirmed, AppointmentStatuses.Scheduled],
        "cancelled" => [AppointmentStatuses.Cancelled],
        "fulfilled" => [AppointmentStatuses.Completed],
        "noshow" => [AppointmentStatuses.NoShow],
        _ => [],
    };

    public static ResourceReference Reference(string type, string leapId, string? display = null) =>
        new($"{type}/{FhirIds.ToFhir(leapId)}", display);

    private static Appointment.ParticipantComponent Participant(string type, string leapId, string? display, ParticipationStatus status) =>
        new() { Actor = Reference(type, leapId, display), Status = status, Required = Hl7.Fhir.Model.Appointment.ParticipantRequired.Required };

    private static CodeableConcept ServiceType(string templateId, string name) =>
        new() { Text = name, Coding = [new Coding { Code = FhirIds.ToFhir(templateId), Display = name }] };

    private static Meta Updated(DateTimeOffset at) => new() { LastUpdated = at };

    private static IEnumerable<string> Given(string? first, string? middle) =>
        new[] { first, middle }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!).ToList();

    private static void AddTelecom(List<ContactPoint> telecom, ContactPoint.ContactPointSystem system, string? value, ContactPoint.ContactPointUse? use)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            telecom.Add(new ContactPoint(system, use, value));
        }
    }

    private static Address? Address(string? line1, string? line2, string? line3, string? city, string? postcode, string? country)
    {
        var lines = new[] { line1, line2, line3 }.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l!).ToList();
        if (lines.Count == 0 && city is null && postcode is null && country is null)
        {
            return null;
        }
        return new Address { Line = lines, City = city, PostalCode = postcode, Country = country };
    }
}
