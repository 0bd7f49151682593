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

    public Task<ClinicianProfile?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ClinicianProfile>(
            $"SELECT {Columns} FROM clinician_profiles WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static async Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, ClinicianProfile clinician, CancellationToken ct)
    {
        var parameters = tenant.With(clinician);
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
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO clinician_locations (clinician_id, location_id) VALUES (@clinicianId, @locationId)",
                new { clinicianId = clinician.Id, locationId }, tx, cancellationToken: ct));
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DataEnvelope<ClinicianProfile>))]
[JsonSerializable(typeof(ListEnvelope<ClinicianProfile>))]
internal sealed partial class CliniciansJson : JsonSerializerContext;
