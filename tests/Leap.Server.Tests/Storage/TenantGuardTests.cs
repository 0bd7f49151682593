using Leap.Server.Storage;
using Leap.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Storage;

/// <summary>
/// Tenant isolation by construction: request code reaches data only through a <see cref="TenantDb"/> (which binds the
/// tenant) or the explicitly named <see cref="CrossTenantDb"/>, and every test server runs with the
/// <see cref="TenantGuard"/> on, so any statement of the whole suite that touches a tenant table without the tenant
/// rule fails its request (and so its test), on both engines.
/// </summary>
public abstract class TenantGuardTests(LeapFixture server)
{
    private static readonly HashSet<string> Tables = ["patients", "appointments", "clinician_busy", "episodes"];

    [Theory]
    [InlineData("SELECT id FROM patients WHERE id = @id AND org_id = @OrgId AND mode = @Mode")]
    [InlineData("SELECT p.id FROM patients p JOIN appointments a ON a.patient_id = p.id AND a.org_id = @OrgId AND a.mode = @Mode WHERE p.org_id = @OrgId AND p.mode = @Mode")]
    [InlineData("INSERT INTO appointments (org_id, mode, id) VALUES (@OrgId, @Mode, @Id)")]
    [InlineData("SELECT 1 FROM clinician_busy WHERE org_id = @OrgId AND mode = @Mode UNION ALL SELECT 1 FROM episodes WHERE org_id = @OrgId AND mode = @Mode")]
    [InlineData("DELETE FROM clinician_busy WHERE id = @id AND org_id = @OrgId AND mode = @Mode; INSERT INTO clinician_busy (id, org_id, mode) VALUES (@id, @OrgId, @Mode)")]
    [InlineData("SELECT clinician_id FROM clinician_locations WHERE location_id = @id")]
    [InlineData("/* cross-tenant: housekeeping */ DELETE FROM clinician_busy WHERE expires_at <= @now")]
    public void Statements_with_the_tenant_rule_pass(string sql) => Assert.Null(new TenantGuard(Tables).Examine(sql));

    [Theory]
    [InlineData("SELECT id FROM patients WHERE id = @id", "patients is not filtered")]
    [InlineData("SELECT id FROM patients WHERE id = @id AND org_id = @OrgId", "patients is not filtered")]
    [InlineData("SELECT id FROM patients WHERE id = @id AND org_id = @other AND mode = @Mode", "patients is not filtered")]
    [InlineData("SELECT p.id FROM patients p JOIN appointments a ON a.patient_id = p.id WHERE p.org_id = @OrgId AND p.mode = @Mode", "appointments a is not filtered by a.org_id")]
    [InlineData("SELECT p.id FROM patients p JOIN appointments a ON a.id = @id WHERE org_id = @OrgId AND mode = @Mode", "patients p is not filtered by p.org_id")]
    [InlineData("INSERT INTO appointments (id, title) VALUES (@Id, @Title)", "INSERT INTO appointments does not write")]
    [InlineData("UPDATE episodes SET title = @Title WHERE id = @Id", "episodes is not filtered")]
    [InlineData("DELETE FROM clinician_busy WHERE id = @id", "clinician_busy is not filtered")]
    [InlineData("SELECT 1 FROM episodes WHERE org_id = @OrgId AND mode = @Mode UNION ALL SELECT 1 FROM clinician_busy WHERE id = @id", "clinician_busy is not filtered")]
    [InlineData("SELECT 1; DELETE FROM patients WHERE id = @id", "patients is not filtered")]
    public void A_statement_that_forgets_the_tenant_rule_is_named(string sql, string expected) =>
        Assert.Contains(expected, new TenantGuard(Tables).Examine(sql));

    [Fact]
    public async Task The_suites_servers_check_every_statement_and_refuse_one_without_the_tenant_rule()
    {
        var t = await server.NewTenantAsync();
        var database = server.Services.GetRequiredService<Database>();
        var guard = database.Guard ?? throw new InvalidOperationException("The test server runs without the tenant guard.");
        Assert.Contains("patients", guard.TenantTables);
        Assert.Contains("api_keys", guard.TenantTables);
        Assert.DoesNotContain("organisations", guard.TenantTables);

        var before = guard.StatementsChecked;
        await t.CreatePatientAsync("Guarded", "Person");
        Assert.True(guard.StatementsChecked > before);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Db.ScalarAsync<long>("SELECT COUNT(*) FROM patients"));
        Assert.StartsWith("Tenant rule missing: patients is not filtered by org_id = @OrgId AND mode = @Mode", refused.Message);
        Assert.Equal(1, await t.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM patients WHERE {TenantSql.Filter}"));
    }

    [Fact]
    public async Task A_tenant_session_binds_its_own_tenant_over_any_the_caller_passes()
    {
        var t = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        await other.CreatePatientAsync("Other", "Tenant");
        Assert.Equal(0, await t.Db.ScalarAsync<long>($"SELECT COUNT(*) FROM patients WHERE {TenantSql.Filter}", new { other.OrgId }));
    }

    /// <summary>
    /// The handle is the only door: outside <c>Storage/</c> no server code opens a connection, holds a transaction or
    /// calls Dapper itself.
    /// </summary>
    [Fact]
    public void Server_code_reaches_the_database_only_through_Storage()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Leap.Server"));
        Assert.True(Directory.Exists(root), root);
        string[] forbidden = ["using Dapper;", "DbConnection", "DbTransaction", " OpenAsync(", ".OpenAsync(", "NpgsqlConnection", "SqliteConnection"];
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Storage{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(root, f), Line: i + 1, Text: line)))
            .Where(l => forbidden.Any(word => l.Text.Contains(word, StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, string.Join(Environment.NewLine, offenders));
    }
}

public sealed class TenantGuardTestsOnSqlite(SqliteServer server) : TenantGuardTests(server);
public sealed class TenantGuardTestsOnPostgres(PostgresServer server) : TenantGuardTests(server);
