using System.Text;

namespace Leap.Server.Http;

/// <summary>
/// The HTTP server's own limits (docs/api-conventions.md, "Transport limits"). Each is finite, and a request over
/// one is still answered in the Jump envelope with an X-Request-Id: the server refuses it before any API code
/// runs, and <see cref="RefusedRequests"/> puts that refusal in the envelope.
/// </summary>
public static class Transport
{
    public const int MaxRequestLineBytes = 8 * 1024;
    public const int MaxHeaderBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;
    public static readonly TimeSpan RequestHeadersTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Header values are read as UTF-8 with invalid bytes replaced (U+FFFD) rather than refused, so a Latin-1 byte in
    /// <c>Authorization</c> or <c>Idempotency-Key</c> reaches the API, which names the header in its 401 or 400.
    /// </summary>
    private static readonly Encoding HeaderEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static void ConfigureTransport(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestLineSize = MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = MaxHeaderCount;
            kestrel.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
            // Above the API's own limit, so that the API (JsonBody) is the one to refuse a large body, with its message.
            kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes + 1;
            kestrel.RequestHeaderEncodingSelector = _ => HeaderEncoding;
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Use(next => new RefusedRequests(next, endpoint.ApplicationServices).OnConnectionAsync));
        });
        // A startup filter, so that the request tracking runs before every other middleware of the pipeline.
        builder.Services.AddTransient<IStartupFilter, TrackRequestsFirst>();
    }

    private sealed class TrackRequestsFirst : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(RefusedRequests.TrackRequest);
            next(app);
        };
    }
}
