using System.Net;
using System.Net.Sockets;

namespace Leap.Server.Webhooks;

/// <summary>
/// Webhook receivers must be on the public internet unless <c>Webhooks:AllowPrivateNetworks</c> is set:
/// otherwise any key with <c>manage_webhooks</c> could make the server send requests into its own network (the
/// cloud metadata service at 169.254.169.254, an admin port on localhost, other services of the clinic).
/// URLs are checked when saved; every delivery checks the addresses a name resolves to when it connects, so
/// a name that later resolves to a private address (DNS rebinding) is refused too.
/// </summary>
public static class ReceiverAddresses
{
    public const string Refused = "must not point at a loopback, private or link-local address " +
                                  "(receivers on your own network need Webhooks:AllowPrivateNetworks=true)";

    /// <summary>Whether the URL names a private host itself: an address literal in a private range, or localhost.</summary>
    public static bool IsPrivateHost(Uri uri)
    {
        var host = uri.IdnHost.TrimEnd('.');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IsPrivate(address));
    }

    /// <summary>Loopback, private, shared (carrier NAT), link-local, multicast, unspecified or reserved.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && b[1] is >= 64 and <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 198 && b[1] is 18 or 19);
        }
        var bytes = address.GetAddressBytes();
        return address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal
            || (bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b); // NAT64 of any IPv4 address
    }

    /// <summary>Connects to the first public address of the request's host (SocketsHttpHandler.ConnectCallback).</summary>
    public static async ValueTask<Stream> ConnectToPublicAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var (host, port) = (context.DnsEndPoint.Host, context.DnsEndPoint.Port);
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"Refused: {host} resolves only to loopback, private or link-local addresses " +
                                           "(receivers on your own network need Webhooks:AllowPrivateNetworks=true).");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
