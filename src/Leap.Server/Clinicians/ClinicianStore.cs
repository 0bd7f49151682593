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

    private sealed record Link
    {
        public required string ClinicianId { get; init; }
        public required string LocationId { get; init; }
    }

    public static async Task<ClinicianProfile?> FindAsync(TenantDb db, string id, CancellationToken ct)
    {
        var clinician = await db.SingleAsync<ClinicianProfile>($"SELECT {Columns} FROM clinician_profiles WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);
        return clinician is null ? null : (await WithLocationsAsync(db, [clinician], ct))[0];
    }

    public static async Task<Page<ClinicianProfile>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct)
    {
        if (query.Raw.TryGetValue("location_id", out var locationId))
        {
            query.AddCondition($"id IN (SELECT clinician_id FROM clinician_locations WHERE location_id = {query.Bind(locationId)})");
        }
        var search = TextSearch.Condition(query, term =>
            $"LOWER(name || ' ' || COALESCE(display_name, '') || ' ' || COALESCE(email, '')) LIKE {term} ESCAPE '\\'");
        var page = await db.PageAsync<ClinicianProfile>(
            $"SELECT {Columns} FROM clinician_profiles WHERE {TenantSql.Filter}{query.Where}{search} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);
        return page with { Items = await WithLocationsAsync(db, page.Items, ct) };
    }

    /// <summary>All of a tenant's clinicians, for the admin command line.</summary>
    public static async Task<IReadOnlyList<ClinicianProfile>> AllAsync(TenantDb db, CancellationToken ct) =>
        await WithLocationsAsync(db, await db.ListAsync<ClinicianProfile>($"SELECT {Columns} FROM clinician_profiles WHERE {TenantSql.Filter} ORDER BY id", null, ct), ct);

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
    }

    /// <summary>Records that the clinician works at the location (once; linking twice is harmless).</summary>
    public static Task LinkLocationAsync(TenantDb db, string clinicianId, string locationId, CancellationToken ct) =>
        db.ExecuteAsync(
            "INSERT INTO clinician_locations (clinician_id, location_id) VALUES (@clinicianId, @locationId) ON CONFLICT DO NOTHING",
            new { clinicianId, locationId }, ct);

    public static Task<int> SetActiveAsync(TenantDb db, string id, bool active, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync($"UPDATE clinician_profiles SET is_active = @active, updated_at = @now WHERE id = @id AND {TenantSql.Filter}", new { id, active, now }, ct);

    /// <summary>Fills <see cref="ClinicianProfile.LocationIds"/> for a page of clinicians in one query.</summary>
    private static async Task<IReadOnlyList<ClinicianProfile>> WithLocationsAsync(TenantDb db, IReadOnlyList<ClinicianProfile> clinicians, CancellationToken ct)
    {
        if (clinicians.Count == 0)
        {
            return clinicians;
        }
        var parameters = new SqlArgs();
        var ids = parameters.In("id", clinicians.Select(c => c.Id));
        var links = (await db.ListAsync<Link>(
            $"SELECT clinician_id, location_id FROM clinician_locations WHERE clinician_id IN {ids} ORDER BY location_id", parameters, ct))
            .ToLookup(l => l.ClinicianId, l => l.LocationId);
        return clinicians.Select(c => c with { LocationIds = links[c.Id].ToList() }).ToList();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianSession>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianBlock>))]
internal sealed partial class CliniciansJson : JsonSerializerContext;
