using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Leap.Server.Fhir;

/// <summary>
/// <c>GET /fhir/r4/metadata</c>: exactly what the facade supports, resource by resource (kept in step with
/// <see cref="FhirApi"/> and <see cref="FhirScheduling"/> by a test that calls every listed search parameter).
/// </summary>
public static class FhirCapability
{
    private const string Ihe = "https://profiles.ihe.net/ITI/Scheduling/OperationDefinition/";

    /// <summary>Each resource with its read flag and its search parameters (name, type, meaning).</summary>
    public static readonly IReadOnlyList<(string Type, bool Read, (string Name, SearchParamType Type, string Doc)[] Search)> Resources =
    [
        ("Patient", true, [
            ("_id", SearchParamType.Token, "The patient's id"),
            ("name", SearchParamType.String, "Every word must occur in the name, email, phone or NHS number (the REST search)"),
            ("birthdate", SearchParamType.Date, "Date of birth (YYYY-MM-DD)"),
            ("identifier", SearchParamType.Token, $"NHS number: {FhirMapping.NhsNumberSystem}|value, or the bare value"),
        ]),
        ("Practitioner", true, [
            ("_id", SearchParamType.Token, "The clinician's id"),
            ("name", SearchParamType.String, "Every word must occur in the name or email"),
            ("active", SearchParamType.Token, "true or false"),
        ]),
        ("Location", true, [
            ("_id", SearchParamType.Token, "The location's id"),
            ("name", SearchParamType.String, "Every word must occur in the name, town or postcode"),
            ("status", SearchParamType.Token, "active or inactive"),
        ]),
        ("HealthcareService", true, [
            ("_id", SearchParamType.Token, "The appointment template's id"),
            ("name", SearchParamType.String, "Part of the name"),
            ("active", SearchParamType.Token, "true or false"),
        ]),
        ("Schedule", true, [
            ("actor", SearchParamType.Reference, "Practitioner/{id} or Location/{id} (repeat for both)"),
            ("active", SearchParamType.Token, "true or false"),
        ]),
        ("Slot", false, [
            ("service-type", SearchParamType.Token, "Required: the HealthcareService id whose free slots to list"),
            ("schedule", SearchParamType.Reference, "Schedule/{id}: one clinician at one location"),
            ("start", SearchParamType.Date, "Dates with ge, gt, eq, le, lt; 7 days from today by default, at most 14"),
            ("status", SearchParamType.Token, "free (the only status listed)"),
        ]),
        ("Appointment", true, [
            ("_id", SearchParamType.Token, "The appointment's id"),
            ("patient", SearchParamType.Reference, "Patient/{id}"),
            ("practitioner", SearchParamType.Reference, "Practitioner/{id}"),
            ("location", SearchParamType.Reference, "Location/{id}"),
            ("service-type", SearchParamType.Token, "The HealthcareService id"),
            ("date", SearchParamType.Date, "Start, with eq, ge, gt, le, lt; repeat for a range"),
            ("status", SearchParamType.Token, "pending, booked, cancelled, fulfilled, noshow (comma-separated)"),
        ]),
    ];

    public static CapabilityStatement Statement(string baseUrl, DateTimeOffset now)
    {
        var rest = new RestComponent
        {
            Mode = RestfulCapabilityMode.Server,
            Documentation = "Authorization: Bearer with a Leap API key (or a staff session); each interaction needs the scope the REST API's " +
                            "matching endpoint needs. Paging: _count (1-100, default 20) and _offset. See docs/fhir.md.",
        };
        foreach (var (type, read, search) in Resources)
        {
            var resource = new ResourceComponent { Type = type, ConditionalCreate = false, ConditionalUpdate = false, ConditionalDelete = ConditionalDeleteStatus.NotSupported };
            if (read)
            {
                resource.Interaction.Add(new ResourceInteractionComponent { Code = TypeRestfulInteraction.Read });
            }
            resource.Interaction.Add(new ResourceInteractionComponent { Code = TypeRestfulInteraction.SearchType });
            foreach (var (name, kind, doc) in search)
            {
                resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent { Name = name, Type = kind, Documentation = doc });
            }
            if (type == "Appointment")
            {
                resource.Interaction.Add(new ResourceInteractionComponent
                {
                    Code = TypeRestfulInteraction.Update, Documentation = "Only status = cancelled (cancels the appointment)",
                });
                resource.Interaction.Add(new ResourceInteractionComponent
                {
                    Code = TypeRestfulInteraction.Patch, Documentation = "JSON Patch of /status to cancelled (and /cancelationReason) only",
                });
                resource.Operation.Add(new OperationComponent { Name = "find", Definition = Ihe + "appointment-find", Documentation = "Free appointment proposals" });
                resource.Operation.Add(new OperationComponent { Name = "hold", Definition = Ihe + "appointment-hold", Documentation = "A 15-minute Leap hold of a proposal" });
                resource.Operation.Add(new OperationComponent { Name = "book", Definition = Ihe + "appointment-book", Documentation = "Confirms a hold or books directly; honours Idempotency-Key" });
            }
            rest.Resource.Add(resource);
        }
        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "Leap",
            Kind = CapabilityStatementKind.Instance,
            Software = new SoftwareComponent { Name = "Leap" },
            Implementation = new ImplementationComponent { Description = "Leap FHIR R4 scheduling facade", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json"],
            Rest = [rest],
        };
    }
}
