using System.Data.Common;
using System.Text.RegularExpressions;
using Leap.Server.Accounts;

namespace Leap.Server.Storage;

/// <summary>
/// The explicitly named way to work across tenants, for what belongs to no single one or to all of them: looking up
/// an API key before its tenant is known, the organisation list of the command line, housekeeping, the webhook
/// worker, shared rate-limit counts. Every statement is marked with its purpose (<c>/* cross-tenant: ... */</c>),
/// visible in the database's own logs and statistics, and the only statements <see cref="TenantGuard"/> lets past
/// without the tenant rule.
/// </summary>
public sealed partial class CrossTenantDb : SqlSession
{
    private readonly string purpose;
    private readonly string marker;

    internal CrossTenantDb(Database database, string purpose, DbConnection? connection = null, DbTransaction? transaction = null)
        : base(database, connection, transaction)
    {
        if (!Purpose().IsMatch(purpose))
        {
            throw new ArgumentException("A cross-tenant purpose is a few lower-case words, e.g. \"housekeeping\".", nameof(purpose));
        }
        this.purpose = purpose;
        marker = $"{TenantGuard.CrossTenantMarker}{purpose} */ ";
    }

    public Task<T> WriteAsync<T>(Func<CrossTenantDb, Task<T>> work, CancellationToken ct = default) =>
        InWrite ? work(this) : Database.WriteAsync((connection, transaction) => work(Rebind(connection, transaction)), ct);

    /// <summary>
    /// One tenant's view, inside this session's write if it is in one: for cross-tenant work that picks up rows of
    /// every tenant and then acts for each as that tenant alone (the routing worker), so the tenant rule binds again.
    /// </summary>
    public TenantDb ForTenant(Tenant tenant, Actor? actor = null) => new(Database, tenant, actor ?? Actor.System, Connection, Transaction);

    private protected override CrossTenantDb Rebind(DbConnection connection, DbTransaction transaction) => new(Database, purpose, connection, transaction);

    /// <summary>
    /// One statement committed without waiting for the disk where the engine allows it: for bookkeeping whose loss
    /// in a crash is harmless (request counters), never for records.
    /// </summary>
    public Task<T> ScalarRelaxedAsync<T>(string sql, object args, CancellationToken ct = default) =>
        Database.ExecuteScalarRelaxedAsync<T>(Text(sql), args, ct);

    private protected override string Text(string sql) => marker + sql;

    private protected override object? Parameters(object? args) => args;

    [GeneratedRegex("^[a-z][a-z -]{1,40}$")]
    private static partial Regex Purpose();
}
