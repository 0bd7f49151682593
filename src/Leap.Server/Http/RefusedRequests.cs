using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Leap.Server.Http;

/// <summary>
/// Connection middleware for what the API's own pipeline never sees.
/// <list type="bullet">
/// <item>Kestrel refuses some requests while parsing them, before any application code runs (a NUL or invalid
/// UTF-8 in the path, a request line or headers over <see cref="Transport"/>'s limits, a malformed Content-Length or
/// Transfer-Encoding, no Host, an unknown HTTP version) and answers with an empty 4xx. Such an answer is recognised
/// as it is written (no API request was in progress and it has no X-Request-Id) and replaced by the same status in
/// the Jump envelope, with an X-Request-Id.</item>
/// <item>After a refusal, or an answer given before the request body was read (413), the client may still be
/// sending. Closing at once would make the operating system reset the connection, and the client would lose the
/// answer it has not read yet. So the server keeps reading and discarding for a while first ("lingering close",
/// RFC 9112 §9.6, with Apache httpd's times). Kestrel's transport cannot half-close a connection, so a client that
/// waits for the server to close instead of reading Content-Length waits out the <see cref="LingerTimeout"/>.</item>
/// </list>
/// Only plain HTTP/1.x connections are rewritten: TLS and HTTP/2 connections pass through untouched.
/// </summary>
public sealed class RefusedRequests(ConnectionDelegate next, IServiceProvider services)
{
    /// <summary>The longest the server lingers before closing (Apache httpd's <c>MAX_SECS_TO_LINGER</c>).</summary>
    public static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(30);

    /// <summary>Lingering stops when the client sends nothing for this long (Apache httpd's <c>SECONDS_TO_LINGER</c>).</summary>
    public static readonly TimeSpan LingerTimeout = TimeSpan.FromSeconds(2);

