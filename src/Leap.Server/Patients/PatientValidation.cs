using Leap.Server.Http;

namespace Leap.Server.Patients;

/// <summary>
/// Turns a create or update body into a patient. Create and PATCH share one path: a create starts from a
/// blank patient and requires the core fields; a PATCH starts from the stored one and changes only the
/// fields present (null clears an optional field).
/// </summary>
public static partial class PatientValidation
{
    private static readonly DateOnly EarliestBirth = new(1890, 1, 1);

    public static Patient Blank(string id, DateTimeOffset now) => new()
    {
        Id = id,
        FirstName = "",
        LastName = "",
        Status = PatientValues.Active,
        PatientType = "active",
        Country = "United Kingdom",
        ConsentSms = true,
        ConsentEmail = true,
        ConsentElectronicCommunication = true,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>A create's body: the patient, and whether to create them even if they look like a patient already there.</summary>
    public static (Patient Patient, bool Force) ReadCreate(BodyReader r, string id, string actor, DateTimeOffset now) =>
        (Apply(r, Blank(id, now), creating: true, actor, now), r.Bool("force") ?? false);

    /// <summary>
    /// A sync's body (<c>PUT /patients/external/{external_id}</c>): the fields of a create or of an update (which one is
    /// known only inside the write), an <c>external_id</c> that can only repeat the path's, and <c>force</c>.
    /// </summary>
    public static bool ReadSync(BodyReader r, string externalId)
    {
        if (r.Has("external_id") && r.String("external_id", 128) != externalId)
        {
            r.Fail("external_id", "must match the external id in the path (or be left out)");
        }
        return r.Bool("force") ?? false;
    }

    public static Patient Apply(BodyReader r, Patient current, bool creating, string actor, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        string Required(string field, int max, string existing) =>
            creating || r.Has(field) ? r.String(field, max, required: true) ?? existing : existing;
        string? Optional(string field, int max, string? existing, bool multiline = false) =>
            r.Has(field) ? r.String(field, max, multiline: multiline) : existing;
        bool Flag(string field, bool existing) => r.Has(field) ? r.Bool(field, required: true) ?? existing : existing;

        var p = current with
        {
            ExternalId = r.Has("external_id") ? ExternalId(r) : current.ExternalId,
            FirstName = Required("first_name", 100, current.FirstName),
            LastName = Required("last_name", 100, current.LastName),
            MiddleName = Optional("middle_name", 100, current.MiddleName),
            PreferredName = Optional("preferred_name", 100, current.PreferredName),
            Title = Optional("title", 20, current.Title),
            BiologicalSex = r.Has("biological_sex") ? r.Enum("biological_sex", PatientValues.BiologicalSexes) : current.BiologicalSex,
            Gender = Optional("gender", 50, current.Gender),
            Ethnicity = Optional("ethnicity", 100, current.Ethnicity),
            NhsNumber = r.Has("nhs_number") ? r.NhsNumber("nhs_number") : current.NhsNumber,
            Email = r.Has("email") ? r.Email("email") : current.Email,
            Phone = r.Has("phone") ? r.Phone("phone") : current.Phone,
            MobilePhone = r.Has("mobile_phone") ? r.Phone("mobile_phone") : current.MobilePhone,
            HomePhone = r.Has("home_phone") ? r.Phone("home_phone") : current.HomePhone,
            AddressLine1 = Optional("address_line_1", 200, current.AddressLine1),
            AddressLine2 = Optional("address_line_2", 200, current.AddressLine2),
            AddressLine3 = Optional("address_line_3", 200, current.AddressLine3),
            // 'city' is the first-generation name of the field; accepted so older Jump clients keep working.
            TownCity = r.Has("town_city") ? r.String("town_city", 100) : r.Has("city") ? r.String("city", 100) : current.TownCity,
            Postcode = Optional("postcode", 16, current.Postcode)?.ToUpperInvariant(),
            Country = Optional("country", 100, current.Country),
            PreferredContactMethod = r.Has("preferred_contact_method")
                ? r.Enum("preferred_contact_method", PatientValues.ContactMethods) : current.PreferredContactMethod,
            PatientType = r.Has("patient_type") ? r.String("patient_type", 50, required: true) ?? current.PatientType : current.PatientType,
            IsDeceased = Flag("is_deceased", current.IsDeceased),
            DateOfDeath = r.Has("date_of_death") ? r.Date("date_of_death") : current.DateOfDeath,
            RequiresReview = Flag("requires_review", current.RequiresReview),
            ReviewReason = Optional("review_reason", 500, current.ReviewReason, multiline: true),
            AccessibilityNeeds = Optional("accessibility_needs", 500, current.AccessibilityNeeds, multiline: true),
            AccessibilityNotes = Optional("accessibility_notes", 2000, current.AccessibilityNotes, multiline: true),
            Occupation = Optional("occupation", 100, current.Occupation),
            PatientNotes = Optional("patient_notes", 5000, current.PatientNotes, multiline: true),
            ConsentSms = Flag("consent_sms", current.ConsentSms),
            ConsentEmail = Flag("consent_email", current.ConsentEmail),
            ConsentMarketing = Flag("consent_marketing", current.ConsentMarketing),
            ConsentElectronicCommunication = Flag("consent_electronic_communication", current.ConsentElectronicCommunication),
            CustomFields = PatientCustomFields.Apply(r, current.CustomFields),
            UpdatedAt = now,
        };

        if (creating || r.Has("date_of_birth"))
        {
            var birth = r.Date("date_of_birth", required: true);
            if (birth is { } b && (b > today || b < EarliestBirth))
            {
                r.Fail("date_of_birth", $"must be between {EarliestBirth:yyyy-MM-dd} and today");
            }
            p = p with { DateOfBirth = birth ?? current.DateOfBirth };
        }
        if (p.DateOfDeath is { } death && (death < p.DateOfBirth || death > today))
        {
            r.Fail("date_of_death", "must be between the date of birth and today");
        }
        if (p.DateOfDeath is not null && !p.IsDeceased)
        {
            p = p with { IsDeceased = true };
        }

        if (r.Has("status"))
        {
            var status = r.String("status", 20, required: true);
            if (status == PatientValues.Archived)
            {
                r.Fail("status", "archive a patient with \"archived\": true and an archive_reason");
            }
            else if (status is not null && !PatientValues.SettableStatuses.Contains(status))
            {
                r.Fail("status", $"must be one of: {string.Join(", ", PatientValues.SettableStatuses)}");
            }
            else if (status is not null && current.ArchivedAt is not null && !r.Has("archived"))
            {
                r.Fail("status", "the patient is archived: send \"archived\": false to restore them");
            }
            else if (status is not null)
            {
                p = p with { Status = status };
            }
        }

        return ApplyArchive(r, p, current, creating, actor, now);
    }

    /// <summary>
    /// Letters, digits and <c>. _ - : @ ~ + = |</c>, at most 128 characters, starting with a letter or digit: what
    /// record numbers look like, and safe to put in a URL path as they are (<c>PUT /patients/external/{external_id}</c>).
    /// </summary>
    public static bool IsExternalId(string text) => ExternalIdPattern().IsMatch(text);

    private static string? ExternalId(BodyReader r)
    {
        var text = r.String("external_id", 128);
        if (text is not null && !IsExternalId(text))
        {
            r.Fail("external_id", ExternalIdRule);
            return null;
        }
        return text;
    }

    public const string ExternalIdRule = "must be 1 to 128 letters, digits or . _ - : @ ~ + = |, starting with a letter or digit";

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:@~+=|-]{0,127}$")]
    private static partial System.Text.RegularExpressions.Regex ExternalIdPattern();

