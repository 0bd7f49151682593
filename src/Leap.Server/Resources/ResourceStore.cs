using Leap.Server.Http;
using Leap.Server.Storage;

namespace Leap.Server.Resources;

public static class ResourceStore
{
    public const string Columns = "id, name, type, location_id, is_active, created_at, updated_at";

    private static readonly string Assignments = SqlColumns.Assignments(Columns);

    public static readonly ListSpec ListSpec = new ListSpec()
        .ExactOrIn("type", "type", ResourceTypes.All)
        .Id("location_id", "location_id", Ids.Location)
        .Bool("is_active", "is_active");

    /// <summary>The resource; inside a write, locked until the transaction ends.</summary>
    public static Task<Resource?> FindAsync(TenantDb db, string id, CancellationToken ct) =>
        db.SingleAsync<Resource>($"SELECT {Columns} FROM resources WHERE id = @id AND {TenantSql.Filter}{db.RowLock(noKey: true)}", new { id }, ct);

    /// <summary>The tenant's resources among <paramref name="ids"/> (missing ones are left out).</summary>
    public static Task<IReadOnlyList<Resource>> FindManyAsync(TenantDb db, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var parameters = new SqlArgs();
        var list = parameters.In("id", ids);
        return db.ListAsync<Resource>($"SELECT {Columns} FROM resources WHERE id IN {list} AND {TenantSql.Filter}", parameters, ct);
    }

    public static Task<Page<Resource>> ListAsync(TenantDb db, ListQuery query, CancellationToken ct) =>
        db.PageAsync<Resource>($"SELECT {Columns} FROM resources WHERE {TenantSql.Filter}{query.Where} ORDER BY id LIMIT @Limit OFFSET @Offset", query, ct);

    public static Task InsertAsync(TenantDb db, Resource resource, CancellationToken ct) =>
        db.ExecuteAsync($"INSERT INTO resources ({TenantSql.Columns}, {Columns}) VALUES ({TenantSql.Values}, {SqlColumns.Values(Columns)})", resource, ct);

    public static Task UpdateAsync(TenantDb db, Resource resource, CancellationToken ct) =>
        db.ExecuteAsync($"UPDATE resources SET {Assignments} WHERE id = @Id AND {TenantSql.Filter}", resource, ct);

    /// <summary>Whether the location is the tenant's, and active.</summary>
    public static Task<bool?> LocationActiveAsync(TenantDb db, string locationId, CancellationToken ct) =>
        db.SingleAsync<bool?>($"SELECT is_active FROM locations WHERE id = @locationId AND {TenantSql.Filter}", new { locationId }, ct);
}
