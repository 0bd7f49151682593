using System.Data.Common;
using System.Reflection;
using Dapper;
using Leap.Server.Accounts;
using Leap.Server.Http;

namespace Leap.Server.Storage;

/// <summary>
/// The database as one tenant (organisation and mode) sees it: the only way a request's code reaches its data.
/// Every statement sent through it has <c>@OrgId</c> and <c>@Mode</c> bound to the tenant, so a store cannot pass
/// another tenant's; its SQL names them with <see cref="TenantSql"/>, and in the test suite
/// <see cref="TenantGuard"/> refuses any statement that touches a tenant table without them. Handlers take it as
/// a parameter (bound from the authenticated caller).
/// </summary>
public sealed class TenantDb : SqlSession
{
    internal TenantDb(Database database, Tenant tenant, Actor actor, DbConnection? connection = null, DbTransaction? transaction = null)
        : base(database, connection, transaction)
    {
        Tenant = tenant;
        Actor = actor;
    }

    public Tenant Tenant { get; }

    /// <summary>Who the changes made through this session are by: recorded with their webhook events and routing.</summary>
    public Actor Actor { get; }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and returns once it is durably committed; if it throws,
    /// nothing it wrote survives. Contention (deadlocks, serialization failures) reruns it (see <see cref="Database"/>).
    /// </summary>
    public Task<T> WriteAsync<T>(Func<TenantDb, Task<T>> work, CancellationToken ct = default) =>
        InWrite ? work(this) : Database.WriteAsync((connection, transaction) => work(Rebind(connection, transaction)), ct);

    /// <summary>The same tenant and connection, its changes made by <paramref name="actor"/>.</summary>
    public TenantDb As(Actor actor) => new(Database, Tenant, actor, Connection, Transaction);

    private protected override TenantDb Rebind(DbConnection connection, DbTransaction transaction) => new(Database, Tenant, Actor, connection, transaction);

    /// <summary>A page of a list: <paramref name="sql"/> ends with <c>LIMIT @Limit OFFSET @Offset</c>.</summary>
    public async Task<Page<T>> PageAsync<T>(string sql, ListQuery query, CancellationToken ct) =>
        query.ToPage(await ListAsync<T>(sql, query.Parameters(), ct));

    /// <summary>
    /// Makes transactions of this tenant that take the same <paramref name="key"/> run one after another (until
    /// they end): for rules about rows that do not exist yet, which no row lock can cover. PostgreSQL only;
    /// SQLite's single writer already runs every write alone.
    /// </summary>
    public Task SerializeAsync(string key, CancellationToken ct) => SerializeOnAsync($"{Tenant.OrgId}/{Tenant.Mode}/{key}", ct);

    private protected override string Text(string sql) => sql;

    private protected override object Parameters(object? args)
    {
        var parameters = args as DynamicParameters ?? new DynamicParameters(args);
        parameters.Add("OrgId", Tenant.OrgId);
        parameters.Add("Mode", Tenant.Mode);
        return parameters;
    }

    /// <summary>Minimal API binding: the authenticated caller's tenant, acting as the caller.</summary>
    public static ValueTask<TenantDb?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult<TenantDb?>(For(context));

    internal static TenantDb For(HttpContext context)
    {
        var caller = Caller.Of(context) ?? throw new InvalidOperationException("Endpoint has no RequiredScope metadata.");
        return context.RequestServices.GetRequiredService<Database>().ForTenant(caller.Tenant, caller.Actor);
    }
}

/// <summary>The tenant rule as SQL text, so every store spells it the same way (and the guard can read it).</summary>
public static class TenantSql
{
    /// <summary>For a statement about one tenant table: <c>WHERE id = @id AND {TenantSql.Filter}</c>.</summary>
    public const string Filter = "org_id = @OrgId AND mode = @Mode";

    /// <summary>The columns and values an INSERT into a tenant table starts with.</summary>
    public const string Columns = "org_id, mode";
    public const string Values = "@OrgId, @Mode";

    /// <summary>For one table of a join: <c>p.org_id = @OrgId AND p.mode = @Mode</c>.</summary>
    public static string Of(string alias) => $"{alias}.org_id = @OrgId AND {alias}.mode = @Mode";
}
