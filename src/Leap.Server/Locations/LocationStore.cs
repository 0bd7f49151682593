using System.Data.Common;
using System.Text.Json.Serialization;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Locations;

public sealed class LocationStore(Database db)
{
    public const string Columns =
        """
        id, name, address_line_1, address_line_2, address_line_3, town_city, postcode, country, phone, email, lat, lng,
        timezone, opening_hours, is_primary, is_active, created_at, updated_at
        """;

    static LocationStore() => TypeHandlers.AddJson(LocationsJson.Default.OpeningHours);

    public Task<Location?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Location>(
            $"SELECT {Columns} FROM locations WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Location location, CancellationToken ct)
    {
        var parameters = tenant.With(location);
        return connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO locations (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @Name, @AddressLine1, @AddressLine2, @AddressLine3, @TownCity, @Postcode, @Country,
                    @Phone, @Email, @Lat, @Lng, @Timezone, @OpeningHours, @IsPrimary, @IsActive, @CreatedAt, @UpdatedAt)
            """,
            parameters, tx, cancellationToken: ct));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpeningHours))]
[JsonSerializable(typeof(DataEnvelope<Location>))]
[JsonSerializable(typeof(ListEnvelope<Location>))]
internal sealed partial class LocationsJson : JsonSerializerContext;
