namespace Leap.Server.Fhir;

/// <summary>
/// Leap ids as FHIR ids. A FHIR id allows only letters, digits, '-' and '.', so the prefix's underscore becomes a
/// hyphen (<c>pat_0192…</c> is <c>Patient/pat-0192…</c>). A Schedule (a clinician at a location) has no row of its
/// own: its id is the two UUIDs without hyphens, 64 characters, the most a FHIR id may have.
/// </summary>
public static class FhirIds
{
    public static string ToFhir(string leapId)
    {
        var underscore = leapId.IndexOf('_', StringComparison.Ordinal);
        return underscore < 0 ? leapId : string.Concat(leapId.AsSpan(0, underscore), "-", leapId.AsSpan(underscore + 1));
    }

    /// <summary>
    /// The Leap id a FHIR id stands for, when it has the shape of one with <paramref name="prefix"/>; otherwise the text
    /// as sent, so validation names it as the client wrote it (and a lookup finds nothing).
    /// </summary>
    public static string ToLeap(string fhirId, string prefix)
    {
        var dash = prefix[..^1] + "-";
        if (!fhirId.StartsWith(dash, StringComparison.Ordinal))
        {
            return fhirId;
        }
        var leap = prefix + fhirId[dash.Length..];
        return Ids.IsWellFormed(leap, prefix) ? leap : fhirId;
    }

    /// <summary>The Leap id in a reference (<c>Practitioner/cli-…</c>, an absolute URL ending so, or the bare id), or null.</summary>
    public static string? FromReference(string? reference, string resourceType, string prefix)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }
        var marker = resourceType + "/";
        var at = reference.LastIndexOf(marker, StringComparison.Ordinal);
        var id = at >= 0 ? reference[(at + marker.Length)..] : reference;
        return ToLeap(id, prefix);
    }

    public static string ScheduleId(string clinicianId, string locationId) =>
        Guid.Parse(clinicianId.AsSpan(Ids.Clinician.Length)).ToString("N") + Guid.Parse(locationId.AsSpan(Ids.Location.Length)).ToString("N");

    /// <summary>The clinician and location of a Schedule id, or null when it is not one.</summary>
    public static (string ClinicianId, string LocationId)? ParseSchedule(string id) =>
        id.Length == 64 && Guid.TryParseExact(id.AsSpan(0, 32), "N", out var clinician) && Guid.TryParseExact(id.AsSpan(32), "N", out var location)
            ? (Ids.Clinician + clinician.ToString("D"), Ids.Location + location.ToString("D"))
            : null;
}
