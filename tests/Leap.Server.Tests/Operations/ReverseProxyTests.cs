using Leap.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Leap.Server.Tests.Operations;

/// <summary>
/// X-Forwarded-For and X-Forwarded-Proto are believed from configured proxies only (docs/deploy.md). The test
/// client connects from 127.0.0.1: a server that trusts it sees the forwarded client; any other does not. The
/// engine does not matter, so SQLite only.
/// </summary>
public sealed class ReverseProxyTests(SqliteServer server)
{
    private const string Client = "203.0.113.7";

    /// <summary>What the server made of a request: the address and scheme every later step (logs, traces, redirects) sees.</summary>
    private sealed class ClientProbe : IStartupFilter
    {
        public const string Path = "/test-probe/client";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(Path, probe => probe.Run(context =>
                context.Response.WriteAsync($"{context.Connection.RemoteIpAddress?.MapToIPv4()} {context.Request.Scheme}")));
        };
    }

    private sealed record Seen(string Probe, string? BookRedirect);

    private async Task<Seen> SendThroughProxyAsync(Dictionary<string, string?> settings, string forwardedFor = Client)
    {
        await using var app = server.StartAnotherServer(settings, services => services.AddSingleton<IStartupFilter, ClientProbe>());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };

        HttpRequestMessage Forwarded(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
            return request;
        }

        using var probe = await http.SendAsync(Forwarded(ClientProbe.Path));
        Assert.Equal(200, (int)probe.StatusCode);
        using var book = await http.SendAsync(Forwarded("/book"));
        Assert.Equal(301, (int)book.StatusCode);
        return new Seen(await probe.Content.ReadAsStringAsync(), book.Headers.Location?.Scheme);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "127.0.0.1")]
    [InlineData("ForwardedHeaders:KnownProxies", "192.0.2.10, 127.0.0.1")]
    [InlineData("ForwardedHeaders:KnownNetworks", "127.0.0.0/8")]
    [InlineData("ForwardedHeaders:KnownProxies:1", "127.0.0.1")]
    public async Task Forwarded_headers_from_a_trusted_proxy_give_the_client_address_and_scheme(string setting, string value)
    {
        var seen = await SendThroughProxyAsync(new() { [setting] = value });
        Assert.Equal($"{Client} https", seen.Probe);
        Assert.Equal("https", seen.BookRedirect);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("ForwardedHeaders:KnownProxies", "192.0.2.10")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0/8, 192.0.2.0/24")]
    public async Task Forwarded_headers_from_a_peer_that_is_not_a_configured_proxy_are_ignored(string? setting, string? value)
    {
        var seen = await SendThroughProxyAsync(setting is null ? [] : new() { [setting] = value });
        Assert.Equal("127.0.0.1 http", seen.Probe);
        Assert.Equal("http", seen.BookRedirect);
    }

    [Fact]
    public async Task Only_the_address_the_trusted_proxy_appended_is_believed_not_what_the_client_wrote_before_it()
    {
        var seen = await SendThroughProxyAsync(new() { ["ForwardedHeaders:KnownProxies"] = "127.0.0.1" }, forwardedFor: $"198.51.100.99, {Client}");
        Assert.Equal($"{Client} https", seen.Probe);
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies", "proxy.internal", "not an IP address")]
    [InlineData("ForwardedHeaders:KnownNetworks", "10.0.0.0", "not a CIDR range")]
    public void A_proxy_setting_that_does_not_parse_stops_the_start(string setting, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => ReverseProxy.Options(configuration));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
