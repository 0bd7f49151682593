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

    private const string ClosureColumns = "id, location_id, start_time, end_time, reason, note, created_at";

    private static readonly string Assignments = SqlColumns.Assignments(Columns);

    public static readonly ListSpec ListSpec = new ListSpec()
        .Bool("is_active", "is_active")
        .Custom("search");

    public static readonly ListSpec ClosureListSpec = new ListSpec()
        .ExactOrIn("reason", "reason", Clinicians.ScheduleValues.ClosureReasons)
        .TimeRange("start_time", "start_time")
        .TimeRange("end_time", "end_time");

    static LocationStore() => TypeHandlers.AddJson(LocationsJson.Default.OpeningHours);

    /// <summary>The location, locked until the end of the write when read inside one (PostgreSQL).</summary>
    public static Task<Location?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<Location>($"SELECT {Columns} FROM locations WHERE id = @id AND {TenantSql.Filter}{db.RowLock(noKey: true)}", new { id }, ct);

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
            VALUES ({TenantSql.Values}, {SqlColumns.Values(Columns)})
            """,
            location, ct);

    public static Task UpdateAsync(TenantDb db, Location location, CancellationToken ct) =>
        db.ExecuteAsync($"UPDATE locations SET {Assignments} WHERE id = @Id AND {TenantSql.Filter}", location, ct);

    public static Task<Page<LocationClosure>> ListClosuresAsync(TenantDb db, string locationId, ListQuery query, CancellationToken ct)
    {
        query.AddCondition($"location_id = {query.Bind(locationId)}");
        return db.PageAsync<LocationClosure>(
            $"SELECT {ClosureColumns} FROM location_closures WHERE {TenantSql.Filter}{query.Where} ORDER BY start_time, id LIMIT @Limit OFFSET @Offset", query, ct);
    }

    public static Task<LocationClosure?> FindClosureAsync(TenantDb db, string locationId, string id, CancellationToken ct) =>
        db.SingleAsync<LocationClosure>($"SELECT {ClosureColumns} FROM location_closures WHERE id = @id AND location_id = @locationId AND {TenantSql.Filter}",
            new { id, locationId }, ct);

    public static Task InsertClosureAsync(TenantDb db, LocationClosure closure, CancellationToken ct) =>
        db.ExecuteAsync(
            $"INSERT INTO location_closures ({TenantSql.Columns}, {ClosureColumns}) VALUES ({TenantSql.Values}, {SqlColumns.Values(ClosureColumns)})",
            closure, ct);

    public static Task<int> DeleteClosureAsync(TenantDb db, string id, CancellationToken ct) =>
        db.ExecuteAsync($"DELETE FROM location_closures WHERE id = @id AND {TenantSql.Filter}", new { id }, ct);

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
[JsonSerializable(typeof(DataEnvelope<LocationClosure>))]
[JsonSerializable(typeof(ListEnvelope<LocationClosure>))]
internal sealed partial class LocationsJson : JsonSerializerContext;
