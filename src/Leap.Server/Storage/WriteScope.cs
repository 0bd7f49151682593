using Leap.Server.Accounts;

namespace Leap.Server.Storage;

/// <summary>
/// One write (one <see cref="Database.WriteAsync{T}"/> work item, one attempt of it): what it has read and will ask
/// for again, and what must happen once it is durably committed.
/// <list type="bullet">
/// <item>Reads: webhook subscribers are looked up for every event a write records, and on SQLite every statement
/// runs on the single writer, so a repeated read costs every other request its time. The scope lives for one work
/// item only, never for a whole SQLite batch, so a change made by another request is never served stale; a write
/// that changes the data itself calls <see cref="Forget"/>.</item>
/// <item>After commit: work queued for later (the routing queue) wakes its worker only once the rows are committed
/// and visible to it (<see cref="AfterCommit"/>); a write that rolls back wakes no one.</item>
/// </list>
/// </summary>
public sealed class WriteScope
{
    private static readonly AsyncLocal<WriteScope?> current = new();

    private readonly Dictionary<(string Table, Tenant Tenant), object> remembered = [];
    private List<Action>? committed;

    /// <summary>Runs <paramref name="work"/> in <paramref name="scope"/> (the async boundary ends it when the work ends).</summary>
    internal static async Task<T> RunAsync<T>(WriteScope scope, Func<Task<T>> work)
    {
        current.Value = scope;
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

    /// <summary>
    /// Runs <paramref name="action"/> once this write is durably committed (not at all if it rolls back, nor for an
    /// attempt that lost to contention and was run again). Outside a write it runs at once.
    /// </summary>
    public static void AfterCommit(Action action)
    {
        if (current.Value is { } scope)
        {
            (scope.committed ??= []).Add(action);
        }
        else
        {
            action();
        }
    }

    /// <summary>Called by the engine once the write's transaction is committed.</summary>
    internal void Committed()
    {
        foreach (var action in committed ?? [])
        {
            action();
        }
    }
}
