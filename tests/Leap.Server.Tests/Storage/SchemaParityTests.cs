using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Leap.Server.Tests.Storage;

/// <summary>
/// The SQLite and PostgreSQL migrations are two hand-written folders that must describe one schema: after
/// migrating an empty database of each engine, every table, column (type and nullability), primary key, unique
/// rule, index, foreign key and no-overlap rule must agree, except the engine-specific objects listed in
/// <see cref="SchemaComparison.EngineSpecific"/>.
/// </summary>
public sealed class SchemaParityTests
{
    [Fact]
    public async Task Sqlite_and_postgres_schemas_agree_after_migration()
    {
        Assert.SkipWhen(PostgresServer.ConnectionString is null, $"PostgreSQL tests need {PostgresServer.Variable} (see README).");
        var sqlite = await MigratedSqliteAsync();
        var schema = "parity_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(PostgresServer.ConnectionString!, $"CREATE SCHEMA {schema}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = $"{schema},public", Pooling = false }.ToString();
            await using (var database = Database.Create(new StorageOptions { Provider = Engine.Postgres, PostgresConnectionString = connectionString }, NullLoggerFactory.Instance))
            {
                await database.MigrateAsync(TestContext.Current.CancellationToken);
            }
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            var postgres = await SchemaSnapshot.ReadPostgresAsync(connection, schema);

            var differences = SchemaComparison.Differences(sqlite, postgres);

            Assert.True(differences.Count == 0, "The schemas differ:" + Environment.NewLine + string.Join(Environment.NewLine, differences));
            Assert.NotEmpty(postgres.Tables);
        }
        finally
        {
            await ExecuteAsync(PostgresServer.ConnectionString!, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    /// <summary>The comparison itself can fail: drift of each kind it checks is reported, naming the object.</summary>
    [Fact]
    public async Task Drift_of_a_column_an_index_a_unique_rule_or_a_no_overlap_rule_is_reported()
    {
        var schema = await MigratedSqliteAsync();
        Assert.Empty(SchemaComparison.Differences(schema, schema));

        var appointments = schema.Tables["appointments"];
        var busy = schema.Tables["clinician_busy"];
        var patients = schema.Tables["patients"];
        var drifted = new Dictionary<string, TableShape>(schema.Tables.ToDictionary(t => t.Key, t => t.Value), StringComparer.Ordinal)
        {
            ["appointments"] = appointments with
            {
                Columns = new Dictionary<string, ColumnShape>(appointments.Columns)
                {
                    ["title"] = appointments.Columns["title"] with { Nullable = true },
                    ["start_time"] = appointments.Columns["start_time"] with { Type = "integer" },
                },
                Indexes = appointments.Indexes.Where(i => i.Key != "appointments_patient").ToDictionary(i => i.Key, i => i.Value),
            },
            ["clinician_busy"] = busy with { NoOverlapRules = [] },
            ["patients"] = patients with
            {
                Uniques = [],
                Indexes = patients.Indexes.ToDictionary(i => i.Key, i => i.Key == "patients_tenant" ? i.Value with { Keys = i.Value.Keys.Reverse().ToList() } : i.Value),
            },
        };
        drifted.Remove("holds");

        var differences = SchemaComparison.Differences(schema, new SchemaSnapshot(drifted));

        Assert.Contains("table holds exists on SQLite only", differences);
        Assert.Contains("column appointments.title is NOT NULL on SQLite but nullable on PostgreSQL", differences);
        Assert.Contains("column appointments.start_time is text on SQLite but integer on PostgreSQL", differences);
        Assert.Contains("index appointments.appointments_patient exists on SQLite only", differences);
        Assert.Contains(differences, d => d.StartsWith("clinician_busy has no overlap (clinician_busy_no_overlap_insert", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("patients: unique (org_id, mode, external_id) where ... on SQLite only", StringComparison.Ordinal));
        Assert.Contains(differences, d => d.StartsWith("index patients.patients_tenant is btree (org_id, mode, id) on SQLite but btree (id, mode, org_id)", StringComparison.Ordinal));
        Assert.Equal(8, differences.Count);
    }

    private static async Task<SchemaSnapshot> MigratedSqliteAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "leap-tests", "parity-" + Guid.NewGuid().ToString("N"));
        var path = Path.Combine(directory, "leap.db");
        await using (var database = Database.Create(new StorageOptions { Provider = Engine.Sqlite, SqlitePath = path }, NullLoggerFactory.Instance))
        {
            await database.MigrateAsync(TestContext.Current.CancellationToken);
        }
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var snapshot = await SchemaSnapshot.ReadSqliteAsync(connection);
        await connection.CloseAsync();
        Directory.Delete(directory, recursive: true);
        return snapshot;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
