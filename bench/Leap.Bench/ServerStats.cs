using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Leap.Bench;

/// <summary>
/// What the server (and, on PostgreSQL, the database) spent between two samples: CPU time of each, the server's
/// time inside write transactions (on SQLite the single writer's busy time) and its database commands (on
/// PostgreSQL each one round trip), read from the server's <c>/_bench/stats</c> and from /proc.
/// </summary>
public sealed record ServerStats(long Commands, long WriteMicroseconds, long CpuMicroseconds, long DatabaseCpuMicroseconds, long Queued)
{
    public static ServerStats operator -(ServerStats after, ServerStats before) => new(
        after.Commands - before.Commands, after.WriteMicroseconds - before.WriteMicroseconds, after.CpuMicroseconds - before.CpuMicroseconds,
        after.DatabaseCpuMicroseconds - before.DatabaseCpuMicroseconds, after.Queued);

    public static async Task<ServerStats> SampleAsync(HttpClient http, DatabaseProcesses? database)
    {
        var stats = await http.GetFromJsonAsync<JsonElement>("/_bench/stats");
        return new ServerStats(stats.GetProperty("commands").GetInt64(), stats.GetProperty("write_microseconds").GetInt64(),
            stats.GetProperty("cpu_microseconds").GetInt64(), database?.CpuMicroseconds() ?? 0, stats.GetProperty("queued").GetInt64());
    }

    /// <summary>Waits until the server has routed every queued change (the bookings' pathway and webhook work) and sent every message due (their confirmations); returns how long that took.</summary>
    public static async Task<TimeSpan> DrainAsync(HttpClient http)
    {
        var started = DateTime.UtcNow;
        while ((await SampleAsync(http, null)).Queued > 0)
        {
            if (DateTime.UtcNow - started > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("The server did not route its queued changes within 10 minutes.");
            }
            await Task.Delay(20);
        }
        return DateTime.UtcNow - started;
    }
}

/// <summary>The PostgreSQL cluster's processes (the postmaster and its children), found from a backend's parent.</summary>
public sealed class DatabaseProcesses(int postmaster)
{
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / 100; // USER_HZ

    public static async Task<DatabaseProcesses> FindAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        return new DatabaseProcesses(Stat(backend)!.Value.ParentId);
    }

    /// <summary>CPU time of the cluster so far: the postmaster (with its reaped children) and every live child.</summary>
    public long CpuMicroseconds()
    {
        var ticks = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } stat && (pid == postmaster || stat.ParentId == postmaster))
            {
                ticks += stat.Ticks;
            }
        }
        return (long)(ticks * MicrosecondsPerTick);
    }

    /// <summary>From /proc/PID/stat: the parent and utime + stime (+ cutime + cstime: children already reaped).</summary>
    private static (int ParentId, long Ticks)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return ((int)Field(4), Field(14) + Field(15) + Field(16) + Field(17));
    }
}
