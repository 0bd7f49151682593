using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Leap.Server.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 over a bare socket: for requests no HTTP client library would send (a NUL in the path, a malformed
/// Content-Length, a Latin-1 byte in a header), and to see exactly what the server answers and how the connection
/// ends. Every request goes on a new connection.
/// </summary>
public static class RawHttp
{
    /// <summary>A safety net against a hung server, not a timing assertion.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Sends <paramref name="request"/> (request line, headers and any body, as bytes) and reads the answer.</summary>
    public static async Task<RawResponse> SendAsync(string baseUrl, byte[] request)
    {
        using var connection = await RawConnection.OpenAsync(baseUrl);
        await connection.SendAsync(request);
        return await connection.ReadResponseAsync();
    }

    /// <summary>A request head: the lines as given (ASCII, with any hostile bytes spelled as \u00XX chars), CRLF-terminated.</summary>
    public static byte[] Head(params IEnumerable<string> lines) => Encoding.Latin1.GetBytes(string.Concat(lines.Select(l => l + "\r\n")) + "\r\n");

    public sealed class RawConnection : IDisposable
    {
        private readonly Socket socket;
        private readonly CancellationTokenSource patience = new(Patience);
        private byte[] pending = [];

        private RawConnection(Socket socket) => this.socket = socket;

        public static async Task<RawConnection> OpenAsync(string baseUrl)
        {
            var uri = new Uri(baseUrl);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(uri.Host, uri.Port);
            return new RawConnection(socket);
        }

        /// <summary>Sends all of <paramref name="bytes"/>; a reset or broken pipe surfaces as a <see cref="SocketException"/>.</summary>
        public async Task SendAsync(ReadOnlyMemory<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                var sent = await socket.SendAsync(bytes, SocketFlags.None, patience.Token);
                bytes = bytes[sent..];
            }
        }

        /// <summary>Reads one response: the head, then exactly Content-Length bytes of body.</summary>
        public async Task<RawResponse> ReadResponseAsync()
        {
            int headEnd;
            while ((headEnd = pending.AsSpan().IndexOf("\r\n\r\n"u8)) < 0)
            {
                await ReceiveAsync("before the end of the response head");
            }
            var lines = Encoding.Latin1.GetString(pending, 0, headEnd).Split("\r\n");
            pending = pending[(headEnd + 4)..];
            var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToLookup(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var length = int.Parse(headers["Content-Length"].SingleOrDefault() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            while (pending.Length < length)
            {
                await ReceiveAsync("before the end of the response body");
            }
            var body = Encoding.UTF8.GetString(pending, 0, length);
            pending = pending[length..];
            return new RawResponse(status, headers, body);
        }

        private async Task ReceiveAsync(string where)
        {
            var buffer = new byte[64 * 1024];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, patience.Token);
            if (read == 0)
            {
                throw new IOException($"The server closed the connection {where}.");
            }
            pending = [.. pending, .. buffer.AsSpan(0, read)];
        }

        public void Dispose()
        {
            socket.Dispose();
            patience.Dispose();
        }
    }
}

public sealed record RawResponse(int Status, ILookup<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers[name].FirstOrDefault();

    /// <summary>What is wrong with this answer as an error in the Jump envelope, or null when nothing is.</summary>
    public string? EnvelopeProblem()
    {
        if (Header("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return $"Content-Type is '{Header("Content-Type")}', not JSON";
        }
        try
        {
            var root = JsonDocument.Parse(Body).RootElement;
            var requestId = root.GetProperty("meta").GetProperty("request_id").GetString();
            if (requestId is null || requestId != Header("X-Request-Id"))
            {
                return $"X-Request-Id '{Header("X-Request-Id")}' is not meta.request_id '{requestId}'";
            }
            if (Status >= 400 && (root.GetProperty("data").ValueKind != JsonValueKind.Null
                || string.IsNullOrEmpty(root.GetProperty("error").GetProperty("code").GetString())
                || string.IsNullOrEmpty(root.GetProperty("error").GetProperty("message").GetString())))
            {
                return "the error is not {data: null, error: {code, message}}";
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "the body is not the JSON envelope";
        }
        return null;
    }

    public string? ErrorCode => JsonDocument.Parse(Body).RootElement.TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() : null;
}
