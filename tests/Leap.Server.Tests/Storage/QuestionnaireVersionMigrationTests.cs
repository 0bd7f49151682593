using System.Data.Common;
using Dapper;
using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Leap.Server.Tests.Storage;

/// <summary>
/// Migration 0011 on a database holding questionnaires from before it: existing templates become version 1 (kept
/// as a version with their questions), existing responses answer version 1, and a response naming a version that
/// does not exist is refused by the database.
/// </summary>
public sealed class QuestionnaireVersionMigrationTests
{
    private const int VersionsMigration = 11;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqlite_templates_become_version_1_and_responses_answer_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "leap-tests", "migration-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "leap.db"), Pooling = false }.ToString();
        try
        {
            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync(Ct);
                await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
                await MigrateBeforeAndAddDataAsync(connection, Engine.Sqlite);
            }
            await CheckMigratedAsync(new StorageOptions { Provider = Engine.Sqlite, SqlitePath = Path.Combine(directory, "leap.db") }, async () =>
            {
                var connection = new SqliteConnection(connectionString);
                await connection.OpenAsync(Ct);
                await connection.ExecuteAsync("PRAGMA foreign_keys = ON");
                return connection;
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_templates_become_version_1_and_responses_answer_it()
    {
        Assert.SkipWhen(PostgresServer.ConnectionString is null, $"PostgreSQL tests need {PostgresServer.Variable} (see README).");
        var schema = "migration_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(PostgresServer.ConnectionString))
        {
            await admin.ExecuteAsync($"CREATE SCHEMA {schema}");
        }
        var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = $"{schema},public", Pooling = false }.ToString();
        try
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync(Ct);
                await MigrateBeforeAndAddDataAsync(connection, Engine.Postgres);
            }
            await CheckMigratedAsync(new StorageOptions { Provider = Engine.Postgres, PostgresConnectionString = connectionString }, async () =>
            {
                var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(Ct);
                return connection;
            });
        }
        finally
        {
            await using var admin = new NpgsqlConnection(PostgresServer.ConnectionString);
            await admin.ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
        }
    }

    /// <summary>The schema as it was before 0011, holding an organisation's template (at version 3, as an admin tool may have left it) and a response to it.</summary>
    private static async Task MigrateBeforeAndAddDataAsync(DbConnection connection, Engine engine)
    {
        await connection.ExecuteAsync("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        foreach (var migration in Migrator.For(engine).Where(m => m.Version < VersionsMigration))
        {
            await connection.ExecuteAsync(migration.Sql);
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, '2026-01-01T00:00:00Z')",
                new { migration.Version, migration.Name });
        }
        var truth = engine == Engine.Sqlite ? "1" : "TRUE";
        await connection.ExecuteAsync(
            $$"""
            INSERT INTO organisations (id, name, created_at) VALUES ('org_old', 'Old Practice', '2026-01-01T00:00:00Z');
            INSERT INTO questionnaire_templates (id, org_id, mode, questionnaire_id, title, description, schema, category, tags, is_clinical, version,
              is_active, key, created_at, updated_at)
            VALUES ('qt_old', 'org_old', 'test', 'q_old', 'Old form', 'From before versions', '{"fields":[{"key":"ok","label":"OK?","type":"boolean"}]}',
              NULL, '[]', {{truth}}, 3, {{truth}}, 'old_form', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');
            INSERT INTO questionnaire_responses (id, org_id, mode, questionnaire_id, responses, submitted_at, submitted_by_patient, is_pre_booking,
              created_at, updated_at)
            VALUES ('qr_old', 'org_old', 'test', 'qt_old', '{"ok":true}', '2026-01-03T00:00:00Z', {{truth}}, {{truth}}, '2026-01-03T00:00:00Z', '2026-01-03T00:00:00Z');
            """);
    }

    private static async Task CheckMigratedAsync(StorageOptions options, Func<Task<DbConnection>> open)
    {
        await using (var database = Database.Create(options, NullLoggerFactory.Instance))
        {
            await database.MigrateAsync(Ct);
        }
        await using var connection = await open();
        Assert.Equal(1, await connection.QuerySingleAsync<int>("SELECT version FROM questionnaire_templates WHERE id = 'qt_old'"));
        Assert.Equal(1, await connection.QuerySingleAsync<int>("SELECT questionnaire_version FROM questionnaire_responses WHERE id = 'qr_old'"));
        Assert.Equal(["qt_0190b2a0-0000-7000-8000-000000000001@1", "qt_0190b2a0-0000-7000-8000-000000000002@1", "qt_0190b2a0-0000-7000-8000-000000000003@1", "qt_old@1"],
            await connection.QueryAsync<string>("SELECT template_id || '@' || version FROM questionnaire_template_versions ORDER BY template_id, version"));
        var kept = await connection.QuerySingleAsync<(string Title, string Schema)>(
            "SELECT title, schema FROM questionnaire_template_versions WHERE template_id = 'qt_old'");
        Assert.Equal("Old form", kept.Title);
        Assert.Contains("\"ok\"", kept.Schema);
        Assert.Equal("{\"ok\":true}", await connection.QuerySingleAsync<string>("SELECT responses FROM questionnaire_responses WHERE id = 'qr_old'"));

        var refused = await Record.ExceptionAsync(() => connection.ExecuteAsync(
            """
            INSERT INTO questionnaire_responses (id, org_id, mode, questionnaire_id, questionnaire_version, responses, submitted_at, submitted_by_patient,
              is_pre_booking, created_at, updated_at)
            VALUES ('qr_new', 'org_old', 'test', 'qt_old', 2, '{}', '2026-01-04T00:00:00Z', FALSE, FALSE, '2026-01-04T00:00:00Z', '2026-01-04T00:00:00Z')
            """));
        Assert.NotNull(refused);
        Assert.Contains("foreign key", refused.Message, StringComparison.OrdinalIgnoreCase);
    }
}