    /// <summary>
    /// Patients are never deleted: <c>"archived": true</c> with an <c>archive_reason</c> archives (recording
    /// when and by which API key), <c>"archived": false</c> restores an archived patient as active.
    /// </summary>
    private static Patient ApplyArchive(BodyReader r, Patient p, Patient current, bool creating, string actor, DateTimeOffset now)
    {
        var archived = r.Has("archived") ? r.Bool("archived", required: true) : null;
        var reason = r.Has("archive_reason") ? r.String("archive_reason", 500, multiline: true) : current.ArchiveReason;
        var notes = r.Has("archive_notes") ? r.String("archive_notes", 2000, multiline: true) : current.ArchiveNotes;

        if (archived == true && creating)
        {
            r.Fail("archived", "a new patient cannot be archived");
            return p;
        }
        if (archived == true)
        {
            if (current.ArchivedAt is not null)
            {
                return p with { ArchiveReason = reason, ArchiveNotes = notes };
            }
            if (reason is null)
            {
                r.Fail("archive_reason", "is required when archiving a patient");
                return p;
            }
            return p with { Status = PatientValues.Archived, ArchivedAt = now, ArchivedBy = actor, ArchiveReason = reason, ArchiveNotes = notes };
        }
        if (archived == false)
        {
            return p with { Status = PatientValues.Active, ArchivedAt = null, ArchivedBy = null, ArchiveReason = null, ArchiveNotes = null };
        }
        if ((r.Has("archive_reason") || r.Has("archive_notes")) && current.ArchivedAt is null)
        {
            r.Fail(r.Has("archive_reason") ? "archive_reason" : "archive_notes", "only applies when archiving: send \"archived\": true as well");
        }
        return p with { ArchiveReason = reason, ArchiveNotes = notes };
    }
}
