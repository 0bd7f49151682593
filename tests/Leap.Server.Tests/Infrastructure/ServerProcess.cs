using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// The server as a real operating-system process (the published entry point in the test output), for tests
/// about what only processes have: several of them sharing one database, or being killed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private ServerProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>What the process printed so far (standard output and error, line by line).</summary>
    public IReadOnlyList<string> Output => [.. output];

    /// <summary>Starts the server; <paramref name="workingDirectory"/> is the test output folder unless given.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null, params string[] args)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var start = StartInfo(settings, workingDirectory, args);
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        var server = new ServerProcess(Process.Start(start)!, baseUrl);
        server.process.OutputDataReceived += (_, line) => server.Record(line.Data);
        server.process.ErrorDataReceived += (_, line) => server.Record(line.Data);
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        await server.WaitUntilHealthyAsync();
        return server;
    }

    /// <summary>Runs an admin command (<c>leap backup ...</c>) to its end: its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        using var command = Process.Start(StartInfo(settings, null, args))!;
        var output = command.StandardOutput.ReadToEndAsync();
        var error = command.StandardError.ReadToEndAsync();
        await command.WaitForExitAsync();
        return (command.ExitCode, await output, await error);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> settings, string? workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "leap.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.Environment["Webhooks__AllowPrivateNetworks"] = "true"; // test receivers listen on loopback
        start.Environment["Storage__TenantGuard"] = "true";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return start;
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = new Uri(BaseUrl) };

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut of the process.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd or a container runtime sends to stop a service; waits for the exit and returns its code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }
        process.Dispose();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = CreateHttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, $"The server process exited with code {(process.HasExited ? process.ExitCode : 0)}:{Environment.NewLine}{string.Join(Environment.NewLine, Output.TakeLast(30))}");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server at {BaseUrl} did not become healthy in 60 seconds.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
