using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Clinicians;

/// <summary>
/// Turns a create or update body into a clinician profile (the API's and the command line's one path). A create starts
/// from a blank profile and requires the name; a PATCH changes only the fields present (null clears an optional one).
/// </summary>
public static class ClinicianValidation
{
    public const int MaxTemplates = 100;

    public static ClinicianProfile Blank(string id, DateTimeOffset now) => new()
    {
        Id = id, Name = "", IsActive = true, IsBookableOnline = true, CreatedAt = now, UpdatedAt = now,
    };

    public static ClinicianProfile Apply(BodyReader r, ClinicianProfile current, bool creating, DateTimeOffset now)
    {
        string? Optional(string field, int max, string? existing, bool multiline = false) =>
            r.Has(field) ? r.String(field, max, multiline: multiline) : existing;
        bool Flag(string field, bool existing) => r.Has(field) ? r.Bool(field, required: true) ?? existing : existing;

        var name = creating || r.Has("name") ? r.String("name", 200, required: true) ?? current.Name : current.Name;
        var profile = current with
        {
            Name = name,
            DisplayName = Optional("display_name", 200, creating ? name : current.DisplayName),
            FirstName = Optional("first_name", 100, current.FirstName),
            LastName = Optional("last_name", 100, current.LastName),
            Title = Optional("title", 20, current.Title),
            Role = Optional("role", 100, current.Role),
            Email = r.Has("email") ? r.Email("email") : current.Email,
            Bio = Optional("bio", 5000, current.Bio, multiline: true),
            PhotoUrl = r.Has("photo_url") ? PhotoUrl(r) : current.PhotoUrl,
            Qualifications = Optional("qualifications", 500, current.Qualifications),
            RegistrationNumber = Optional("registration_number", 50, current.RegistrationNumber),
            ProfessionalRegistrationBody = Optional("professional_registration_body", 50, current.ProfessionalRegistrationBody),
            IsActive = Flag("is_active", current.IsActive),
            IsBookableOnline = Flag("is_bookable_online", current.IsBookableOnline),
            AppointmentTemplateIds = r.Has("appointment_template_ids") ? TemplateIds(r, current.AppointmentTemplateIds) : current.AppointmentTemplateIds,
            UpdatedAt = now,
        };
        if (creating && !profile.IsActive)
        {
            r.Fail("is_active", "a new clinician profile is active: create it, then deactivate it");
        }
        return profile;
    }

    /// <summary>Every template named must be one of the tenant's (422 naming those that are not).</summary>
    public static async Task CheckReferencesAsync(BodyReader r, TenantDb db, ClinicianProfile profile, CancellationToken ct)
    {
        if (profile.AppointmentTemplateIds.Count == 0 || r.Failed("appointment_template_ids"))
        {
            return;
        }
        var parameters = new SqlArgs();
        var ids = parameters.In("id", profile.AppointmentTemplateIds);
        var found = await db.ListAsync<string>($"SELECT id FROM appointment_templates WHERE id IN {ids} AND {TenantSql.Filter}", parameters, ct);
        if (profile.AppointmentTemplateIds.FirstOrDefault(id => !found.Contains(id)) is { } missing)
        {
            r.Fail("appointment_template_ids", $"no appointment template {missing} exists");
        }
    }

    /// <summary>The templates the clinician provides, each once, ordered by id; an empty list means every template.</summary>
    private static IReadOnlyList<string> TemplateIds(BodyReader r, IReadOnlyList<string> current)
    {
        var sent = r.StringList("appointment_template_ids", current, MaxTemplates, 80);
        if (sent.FirstOrDefault(id => !Ids.IsWellFormed(id, Ids.AppointmentTemplate)) is { } bad)
        {
            r.Fail("appointment_template_ids", $"'{bad}' is not an id starting with '{Ids.AppointmentTemplate}'");
            return current;
        }
        var distinct = sent.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return distinct.SequenceEqual(current) ? current : distinct;
    }

    private static string? PhotoUrl(BodyReader r)
    {
        var url = r.String("photo_url", 500);
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            r.Fail("photo_url", "must be an absolute http(s) URL");
            return null;
        }
        return url;
    }
}
