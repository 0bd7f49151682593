using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Leap.Server.Benchmark;

namespace Leap.Bench;

/// <summary>Publishes the server in Release once per run.</summary>
public static class ServerBuild
{
    public static async Task<string> PublishAsync()
    {
        var root = RepositoryRoot();
        // One folder per checkout: two checkouts benchmarking at once must not run each other's server.
        var checkout = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..12];
        var output = Path.Combine(Path.GetTempPath(), "leap-bench-server-" + checkout);
        Console.WriteLine("== publishing src/Leap.Server (Release)");
        using var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "Leap.Server"), "-c", "Release", "-o", output, "--nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
        })!;
        var log = await publish.StandardOutput.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet publish failed:\n" + log);
        }
        return Path.Combine(output, "leap.dll");
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Leap.slnx")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Run the benchmark from inside the Leap repository.");
    }
}

/// <summary>The server under test, as its own process (Production settings, logging at Warning).</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;

    private ServerProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public int Pid => process.Id;

    public static async Task<ServerProcess> StartAsync(string serverDll, IReadOnlyDictionary<string, string> environment, int port)
    {
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", [serverDll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        // The limit rows' endpoints (never on outside a benchmark: they take no key).
        start.Environment[LimitEndpoints.Setting.Replace(":", "__", StringComparison.Ordinal)] = "true";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var server = new ServerProcess(Process.Start(start)!, baseUrl);
        // Drain the pipes so a chatty server can never block on a full buffer.
        _ = server.process.StandardOutput.ReadToEndAsync();
        await server.WaitUntilReadyAsync();
        return server;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient();
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await http.GetAsync(BaseUrl + "/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited)
            {
                throw new InvalidOperationException("The server exited: " + await process.StandardError.ReadToEndAsync());
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The server did not become healthy within 30 seconds.");
    }

    /// <summary>The server's peak resident memory (VmHWM), read from /proc.</summary>
    public double PeakMemoryMiB()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
