using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// A TCP relay in front of the SMTP server that lets every SMTP conversation through up to the message content
/// (DATA or BDAT) and then holds it: the sender waits for an answer that never comes, so a test can kill the sending
/// process in the middle of a send. When the sender's connection drops, the relay closes its side and the SMTP
/// server discards the half-received message.
/// </summary>
public sealed class SmtpHold : IAsyncDisposable
{
    private static readonly byte[] Data = "DATA\r\n"u8.ToArray();
    private static readonly byte[] Bdat = "BDAT "u8.ToArray();

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int target;
    private readonly CancellationTokenSource stop = new();
    private int held;

    private SmtpHold(int target)
    {
        this.target = target;
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Messages held so far (sends that can never finish).</summary>
    public int Held => Volatile.Read(ref held);

    public static SmtpHold Before(int smtpPort) => new(smtpPort);

    public async Task WaitUntilHoldingAsync(int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Held == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"No send reached the relay in {seconds} s.");
            await Task.Delay(20);
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = RelayAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, target);
                var fromServer = upstream.GetStream().CopyToAsync(client.GetStream(), stop.Token);
                await ForwardUntilContentAsync(client.GetStream(), upstream.GetStream());
                client.Close();
                upstream.Close();
                await fromServer;
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Either side went away.
            }
        }
    }

    /// <summary>Copies the sender's commands until the message content starts; from then on reads and drops until the sender is gone.</summary>
    private async Task ForwardUntilContentAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        var seen = new List<byte>();
        var holding = false;
        int read;
        while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
        {
            if (holding)
            {
                continue;
            }
            var start = seen.Count;
            seen.AddRange(buffer.AsSpan(0, read).ToArray());
            var text = seen.ToArray();
            var data = IndexOf(text, Data);
            var bdat = IndexOf(text, Bdat);
            var cut = data >= 0 ? data + Data.Length : bdat;
            if (cut < 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
                continue;
            }
            if (cut > start)
            {
                await to.WriteAsync(buffer.AsMemory(0, cut - start), stop.Token);
            }
            holding = true;
            Interlocked.Increment(ref held);
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) =>
        Encoding.ASCII.GetString(haystack).IndexOf(Encoding.ASCII.GetString(needle), StringComparison.Ordinal);

    public ValueTask DisposeAsync()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
