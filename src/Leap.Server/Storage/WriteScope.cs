using Leap.Server.Accounts;

namespace Leap.Server.Storage;

/// <summary>
/// What one write (one <see cref="Database.WriteAsync{T}"/> work item) has read and will ask for again: a
/// booking records up to three webhook events (episode created, its event, the appointment), and each asked
/// the database which endpoints subscribe. On SQLite every statement runs on the single writer, so a repeated
/// read costs every other request its time. The scope lives for one work item only, never for a whole SQLite
/// batch, so a change made by another request is never served stale; a write that changes the data itself
/// calls <see cref="Forget"/>.
/// </summary>
public sealed class WriteScope
{
    private static readonly AsyncLocal<WriteScope?> current = new();

    private readonly Dictionary<(string Table, Tenant Tenant), object> remembered = [];

    /// <summary>Runs <paramref name="work"/> in a fresh scope (the async boundary ends it when the work ends).</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        current.Value = new WriteScope();
        return await work();
    }

    /// <summary>The tenant's rows of <paramref name="table"/> as read earlier in this write, or read now.</summary>
    public static async Task<T> RememberAsync<T>(string table, Tenant tenant, Func<Task<T>> read) where T : class
    {
        if (current.Value is not { } scope)
        {
            return await read();
        }
        if (scope.remembered.TryGetValue((table, tenant), out var known))
        {
            return (T)known;
        }
        var rows = await read();
        scope.remembered[(table, tenant)] = rows;
        return rows;
    }

    /// <summary>This write changed <paramref name="table"/>: later reads in it go to the database again.</summary>
    public static void Forget(string table)
    {
        if (current.Value is { } scope)
        {
            foreach (var key in scope.remembered.Keys.Where(k => k.Table == table).ToList())
            {
                scope.remembered.Remove(key);
            }
        }
    }
}
