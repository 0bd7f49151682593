using System.Text.Json.Serialization;
using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Locations;

public static class LocationStore
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

    public static Task<Location?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<Location>($"SELECT {Columns} FROM locations WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

    public static Task<Page<Location>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct)
    {
        // Postcodes match with or without their space: "sw1a1aa", "SW1A 1AA" and "1aa" all find SW1A 1AA.
        var search = TextSearch.Condition(query, term =>
            $"(LOWER(name) LIKE {term} ESCAPE '\\' OR LOWER(COALESCE(town_city, '')) LIKE {term} ESCAPE '\\' " +
            $"OR REPLACE(LOWER(COALESCE(postcode, '')), ' ', '') LIKE {term} ESCAPE '\\')");
        return db.PageAsync<Location>(
            $"SELECT {Columns} FROM locations WHERE {TenantSql.Filter}{query.Where}{search} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);
    }

    public static Task InsertAsync(TenantDb db, Location location, CancellationToken ct) =>
        db.ExecuteAsync(
            $"""
            INSERT INTO locations ({TenantSql.Columns}, {Columns})
            VALUES ({TenantSql.Values}, @Id, @Name, @AddressLine1, @AddressLine2, @AddressLine3, @TownCity, @Postcode, @Country,
                    @Phone, @Email, @Lat, @Lng, @Timezone, @OpeningHours, @IsPrimary, @IsActive, @CreatedAt, @UpdatedAt)
            """,
            location, ct);

    /// <summary>All of a tenant's locations, for the admin command line.</summary>
    public static Task<IReadOnlyList<Location>> AllAsync(TenantDb db, CancellationToken ct) =>
        db.ListAsync<Location>($"SELECT {Columns} FROM locations WHERE {TenantSql.Filter} ORDER BY id", null, ct);

    public static Task<int> SetActiveAsync(TenantDb db, string id, bool active, DateTimeOffset now, CancellationToken ct) =>
        db.WriteAsync($"UPDATE locations SET is_active = @active, updated_at = @now WHERE id = @id AND {TenantSql.Filter}", new { id, active, now }, ct);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpeningHours))]
[JsonSerializable(typeof(DataEnvelope<Location>))]
[JsonSerializable(typeof(ListEnvelope<Location>))]
internal sealed partial class LocationsJson : JsonSerializerContext;
