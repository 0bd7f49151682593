using System.Diagnostics;
using System.Text.Json;
using MimeKit;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// One real SMTP server for the test run (an assembly fixture): smtp4dev (the <c>Rnwood.Smtp4dev</c> dotnet tool,
/// installed by <c>.ci/run</c>), started on free ports when a test first asks for it; each test uses recipients of its
/// own. Without the tool the tests that need it fail, saying how to install it: CI must never pass by skipping them.
/// </summary>
public sealed class SmtpFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private SmtpServer? server;

    public async Task<SmtpServer> ServerAsync()
    {
        await gate.WaitAsync();
        try
        {
            return server ??= await SmtpServer.StartAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
        gate.Dispose();
    }
}

/// <summary>A running smtp4dev: tests send through Leap's own transport (<see cref="Settings"/>) and read what it received through its web API.</summary>
public sealed class SmtpServer : IAsyncDisposable
{
    public const string Install = "dotnet tool install --global Rnwood.Smtp4dev --version 3.15.0";

    private readonly Process process;
    private readonly HttpClient api;

    private SmtpServer(Process process, int smtpPort, string apiUrl)
    {
        this.process = process;
        SmtpPort = smtpPort;
        api = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int SmtpPort { get; }

    /// <summary>Settings that make a Leap server send its email here (or to <paramref name="port"/>, a relay in front of it).</summary>
    public Dictionary<string, string?> Settings(int? port = null) => new()
    {
        ["Notifications:Email:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Email:Smtp:Port"] = (port ?? SmtpPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Email:Smtp:UseTls"] = "false",
        ["Notifications:Email:From"] = "Test Clinic <clinic@leap.test>",
    };

    internal static async Task<SmtpServer> StartAsync()
    {
        var tool = Locate() ?? throw new InvalidOperationException(
            $"smtp4dev is not installed, and the notification tests need a real SMTP server. Install it with: {Install} (CI: .ci/run does).");
        var smtpPort = ServerProcess.FreePort();
        var apiUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var start = new ProcessStartInfo(tool,
            [$"--urls={apiUrl}", $"--smtpport={smtpPort}", "--imapport=0", "--pop3port=0", "--hostname=127.0.0.1", "--db=", "--nousersettings",
             "--tlsmode=None", "--messagestokeep=100000", "--sessionstokeep=10"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var output = new List<string>();
        process.OutputDataReceived += (_, line) => { lock (output) { output.Add(line.Data ?? ""); } };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.Add(line.Data ?? ""); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new SmtpServer(process, smtpPort, apiUrl);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"smtp4dev exited with code {process.ExitCode}: {string.Join(Environment.NewLine, output.TakeLast(20))}");
                }
            }
            try
            {
                if ((await server.api.GetAsync("api/messages")).IsSuccessStatusCode && await SmtpAnswersAsync(smtpPort))
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("smtp4dev did not start within 60 seconds.");
            }
            await Task.Delay(200);
        }
    }

    private static async Task<bool> SmtpAnswersAsync(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>The tool on the PATH, or where <c>dotnet tool install --global</c> puts it.</summary>
    private static string? Locate()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"))
            .Select(folder => Path.Combine(folder, "smtp4dev"));
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Every message received for <paramref name="address"/>, oldest first, parsed.</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesToAsync(string address)
    {
        var list = JsonDocument.Parse(await api.GetStringAsync("api/messages?pageSize=100000")).RootElement;
        var items = list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("results");
        var messages = new List<(DateTimeOffset Received, MimeMessage Message)>();
        foreach (var item in items.EnumerateArray())
        {
            var to = item.GetProperty("to").EnumerateArray().Select(t => t.GetString() ?? "");
            if (!to.Any(t => t.Contains(address, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var raw = await api.GetStreamAsync($"api/messages/{item.GetProperty("id").GetString()}/raw");
            messages.Add((item.GetProperty("receivedDate").GetDateTimeOffset(), await MimeMessage.LoadAsync(raw)));
        }
        return messages.OrderBy(m => m.Received).Select(m => m.Message).ToList();
    }

    /// <summary>Waits until <paramref name="address"/> has at least <paramref name="count"/> messages (failing after 20 seconds); returns them all.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForAsync(string address, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var messages = await MessagesToAsync(address);
            if (messages.Count >= count)
            {
                return messages;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{address} received {messages.Count} message(s), expected {count}.");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
