using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Leap.Server;

/// <summary>
/// Running behind a reverse proxy (docs/deploy.md). The proxy terminates TLS and connects from its own address,
/// so the client's address and scheme arrive in <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>. Anyone can
/// send those headers, so they are believed only on connections from the proxies named in
/// <c>ForwardedHeaders:KnownProxies</c> (addresses) or <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges);
/// with neither set they are ignored. Everything after this step (logs, traces, redirects) sees the client's
/// address as <c>Connection.RemoteIpAddress</c> and the scheme it used as <c>Request.Scheme</c>.
/// </summary>
public static class ReverseProxy
{
    public static void UseReverseProxy(this WebApplication app)
    {
        if (Options(app.Configuration) is { } options)
        {
            app.UseForwardedHeaders(options);
        }
    }

    /// <summary>The trusted proxies from configuration, or null when none are configured.</summary>
    public static ForwardedHeadersOptions? Options(IConfiguration configuration)
    {
        var section = configuration.GetSection("ForwardedHeaders");
        var proxies = Values(section, "KnownProxies").Select(value => IPAddress.TryParse(value, out var address)
            ? address
            : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{value}' is not an IP address.")).ToList();
        var networks = Values(section, "KnownNetworks").Select(value => System.Net.IPNetwork.TryParse(value, out var network)
            ? network
            : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{value}' is not a CIDR range such as 10.0.0.0/24.")).ToList();
        if (proxies.Count == 0 && networks.Count == 0)
        {
            return null;
        }
        var limit = section.GetValue("ForwardLimit", 1);
        if (limit < 1)
        {
            throw new InvalidOperationException("ForwardedHeaders:ForwardLimit must be at least 1 (the number of proxies in front of Leap).");
        }
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = limit,
        };
        // The framework trusts loopback by default; here only what the operator named is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        proxies.ForEach(options.KnownProxies.Add);
        networks.ForEach(options.KnownIPNetworks.Add);
        return options;
    }

    /// <summary>A list setting, written either as one comma-separated value or as an array (<c>KnownProxies:0</c>, ...).</summary>
    private static IEnumerable<string> Values(IConfigurationSection section, string key)
    {
        var setting = section.GetSection(key);
        var values = setting.Value is { Length: > 0 } single ? [single] : setting.GetChildren().Select(child => child.Value ?? "");
        return values.SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }
}
