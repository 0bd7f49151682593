using System.Text.Json.Serialization;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Clinicians;

public static class ClinicianStore
{
    public const string Columns =
        """
        id, name, display_name, first_name, last_name, title, role, email, bio, photo_url, qualifications,
        registration_number, professional_registration_body, is_active, is_bookable_online, created_at, updated_at
        """;

    public static readonly ListSpec ListSpec = new ListSpec()
        .Bool("is_active", "is_active")
        .Bool("is_bookable_online", "is_bookable_online")
        .Custom("location_id")
        .Custom("search");

    private static readonly string Assignments = SqlColumns.Assignments(Columns);

    /// <summary>A location the clinician works at (<c>l</c>) or a template they provide (<c>t</c>).</summary>
    private sealed record Link
    {
        public required string ClinicianId { get; init; }
        public required string Kind { get; init; }
        public required string TargetId { get; init; }
    }

    /// <summary>The clinician, locked until the end of the write when read inside one (PostgreSQL).</summary>
    public static async Task<ClinicianProfile?> FindAsync(TenantDb db, string id, CancellationToken ct)
    {
        var clinician = await db.SingleAsync<ClinicianProfile>(
            $"SELECT {Columns} FROM clinician_profiles WHERE id = @id AND {TenantSql.Filter}{db.RowLock(noKey: true)}", new { id }, ct);
        return clinician is null ? null : (await WithLinksAsync(db, [clinician], ct))[0];
    }

    public static async Task<Page<ClinicianProfile>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct)
    {
        if (query.Raw.TryGetValue("location_id", out var locationId))
        {
            query.AddCondition($"id IN (SELECT clinician_id FROM clinician_locations WHERE location_id = {query.Bind(Ids.WithPrefix(locationId, Ids.Location))})");
        }
        var search = TextSearch.Condition(query, term =>
            $"LOWER(name || ' ' || COALESCE(display_name, '') || ' ' || COALESCE(email, '')) LIKE {term} ESCAPE '\\'");
        var page = await db.PageAsync<ClinicianProfile>(
            $"SELECT {Columns} FROM clinician_profiles WHERE {TenantSql.Filter}{query.Where}{search} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);
        return page with { Items = await WithLinksAsync(db, page.Items, ct) };
    }

    /// <summary>All of a tenant's clinicians, for the admin command line.</summary>
    public static async Task<IReadOnlyList<ClinicianProfile>> AllAsync(TenantDb db, CancellationToken ct) =>
        await WithLinksAsync(db, await db.ListAsync<ClinicianProfile>($"SELECT {Columns} FROM clinician_profiles WHERE {TenantSql.Filter} ORDER BY id", null, ct), ct);

    public static async Task InsertAsync(TenantDb db, ClinicianProfile clinician, CancellationToken ct)
    {
        await db.ExecuteAsync(
            $"""
            INSERT INTO clinician_profiles ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @Name, @DisplayName, @FirstName, @LastName, @Title, @Role, @Email, @Bio, @PhotoUrl,
                    @Qualifications, @RegistrationNumber, @ProfessionalRegistrationBody, @IsActive, @IsBookableOnline,
                    @CreatedAt, @UpdatedAt)
            """,
            clinician, ct);
        foreach (var locationId in clinician.LocationIds)
        {
            await LinkLocationAsync(db, clinician.Id, locationId, ct);
        }
        await SetServicesAsync(db, clinician.Id, clinician.AppointmentTemplateIds, ct);
    }

    /// <summary>Saves every field of the profile, and its templates when they changed.</summary>
    public static async Task UpdateAsync(TenantDb db, ClinicianProfile before, ClinicianProfile after, CancellationToken ct)
    {
        await db.ExecuteAsync($"UPDATE clinician_profiles SET {Assignments} WHERE id = @Id AND {TenantSql.Filter}", after, ct);
        if (!after.AppointmentTemplateIds.SequenceEqual(before.AppointmentTemplateIds))
        {
            await db.ExecuteAsync($"DELETE FROM clinician_services WHERE clinician_id = @Id AND {TenantSql.Filter}", new { after.Id }, ct);
            await SetServicesAsync(db, after.Id, after.AppointmentTemplateIds, ct);
        }
    }

    private static async Task SetServicesAsync(TenantDb db, string clinicianId, IReadOnlyList<string> templateIds, CancellationToken ct)
    {
        foreach (var templateId in templateIds)
        {
            await db.ExecuteAsync(
                $"INSERT INTO clinician_services ({TenantSql.Columns}, clinician_id, template_id) VALUES ({TenantSql.Values}, @clinicianId, @templateId)",
                new { clinicianId, templateId }, ct);
        }
    }

    /// <summary>Records that the clinician works at the location (once; linking twice is harmless).</summary>
    public static Task LinkLocationAsync(TenantDb db, string clinicianId, string locationId, CancellationToken ct) =>
        db.ExecuteAsync(
            "INSERT INTO clinician_locations (clinician_id, location_id) VALUES (@clinicianId, @locationId) ON CONFLICT DO NOTHING",
            new { clinicianId, locationId }, ct);

    /// <summary>
    /// The time zone a clinician's dates are read in: that of their locations when they share one, else
    /// <paramref name="fallback"/> (a clinician working in two zones names times with offsets).
    /// </summary>
    public static async Task<string> TimezoneAsync(TenantDb db, string clinicianId, string fallback, CancellationToken ct) =>
        await db.SingleAsync<string?>(
            $"""
            SELECT CASE WHEN COUNT(DISTINCT l.timezone) = 1 THEN MIN(l.timezone) END
            FROM clinician_locations cl JOIN locations l ON l.id = cl.location_id AND {TenantSql.Of("l")}
            WHERE cl.clinician_id = @clinicianId
            """, new { clinicianId }, ct) ?? fallback;

    public static Task<int> SetActiveAsync(TenantDb db, string id, bool active, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync($"UPDATE clinician_profiles SET is_active = @active, updated_at = @now WHERE id = @id AND {TenantSql.Filter}", new { id, active, now }, ct);

    /// <summary>
    /// Fills <see cref="ClinicianProfile.LocationIds"/> and <see cref="ClinicianProfile.AppointmentTemplateIds"/> for a page of
    /// clinicians in one query.
    /// </summary>
    private static async Task<IReadOnlyList<ClinicianProfile>> WithLinksAsync(TenantDb db, IReadOnlyList<ClinicianProfile> clinicians, CancellationToken ct)
    {
        if (clinicians.Count == 0)
        {
            return clinicians;
        }
        var parameters = new SqlArgs();
        var ids = parameters.In("id", clinicians.Select(c => c.Id));
        var links = (await db.ListAsync<Link>(
            $"""
            SELECT clinician_id, 'l' AS kind, location_id AS target_id FROM clinician_locations WHERE clinician_id IN {ids}
            UNION ALL
            SELECT clinician_id, 't' AS kind, template_id AS target_id FROM clinician_services WHERE clinician_id IN {ids} AND {TenantSql.Filter}
            ORDER BY kind, target_id
            """, parameters, ct))
            .ToLookup(l => (l.ClinicianId, l.Kind), l => l.TargetId);
        return clinicians.Select(c => c with { LocationIds = links[(c.Id, "l")].ToList(), AppointmentTemplateIds = links[(c.Id, "t")].ToList() }).ToList();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianSession>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianBlock>))]
[JsonSerializable(typeof(DataEnvelope<ClinicianSession>))]
[JsonSerializable(typeof(DataEnvelope<ClinicianBlock>))]
internal sealed partial class CliniciansJson : JsonSerializerContext;
