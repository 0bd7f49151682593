namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// A test class whose tests race two real server processes on the one PostgreSQL database: the pair is started once
/// for the class (not at all when PostgreSQL is unavailable, and the tests then skip).
/// </summary>
public abstract class TwoProcessTests(PostgresServer database) : IAsyncLifetime
{
    private ServerPair? servers;

    protected PostgresServer Postgres => database;

    protected ServerPair Servers => servers ?? throw new InvalidOperationException("The two server processes were not started: PostgreSQL is unavailable.");

    /// <summary>The settings both processes start with: the database's, unless a class needs more.</summary>
    protected virtual Dictionary<string, string?> ProcessSettings() => database.StorageSettings();

    public async ValueTask InitializeAsync()
    {
        if (database.Unavailable is null)
        {
            servers = await ServerPair.StartAsync(ProcessSettings());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (servers is not null)
        {
            await servers.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
