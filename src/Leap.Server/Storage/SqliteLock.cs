namespace Leap.Server.Storage;

/// <summary>
/// Who has a SQLite database open, told by an advisory lock on <c>&lt;database&gt;.lock</c> beside it. Every process
/// that opens the database (a server, an admin command, a backup) holds the lock shared for as long as it has the
/// database open; a restore takes it exclusively, so it only ever replaces a database nobody has open, and nobody
/// opens the database while it is being replaced. The operating system drops a process's lock when the process
/// ends, even on SIGKILL, so a crashed server never leaves a stale lock behind. (On Linux, .NET takes these locks
/// with <c>flock</c> when a file is opened with <see cref="FileShare.None"/> or without it; the database must be on
/// a local disk, as SQLite requires anyway.)
/// </summary>
public static class SqliteLock
{
    public static string PathFor(string databasePath) => Path.GetFullPath(databasePath) + ".lock";

    /// <summary>Marks the database as open by this process; fails while a restore is replacing it.</summary>
    public static IDisposable Shared(string databasePath) =>
        Open(databasePath, FileShare.ReadWrite) ?? throw new InvalidOperationException(
            $"The SQLite database {Path.GetFullPath(databasePath)} is being restored (leap restore holds {PathFor(databasePath)}); start again once the restore has finished.");

    /// <summary>The database for this process alone, or null when a server or another command has it open.</summary>
    public static IDisposable? Exclusive(string databasePath) => Open(databasePath, FileShare.None);

    private static FileStream? Open(string databasePath, FileShare share)
    {
        try
        {
            return new FileStream(PathFor(databasePath), FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return null;
        }
    }
}
