using System.Data.Common;
using System.Text.Json.Serialization;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Clinicians;

public sealed class ClinicianStore(Database db)
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

    public async Task<ClinicianProfile?> FindAsync(Tenant tenant, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var clinician = await connection.QuerySingleOrDefaultAsync<ClinicianProfile>(new CommandDefinition(
            $"SELECT {Columns} FROM clinician_profiles WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, cancellationToken: ct));
        return clinician is null ? null : (await WithLocationsAsync(connection, [clinician], ct))[0];
    }

    public async Task<Page<ClinicianProfile>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        if (query.Raw.TryGetValue("location_id", out var locationId))
        {
            query.AddCondition($"id IN (SELECT clinician_id FROM clinician_locations WHERE location_id = {query.Bind(locationId)})");
        }
        var search = TextSearch.Condition(query, term =>
            $"LOWER(name || ' ' || COALESCE(display_name, '') || ' ' || COALESCE(email, '')) LIKE {term} ESCAPE '\\'");
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<ClinicianProfile>(new CommandDefinition(
            $"SELECT {Columns} FROM clinician_profiles WHERE org_id = @OrgId AND mode = @Mode{query.Where}{search} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), cancellationToken: ct))).AsList();
        return query.ToPage(await WithLocationsAsync(connection, rows, ct));
    }

    /// <summary>All of a tenant's clinicians, for the admin command line.</summary>
    public async Task<IReadOnlyList<ClinicianProfile>> AllAsync(Tenant tenant, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<ClinicianProfile>(new CommandDefinition(
            $"SELECT {Columns} FROM clinician_profiles WHERE org_id = @OrgId AND mode = @Mode ORDER BY id",
            new { tenant.OrgId, tenant.Mode }, cancellationToken: ct))).AsList();
        return await WithLocationsAsync(connection, rows, ct);
    }

    public static async Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, ClinicianProfile clinician, CancellationToken ct)
    {
        var parameters = new DynamicParameters(clinician);
        parameters.Add("OrgId", tenant.OrgId);
        parameters.Add("Mode", tenant.Mode);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO clinician_profiles (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @Name, @DisplayName, @FirstName, @LastName, @Title, @Role, @Email, @Bio, @PhotoUrl,
                    @Qualifications, @RegistrationNumber, @ProfessionalRegistrationBody, @IsActive, @IsBookableOnline,
                    @CreatedAt, @UpdatedAt)
            """,
            parameters, tx, cancellationToken: ct));
        foreach (var locationId in clinician.LocationIds)
        {
            await LinkLocationAsync(connection, tx, clinician.Id, locationId, ct);
        }
    }

    /// <summary>Records that the clinician works at the location (once; linking twice is harmless).</summary>
    public static Task LinkLocationAsync(DbConnection connection, DbTransaction tx, string clinicianId, string locationId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO clinician_locations (clinician_id, location_id) VALUES (@clinicianId, @locationId) ON CONFLICT DO NOTHING",
            new { clinicianId, locationId }, tx, cancellationToken: ct));

    public Task<int> SetActiveAsync(string id, bool active, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE clinician_profiles SET is_active = @active, updated_at = @now WHERE id = @id", new { id, active, now }, ct);

    /// <summary>Fills <see cref="ClinicianProfile.LocationIds"/> for a page of clinicians in one query.</summary>
    private static async Task<IReadOnlyList<ClinicianProfile>> WithLocationsAsync(DbConnection connection, IReadOnlyList<ClinicianProfile> clinicians, CancellationToken ct)
    {
        if (clinicians.Count == 0)
        {
            return clinicians;
        }
        var parameters = new DynamicParameters();
        var ids = SqlList.In(parameters, "id", clinicians.Select(c => c.Id));
        var links = (await connection.QueryAsync<Link>(new CommandDefinition(
            $"SELECT clinician_id, location_id FROM clinician_locations WHERE clinician_id IN {ids} ORDER BY location_id",
            parameters, cancellationToken: ct))).ToLookup(l => l.ClinicianId, l => l.LocationId);
        return clinicians.Select(c => c with { LocationIds = links[c.Id].ToList() }).ToList();
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianSession>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianBlock>))]
internal sealed partial class CliniciansJson : JsonSerializerContext;
