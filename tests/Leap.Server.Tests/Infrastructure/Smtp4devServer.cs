using System.Diagnostics;
using System.Text.Json;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for the tests: smtp4dev (the dotnet tool Rnwood.Smtp4dev, installed by <c>.ci/run</c>) on free
/// ports with an in-memory store. Tests send through Leap's own transport (<see cref="Settings"/>) and read what
/// arrived through smtp4dev's REST API. Skips the test when the tool is not installed.
/// </summary>
public sealed class Smtp4devServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly HttpClient http;

    private Smtp4devServer(Process process, int smtpPort, string webUrl)
    {
        this.process = process;
        SmtpPort = smtpPort;
        http = new HttpClient { BaseAddress = new Uri(webUrl) };
    }

    public int SmtpPort { get; }

    /// <summary>Settings that point a Leap server's email at this SMTP server.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Notifications:Email:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Email:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Email:Smtp:UseTls"] = "false",
        ["Notifications:Email:From"] = "Leap Tests <no-reply@leap-tests.example>",
    };

    public static string? Executable =>
        new[] { Environment.GetEnvironmentVariable("SMTP4DEV"), Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "smtp4dev") }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));

    public static async Task<Smtp4devServer> StartAsync()
    {
        var executable = Executable;
        Assert.SkipWhen(executable is null, "smtp4dev is not installed (dotnet tool install --global Rnwood.Smtp4dev --version 3.15.0; .ci/run does it).");
        var smtpPort = ServerProcess.FreePort();
        var webUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var start = new ProcessStartInfo(executable!,
        [
            $"--urls={webUrl}", $"--smtpport={smtpPort}", "--imapport=0", "--pop3port=0", "--db=", "--nousersettings", "--tlsmode=None",
            "--hostname=localhost", "--messagestokeep=1000",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Smtp4devServer(process, smtpPort, webUrl);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", smtpPort);
                (await server.http.GetAsync("/api/messages")).EnsureSuccessStatusCode();
                return server;
            }
            catch (Exception) when (attempt < 300 && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A message as smtp4dev received it: its recipients, subject and plain text.</summary>
    public sealed record Message(string Id, IReadOnlyList<string> To, string Subject, string Text, DateTimeOffset ReceivedAt);

    /// <summary>The messages received for <paramref name="recipient"/> so far, oldest first.</summary>
    public async Task<IReadOnlyList<Message>> MessagesToAsync(string recipient)
    {
        using var list = JsonDocument.Parse(await http.GetStringAsync("/api/messages?pageSize=1000"));
        var items = list.RootElement.GetProperty("results");
        var messages = new List<Message>();
        foreach (var item in items.EnumerateArray())
        {
            var to = item.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList();
            if (!to.Any(t => t.Contains(recipient, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var id = item.GetProperty("id").GetString()!;
            messages.Add(new Message(id, to, item.GetProperty("subject").GetString() ?? "", await http.GetStringAsync($"/api/messages/{id}/plaintext"),
                item.GetProperty("receivedDate").GetDateTimeOffset()));
        }
        return [.. messages.OrderBy(m => m.ReceivedAt)];
    }

    /// <summary>Waits for the <paramref name="count"/>th message to <paramref name="recipient"/> (SMTP delivery is quick but not instant).</summary>
    public async Task<Message> WaitForMessageAsync(string recipient, int count = 1)
    {
        for (var attempt = 0; ; attempt++)
        {
            var messages = await MessagesToAsync(recipient);
            if (messages.Count >= count)
            {
                return messages[count - 1];
            }
            Assert.True(attempt < 100, $"No message number {count} for {recipient} arrived.");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}

/// <summary>One smtp4dev for the test run (an assembly fixture), started when a test first asks for it; each test uses recipients of its own.</summary>
public sealed class Smtp4devFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private Smtp4devServer? server;

    public async Task<Smtp4devServer> ServerAsync()
    {
        await gate.WaitAsync();
        try
        {
            return server ??= await Smtp4devServer.StartAsync();
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
