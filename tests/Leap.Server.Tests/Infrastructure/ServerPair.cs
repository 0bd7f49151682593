namespace Leap.Server.Tests.Infrastructure;

/// <summary>Two real server processes on one database, as behind a load balancer; requests alternate between them.</summary>
public sealed class ServerPair(ServerProcess first, ServerProcess second) : IAsyncDisposable
{
    public static async Task<ServerPair> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var servers = await Task.WhenAll(ServerProcess.StartAsync(settings), ServerProcess.StartAsync(settings));
        return new ServerPair(servers[0], servers[1]);
    }

    /// <summary>The tenant's key, talking to the first process (A) and to the second (B).</summary>
    public (ApiClient A, ApiClient B) Clients(TestTenant t) => (t.Api.Via(first.CreateHttpClient()), t.Api.Via(second.CreateHttpClient()));

    /// <summary>Both processes' logs.</summary>
    public IEnumerable<string> Output => first.Output.Concat(second.Output);

    public async ValueTask DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }
}
