using Leap.Server.Storage;

namespace Leap.Server.Cli;

/// <summary>
/// <c>leap backup &lt;file&gt;</c> and <c>leap restore &lt;file&gt;</c> (docs/deploy.md, "Backups"). They work on the
/// database files directly, before anything opens or migrates the database: a backup must not change what it copies,
/// and a restore must have the database to itself.
/// </summary>
public static class BackupCommands
{
    public const string Usage =
        """
          backup <file>                     copy the SQLite database to <file>, consistent, while the server runs
                                            (PostgreSQL: use pg_dump, see docs/deploy.md)
          restore <file>                    replace the SQLite database with a backup; the server must be stopped
        """;

    public static readonly string[] Commands = ["backup", "restore"];

    public static async Task<int> RunAsync(string[] args, StorageOptions storage)
    {
        if (storage.Provider == Engine.Postgres)
        {
            return AdminCommands.Fail(
                $"leap {args[0]} works on SQLite databases. On PostgreSQL, back up with pg_dump (and archive the WAL for point-in-time " +
                "recovery) and restore with pg_restore: see docs/deploy.md, \"Backups\".");
        }
        var backups = new SqliteBackup(Console.WriteLine);
        try
        {
            switch (args)
            {
                case ["backup", var file]:
                    await backups.BackupAsync(storage.SqlitePath, file);
                    return 0;
                case ["restore", var file]:
                    await backups.RestoreAsync(file, storage.SqlitePath);
                    return 0;
                default:
                    return AdminCommands.Fail($"Usage: leap {args[0]} <file>");
            }
        }
        catch (InvalidOperationException e)
        {
            return AdminCommands.Fail($"leap {args[0]}: {e.Message}");
        }
    }
}
