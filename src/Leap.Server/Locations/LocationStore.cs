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

    public static readonly ListSpec ListSpec = new ListSpec()
        .Bool("is_active", "is_active")
        .Custom("search");

    static LocationStore() => TypeHandlers.AddJson(LocationsJson.Default.OpeningHours);

    public Task<Location?> FindAsync(Tenant tenant, string id, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<Location>(
            $"SELECT {Columns} FROM locations WHERE id = @id AND org_id = @OrgId AND mode = @Mode",
            new { id, tenant.OrgId, tenant.Mode }, ct);

    public async Task<Page<Location>> ListAsync(Tenant tenant, ListQuery query, CancellationToken ct)
    {
        // Postcodes match with or without their space: "sw1a1aa", "SW1A 1AA" and "1aa" all find SW1A 1AA.
        var search = TextSearch.Condition(query, term =>
            $"(LOWER(name) LIKE {term} ESCAPE '\\' OR LOWER(COALESCE(town_city, '')) LIKE {term} ESCAPE '\\' " +
            $"OR REPLACE(LOWER(COALESCE(postcode, '')), ' ', '') LIKE {term} ESCAPE '\\')");
        var rows = await db.QueryAsync<Location>(
            $"SELECT {Columns} FROM locations WHERE org_id = @OrgId AND mode = @Mode{query.Where}{search} ORDER BY id LIMIT @Limit OFFSET @Offset",
            query.Parameters(tenant), ct);
        return query.ToPage(rows);
    }

    public static Task InsertAsync(DbConnection connection, DbTransaction tx, Tenant tenant, Location location, CancellationToken ct)
    {
        var parameters = new DynamicParameters(location);
        parameters.Add("OrgId", tenant.OrgId);
        parameters.Add("Mode", tenant.Mode);
        return connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO locations (org_id, mode, {Columns})
            VALUES (@OrgId, @Mode, @Id, @Name, @AddressLine1, @AddressLine2, @AddressLine3, @TownCity, @Postcode, @Country,
                    @Phone, @Email, @Lat, @Lng, @Timezone, @OpeningHours, @IsPrimary, @IsActive, @CreatedAt, @UpdatedAt)
            """,
            parameters, tx, cancellationToken: ct));
    }

    /// <summary>All of a tenant's locations, for the admin command line.</summary>
    public Task<IReadOnlyList<Location>> AllAsync(Tenant tenant, CancellationToken ct) =>
        db.QueryAsync<Location>($"SELECT {Columns} FROM locations WHERE org_id = @OrgId AND mode = @Mode ORDER BY id", new { tenant.OrgId, tenant.Mode }, ct);

    public Task<int> SetActiveAsync(string id, bool active, DateTimeOffset now, CancellationToken ct) =>
        db.ExecuteAsync("UPDATE locations SET is_active = @active, updated_at = @now WHERE id = @id", new { id, active, now }, ct);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpeningHours))]
[JsonSerializable(typeof(DataEnvelope<Location>))]
[JsonSerializable(typeof(ListEnvelope<Location>))]
internal sealed partial class LocationsJson : JsonSerializerContext;
