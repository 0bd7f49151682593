using System.Data.Common;
using System.Reflection;
using Dapper;

namespace Leap.Server.Storage;

/// <summary>
/// Applies the numbered SQL files embedded from <c>Storage/Migrations/{engine}/NNNN_name.sql</c> in order,
/// each once, recording them in <c>schema_migrations</c>. Runs inside the caller's transaction.
/// </summary>
public static class Migrator
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> For(Engine engine)
    {
        var folder = engine == Engine.Sqlite ? "sqlite" : "postgres";
        var prefix = $"migrations/{folder}/";
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Select(name => name.Replace('\\', '/'))
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(name =>
            {
                var file = name[prefix.Length..^".sql".Length];
                using var stream = assembly.GetManifestResourceStream(name) ?? assembly.GetManifestResourceStream(name.Replace('/', '\\'))!;
                using var reader = new StreamReader(stream);
                return new Migration(int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture), file, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    public static async Task<int> ApplyAsync(DbConnection connection, DbTransaction tx, Engine engine, ILogger logger, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            transaction: tx, cancellationToken: ct));
        var applied = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT version FROM schema_migrations", transaction: tx, cancellationToken: ct))).ToHashSet();
        var count = 0;
        foreach (var migration in For(engine).Where(m => !applied.Contains(m.Version)))
        {
            logger.LogInformation("Applying migration {Name} ({Engine})", migration.Name, engine);
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToString("O") },
                tx, cancellationToken: ct));
            count++;
        }
        return count;
    }
}
