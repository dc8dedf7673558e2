using System.Globalization;
using System.Net;

namespace Fleet.Sdk.Testing;

/// <summary>
/// <c>host:port</c> addresses as Toxiproxy reads and writes them (Go's net.SplitHostPort and
/// net.Listen): <c>[::1]:80</c>, <c>localhost:0</c>, <c>:8474</c>.
/// </summary>
internal static class ProxyAddress
{
    /// <summary>The listen address used when a client gives none: loopback, a free port.</summary>
    public const string DefaultListen = "127.0.0.1:0";

    public static bool TryParse(string address, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = address.LastIndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        return int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= IPEndPoint.MaxPort;
    }

    /// <summary>Resolves a listen address to the endpoint to bind; throws the API's 500 when it cannot.</summary>
    public static IPEndPoint ResolveListen(string listen)
    {
        if (!TryParse(listen, out var host, out var port))
        {
            throw ToxiproxyApiException.ListenInvalid(listen, listen.Contains(':', StringComparison.Ordinal) ? "invalid port" : "missing port in address");
        }

        var address = ResolveHost(host) ?? throw new ToxiproxyApiException(500, $"listen tcp: lookup {host}: no such host");
        return new IPEndPoint(address, port);
    }

    /// <summary>The addresses to try for a host, loopback first for <c>localhost</c>; empty when it does not resolve.</summary>
    public static async Task<IPAddress[]> ResolveAllAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            // [::ffff:127.0.0.1] is how a dual-mode socket writes an IPv4 endpoint: dial it as IPv4.
            return [literal.IsIPv4MappedToIPv6 ? literal.MapToIPv4() : literal];
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        return await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an endpoint as Go does: <c>127.0.0.1:8474</c>, <c>[::1]:8474</c>.</summary>
    public static string Format(IPEndPoint endpoint)
    {
        var address = endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address;
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{address}:{endpoint.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Whether two listen addresses name the same concrete socket (<c>localhost:P</c> is
    /// <c>127.0.0.1:P</c>). Port 0 never matches: it always asks for a new port.
    /// </summary>
    public static bool SameListen(string a, string b)
    {
        if (!TryParse(a, out var hostA, out var portA) || !TryParse(b, out var hostB, out var portB))
        {
            return string.Equals(a, b, StringComparison.Ordinal);
        }

        return portA != 0 && portA == portB && string.Equals(Normalize(hostA), Normalize(hostB), StringComparison.OrdinalIgnoreCase);
    }

    private static string Normalize(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1"
        : IPAddress.TryParse(host, out var ip) ? ip.ToString()
        : host;

    private static IPAddress? ResolveHost(string host)
    {
        if (host.Length == 0)
        {
            return IPAddress.Any;
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            return literal;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
    }
}
