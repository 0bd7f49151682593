using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Leap.Server.Storage;

/// <summary>
/// <c>leap backup</c> and <c>leap restore</c> for SQLite (docs/deploy.md, "Backups").
/// <para>
/// A backup is SQLite's online backup API run in one step: one read transaction copies every page of the database
/// as it was when the step began, while the server goes on writing (in WAL mode a reader never blocks the writer).
/// Every write acknowledged before the backup started is in it. The alternatives were weighed: VACUUM INTO gives
/// the same snapshot but rebuilds every table and index, CPU the server needs under load; the backup API in
/// several small steps would start over whenever the server commits, so under steady load it might never finish.
/// The copy is written beside its final name, checked with <c>PRAGMA integrity_check</c>, turned into a single
/// self-contained file (rollback journal mode) and only then given its name: a file with that name is complete.
/// </para>
/// <para>
/// A restore replaces the database only while nobody has it open (<see cref="SqliteLock"/>), and only with a file
/// that is an intact Leap database this version can run. The database it replaces is kept beside it, renamed.
/// </para>
/// </summary>
public sealed class SqliteBackup(Action<string> progress)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task BackupAsync(string databasePath, string backupPath, CancellationToken ct = default)
    {
        var source = Path.GetFullPath(databasePath);
        var target = Path.GetFullPath(backupPath);
        if (!File.Exists(source))
        {
            throw new InvalidOperationException($"There is no SQLite database at {source} (Storage:Sqlite:Path).");
        }
        if (File.Exists(target))
        {
            throw new InvalidOperationException($"{target} already exists: a backup never overwrites a file; name a new one.");
        }
        using var inUse = SqliteLock.Shared(source);
        var partial = target + ".partial";
        File.Delete(partial);
        try
        {
            await using (var from = await OpenAsync(source, SqliteOpenMode.ReadWrite, ct))
            await using (var to = await OpenAsync(partial, SqliteOpenMode.ReadWriteCreate, ct))
            {
                var size = await from.ExecuteScalarAsync<long>("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
                progress($"Backing up {source} ({Mebibytes(size)}) to {target}");
                await WithProgressAsync(Task.Run(() => from.BackupDatabase(to), ct), () => $"  copied {Mebibytes(Length(partial))} of {Mebibytes(size)}");
                // The copy carries the source's WAL flag; a backup is one file, not a file and its log.
                await to.ExecuteAsync("PRAGMA journal_mode = DELETE");
                progress("Checking the copy (PRAGMA integrity_check)");
                var contents = await CheckAsync(to, ct) ?? throw new InvalidOperationException("The copy failed its check; the database was not backed up.");
                progress($"  intact: {contents}");
            }
            Flush(partial);
            File.Move(partial, target);
        }
        finally
        {
            File.Delete(partial);
        }
        progress($"Backed up to {target} ({Mebibytes(Length(target))}). Restore it with: leap restore {target}");
    }

    /// <summary>Replaces the database at <paramref name="databasePath"/> with <paramref name="backupPath"/>; returns where the replaced database was kept, if there was one.</summary>
    public async Task<string?> RestoreAsync(string backupPath, string databasePath, CancellationToken ct = default)
    {
        var backup = Path.GetFullPath(backupPath);
        var target = Path.GetFullPath(databasePath);
        if (!File.Exists(backup))
        {
            throw new InvalidOperationException($"There is no file {backup}.");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var alone = SqliteLock.Exclusive(target) ?? throw new InvalidOperationException(
            $"The database {target} is in use by a running Leap server or command (they hold {SqliteLock.PathFor(target)}): stop it, then restore.");

        var staging = target + ".restoring";
        File.Delete(staging);
        try
        {
            progress($"Copying {backup} ({Mebibytes(Length(backup))}) to {staging}");
            await WithProgressAsync(CopyAsync(backup, staging, ct), () => $"  copied {Mebibytes(Length(staging))} of {Mebibytes(Length(backup))}");
            progress("Checking it (PRAGMA integrity_check and the Leap schema)");
            var contents = await ValidateAsync(staging, ct);
            progress($"  intact: {contents}");

            string? replaced = null;
            if (File.Exists(target))
            {
                // The database and its log move together: the log may hold commits its main file does not have yet.
                replaced = $"{target}.replaced-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
                foreach (var suffix in new[] { "", "-wal", "-shm" })
                {
                    if (File.Exists(target + suffix))
                    {
                        File.Move(target + suffix, replaced + suffix);
                    }
                }
            }
            File.Move(staging, target);
            progress($"Restored {backup} into {target}." + (replaced is null ? "" : $" The database it replaced is kept as {replaced}."));
            return replaced;
        }
        finally
        {
            File.Delete(staging);
        }
    }

    /// <summary>What the file holds, or an exception saying why it is not an intact Leap database this version can run.</summary>
    private static async Task<string> ValidateAsync(string path, CancellationToken ct)
    {
        var header = new byte[16];
        await using (var file = File.OpenRead(path))
        {
            if (await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct) < header.Length
                || !header.AsSpan().SequenceEqual("SQLite format 3\0"u8))
            {
                throw new InvalidOperationException("The file is not a SQLite database, so not a Leap backup; nothing was changed.");
            }
        }
        await using var connection = await OpenAsync(path, SqliteOpenMode.ReadWrite, ct);
        try
        {
            var contents = await CheckAsync(connection, ct)
                ?? throw new InvalidOperationException("The file is damaged (PRAGMA integrity_check failed); nothing was changed.");
            var known = Migrator.For(Engine.Sqlite).ToDictionary(m => m.Version, m => m.Name);
            var applied = await connection.QueryAsync<(long Version, string Name)>("SELECT version, name FROM schema_migrations ORDER BY version");
            var unknown = applied.FirstOrDefault(m => !known.TryGetValue((int)m.Version, out var name) || name != m.Name);
            if (unknown.Name is not null)
            {
                throw new InvalidOperationException(
                    $"The backup was made by another Leap version (migration {unknown.Name} is not one of this version's); restore it with that version.");
            }
            return contents;
        }
        catch (SqliteException e)
        {
            throw new InvalidOperationException($"The file is not a Leap database ({e.Message}); nothing was changed.", e);
        }
    }

    /// <summary>A summary of the contents when <c>PRAGMA integrity_check</c> passes, null when it does not.</summary>
    private static async Task<string?> CheckAsync(SqliteConnection connection, CancellationToken ct)
    {
        var problems = (await connection.QueryAsync<string>(new CommandDefinition("PRAGMA integrity_check", cancellationToken: ct))).AsList();
        if (problems is not ["ok"])
        {
            return null;
        }
        var migration = await connection.ExecuteScalarAsync<string?>("SELECT name FROM schema_migrations ORDER BY version DESC LIMIT 1");
        var organisations = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM organisations");
        var appointments = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM appointments");
        return string.Create(CultureInfo.InvariantCulture, $"schema {migration}, {organisations:N0} organisations, {appointments:N0} appointments");
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken ct)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task CopyAsync(string from, string to, CancellationToken ct)
    {
        await using (var source = File.OpenRead(from))
        await using (var destination = new FileStream(to, FileMode.CreateNew, FileAccess.Write))
        {
            await source.CopyToAsync(destination, ct);
        }
        Flush(to);
    }

    /// <summary>Waits for <paramref name="work"/>, reporting how far it got every second while it runs.</summary>
    private async Task WithProgressAsync(Task work, Func<string> status)
    {
        while (await Task.WhenAny(work, Task.Delay(ProgressInterval)) != work)
        {
            progress(status());
        }
        await work;
    }

    /// <summary>Forces the file to the disk before it is given its final name.</summary>
    private static void Flush(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Flush(flushToDisk: true);
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static string Mebibytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N1} MiB");
}
