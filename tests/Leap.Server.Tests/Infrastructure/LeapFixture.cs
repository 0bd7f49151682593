using Leap.Server.Accounts;
using Leap.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// One running server on one engine. Tests share it and stay independent by each creating their own
/// organisation (tenant). The same test classes run against every engine (see <see cref="SqliteServer"/>
/// and <see cref="PostgresServer"/>).
/// </summary>
public abstract class LeapFixture : IAsyncLifetime
{
    private LeapAppFactory? factory;
    private HttpClient? http;

    public abstract Engine Engine { get; }

    /// <summary>Why this engine cannot run here, or null when it can.</summary>
    public abstract string? Unavailable { get; }

    public LeapAppFactory Factory => factory ?? throw new InvalidOperationException("Server not started.");
    public IServiceProvider Services => Factory.Services;
    public string BaseUrl { get; private set; } = "";

    /// <summary>Settings that point a server at this fixture's database (for tests that start their own).</summary>
    public abstract Dictionary<string, string?> StorageSettings();

    public virtual async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }
        await PrepareDatabaseAsync();
        factory = new LeapAppFactory(StorageSettings());
        BaseUrl = factory.BaseUrl;
        http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
    }

    protected virtual Task PrepareDatabaseAsync() => Task.CompletedTask;

    /// <summary>Settings for a database of its own (an empty one, dropped with the fixture).</summary>
    protected abstract Dictionary<string, string?> IsolatedStorageSettings();

    /// <summary>
    /// Settings for an empty database of its own (dropped with the fixture), for a test that starts one server
    /// after another on it (restarts) or must not share its database with tests running beside it.
    /// </summary>
    public Dictionary<string, string?> NewIsolatedDatabase()
    {
        Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");
        var settings = IsolatedStorageSettings();
        settings["Housekeeping:Enabled"] = "false";
        return settings;
    }

    /// <summary>
    /// A server with a database of its own: for tests whose actions are global to a database (purging
    /// everything expired under a moved clock) and must not disturb tests running beside them.
    /// </summary>
    public (LeapAppFactory Server, AccountStore Accounts) StartIsolatedServer(Action<IServiceCollection>? services = null)
    {
        var isolated = new LeapAppFactory(NewIsolatedDatabase(), services);
        _ = isolated.BaseUrl;
        return (isolated, isolated.Services.GetRequiredService<AccountStore>());
    }

    /// <summary>
    /// Another server on this fixture's database, with extra settings or services (a fake clock, a low limit):
    /// for restarts, several processes, or configuration the shared server must not have.
    /// </summary>
    public LeapAppFactory StartAnotherServer(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");
        var all = StorageSettings();
        // Servers with a moved clock or other settings would purge what the others still use, or take and send
        // their webhook deliveries (signed with the wrong time, refused by another address rule): they share
        // the database, so only the shared server delivers.
        all["Housekeeping:Enabled"] = "false";
        all["Webhooks:DeliveryEnabled"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var another = new LeapAppFactory(all, services);
        _ = another.BaseUrl;
        return another;
    }

    public virtual async ValueTask DisposeAsync()
    {
        http?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh organisation with a key (all scopes, test mode, a generous rate limit unless told).</summary>
    public async Task<TestTenant> NewTenantAsync(IEnumerable<string>? scopes = null, string mode = Modes.Test, int rateLimitPerHour = 1_000_000)
    {
        Assert.SkipWhen(Unavailable is not null, Unavailable ?? "");
        var accounts = Services.GetRequiredService<AccountStore>();
        var organisation = await accounts.CreateOrganisationAsync("Test org " + Guid.NewGuid().ToString("N")[..8]);
        var tenant = new TestTenant(this, organisation.Id, http!);
        await tenant.InitialiseAsync(scopes ?? Scopes.All, mode, rateLimitPerHour);
        return tenant;
    }
}

public sealed class SqliteServer : LeapFixture
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "leap-tests", Guid.NewGuid().ToString("N"));

    public override Engine Engine => Engine.Sqlite;
    public override string? Unavailable => null;
    public string DatabasePath => Path.Combine(directory, "leap.db");

    public override Dictionary<string, string?> StorageSettings() => new()
    {
        ["Storage:Provider"] = "sqlite",
        ["Storage:Sqlite:Path"] = DatabasePath,
    };

    protected override Dictionary<string, string?> IsolatedStorageSettings() => new()
    {
        ["Storage:Provider"] = "sqlite",
        ["Storage:Sqlite:Path"] = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db"),
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finishing background task is harmless in the temp folder.
        }
    }
}

/// <summary>
/// PostgreSQL from <c>LEAP_TEST_POSTGRES</c> (a connection string; <c>.ci/run</c> starts a throwaway server).
/// Each fixture works in a schema of its own, dropped at the end, so runs never see each other's rows.
/// Without the variable every PostgreSQL test is reported as skipped.
/// </summary>
public sealed class PostgresServer : LeapFixture
{
    public const string Variable = "LEAP_TEST_POSTGRES";
    private readonly string schema = "leaptest_" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<string> isolatedSchemas = [];

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public override Engine Engine => Engine.Postgres;

    public override string? Unavailable => ConnectionString is null ? $"PostgreSQL tests need {Variable} (see README)." : null;

    public string SchemaConnectionString => ConnectionStringFor(schema);

    public override Dictionary<string, string?> StorageSettings() => new()
    {
        ["Storage:Provider"] = "postgres",
        ["Storage:Postgres"] = SchemaConnectionString,
    };

    protected override Dictionary<string, string?> IsolatedStorageSettings()
    {
        var isolated = "leaptest_" + Guid.NewGuid().ToString("N")[..12];
        Execute($"CREATE SCHEMA {isolated}");
        lock (isolatedSchemas)
        {
            isolatedSchemas.Add(isolated);
        }
        return new() { ["Storage:Provider"] = "postgres", ["Storage:Postgres"] = ConnectionStringFor(isolated) };
    }

    protected override Task PrepareDatabaseAsync()
    {
        Execute($"CREATE SCHEMA {schema}");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Small pools: the suite runs many servers at once against one PostgreSQL (max_connections 200), and a
    /// race of 50 or 100 requests only needs them to queue, not a connection each.
    /// </summary>
    private static string ConnectionStringFor(string schemaName) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = $"{schemaName},public", MaxPoolSize = 20 }.ToString();

    private static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ConnectionString is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        foreach (var name in isolatedSchemas.Append(schema))
        {
            Execute($"DROP SCHEMA IF EXISTS {name} CASCADE");
        }
    }
}