    private readonly ILogger logger = services.GetRequiredService<ILogger<RefusedRequests>>();
    private readonly JsonTypeInfo<ErrorEnvelope> envelopeType = (JsonTypeInfo<ErrorEnvelope>)services
        .GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions.GetTypeInfo(typeof(ErrorEnvelope));

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var transport = connection.Transport;
        var state = new ConnectionState();
        var output = new HoldingWriter(transport.Output, state, this, connection.ConnectionId);
        connection.Features.Set(state);
        connection.Transport = new DuplexPipe(transport.Input, output);
        try
        {
            await next(connection);
            if (output.Completion is null)
            {
                await LingerAsync(transport.Input, connection, state.Linger);
            }
        }
        finally
        {
            // Kestrel's completion of the output is held back until now: completing it closes the socket.
            await transport.Output.CompleteAsync(output.Completion);
        }
    }

    /// <summary>The first middleware of every request: an API request is in progress until its response completes.</summary>
    public static Task TrackRequest(HttpContext context, RequestDelegate next)
    {
        context.Features.Get<ConnectionState>()?.RequestStarted(context);
        return next(context);
    }

    /// <summary>
    /// For an answer given before the request body was read: says <c>Connection: close</c> (the unread rest makes the
    /// connection unusable) and has the server read what the client still sends before closing.
    /// </summary>
    public static void CloseAfterResponse(HttpContext context)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.Headers.Connection = "close";
        }
        context.Features.Get<ConnectionState>()?.LingerOnClose();
    }

    /// <summary>
    /// Reads and discards what the client still sends, when it may still be sending: after a refusal, or when the
    /// server stopped reading before the client's request ended. Stops when the client closes its side, sends nothing
    /// for <see cref="LingerTimeout"/>, after <see cref="LingerTime"/>, or when the server shuts down.
    /// </summary>
    private async Task LingerAsync(PipeReader input, ConnectionContext connection, bool refused)
    {
        var discarded = 0L;
        if (input.TryRead(out var buffered))
        {
            discarded = buffered.Buffer.Length;
            input.AdvanceTo(buffered.Buffer.End);
            if (buffered.IsCompleted)
            {
                return;
            }
        }
        if (discarded == 0 && !refused)
        {
            return;
        }

        var shutdown = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, shutdown);
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var left = LingerTime; left > TimeSpan.Zero; left = LingerTime - Stopwatch.GetElapsedTime(started))
            {
                stop.CancelAfter(left < LingerTimeout ? left : LingerTimeout);
                var result = await input.ReadAsync(stop.Token);
                discarded += result.Buffer.Length;
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            // Time is up, the server is stopping, or the client reset the connection itself: close now.
        }
        logger.LogDebug("Connection {ConnectionId}: discarded {Bytes} bytes the client sent after its request was refused or answered",
            connection.ConnectionId, discarded);
    }

    /// <summary>
    /// The refusal in the envelope, or null when <paramref name="written"/> is anything else: only a complete,
    /// empty error answer without X-Request-Id qualifies (every answer of the API has one).
    /// </summary>
    private byte[]? Envelope(ReadOnlySpan<byte> written, string connectionId)
    {
        if (written.Length is < 16 or > 1024 || !written.StartsWith("HTTP/1."u8) || !written.EndsWith("\r\n\r\n"u8))
        {
            return null;
        }
        var lines = Encoding.Latin1.GetString(written[..^4]).Split("\r\n");
        if (lines[0].Length < 12 || !int.TryParse(lines[0].AsSpan(9, 3), out var status) || status < 400
            || !lines.Contains("Content-Length: 0", StringComparer.OrdinalIgnoreCase)
            || lines.Any(l => l.StartsWith(RequestIds.Header + ":", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var id = RequestIds.New();
        var error = new ErrorBody(ErrorCodes.ForStatus(status), Describe(status));
        var body = JsonSerializer.SerializeToUtf8Bytes(new ErrorEnvelope(null, new Meta(id), error), envelopeType);
        var head = new StringBuilder();
        foreach (var line in lines)
        {
            head.Append(line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) ? $"Content-Length: {body.Length}" : line).Append("\r\n");
        }
        head.Append($"Content-Type: {ApiResponse.JsonContentType}\r\n{RequestIds.Header}: {id}\r\n\r\n");
        // Debug, as Kestrel logs its own reason for the refusal: a flood of junk must not flood the log.
        logger.LogDebug("Refused a request that is not valid HTTP with {Status} {Code} (request {RequestId}, connection {ConnectionId})",
            status, error.Code, id, connectionId);
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    private static string Describe(int status) => status switch
    {
        400 => "The request is not valid HTTP/1.1 and was refused before reaching the API. Check the request line " +
               "(a path of percent-encoded UTF-8, without %00) and the headers: their names, Host, Content-Length " +
               "and Transfer-Encoding (only 'chunked' is accepted).",
        408 => $"The request line and headers did not arrive within {Transport.RequestHeadersTimeout.TotalSeconds:0} seconds.",
        414 => $"The request line (method, path and query string) is longer than the {Transport.MaxRequestLineBytes / 1024} KiB limit.",
        431 => $"The request headers are over the limit of {Transport.MaxHeaderBytes / 1024} KiB in total or {Transport.MaxHeaderCount} headers.",
        505 => "Only HTTP/1.1 (and HTTP/1.0) requests are served here.",
        _ => $"The request was refused before reaching the API (status {status}).",
    };

    /// <summary>Whether an API request is in progress on the connection, and whether to linger when it closes.</summary>
    private sealed class ConnectionState
    {
        private volatile bool holding = true;
        private volatile bool plainHttp1 = true;
        private volatile bool linger;

        /// <summary>True while no API request is in progress: what the server writes then is its own answer.</summary>
        public bool Holding => holding && plainHttp1;

        public bool Linger => linger;

        public void LingerOnClose() => linger = true;

        public void RequestStarted(HttpContext context)
        {
            holding = false;
            // Over TLS the bytes written are encrypted, and HTTP/2 interleaves requests: leave both alone.
            plainHttp1 &= !context.Request.IsHttps && (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol));
            if (!plainHttp1)
            {
                return;
            }
            context.Response.OnCompleted(static state =>
            {
                ((ConnectionState)state).holding = true;
                return Task.CompletedTask;
            }, this);
        }
    }

    /// <summary>
    /// The connection's output. While <see cref="ConnectionState.Holding"/>, what the server writes is held until it
    /// flushes and then passed on, replaced by <see cref="Envelope"/> when it is a bare refusal; otherwise it goes
    /// straight through. Completion is recorded, not passed on: <see cref="OnConnectionAsync"/> completes the real
    /// output once lingering is over.
    /// </summary>
    private sealed class HoldingWriter(PipeWriter inner, ConnectionState state, RefusedRequests owner, string connectionId) : PipeWriter
    {
        // Most connections never hold anything: the buffer is made on first use.
        private ArrayBufferWriter<byte>? held;
        private bool writingHeld;

        public Exception? Completion { get; private set; }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (held?.WrittenCount ?? 0);

        // The destination is chosen when memory is asked for and kept until Advance, so the two always agree.
        public override Memory<byte> GetMemory(int sizeHint = 0) =>
            (writingHeld = state.Holding) ? (held ??= new(256)).GetMemory(sizeHint) : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) =>
            (writingHeld = state.Holding) ? (held ??= new(256)).GetSpan(sizeHint) : inner.GetSpan(sizeHint);

        public override void Advance(int bytes)
        {
            if (writingHeld)
            {
                held!.Advance(bytes);
            }
            else
            {
                inner.Advance(bytes);
            }
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Release();
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            Release();
            Completion = exception;
        }

        private void Release()
        {
            if (held is not { WrittenCount: > 0 })
            {
                return;
            }
            if (owner.Envelope(held.WrittenSpan, connectionId) is { } envelope)
            {
                inner.Write(envelope);
                // The server stopped reading the refused request where it found the fault: the client may still be sending.
                state.LingerOnClose();
            }
            else
            {
                inner.Write(held.WrittenSpan);
            }
            held.ResetWrittenCount();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
