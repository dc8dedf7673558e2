using System.Globalization;
using System.Net;
using StackExchange.Redis.Configuration;

namespace Fleet.Sdk.Coordination;

/// <summary>
/// Dials another address for some of the addresses Redis hands out (Sentinel's answer for the master, the
/// replicas a master lists): <c>Fleet:Coordination:Redis:AddressMap</c>, for NAT, port forwarding or a proxy
/// between this machine and the servers. Every other address is dialled as it is.
/// </summary>
internal sealed class AddressMapTunnel : Tunnel
{
    private readonly IReadOnlyDictionary<string, EndPoint> _map;

    private AddressMapTunnel(IReadOnlyDictionary<string, EndPoint> map) => _map = map;

    /// <summary>Parses <c>announced=dialled[,announced=dialled]</c> (each <c>host:port</c>); <see langword="null"/> when empty.</summary>
    /// <exception cref="FormatException">An entry is not <c>host:port=host:port</c> (the message names the key and the entry).</exception>
    public static AddressMapTunnel? Parse(string? map)
    {
        if (string.IsNullOrWhiteSpace(map))
        {
            return null;
        }

        var entries = new Dictionary<string, EndPoint>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in map.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || ParseEndPoint(parts[0]) is not { } announced || ParseEndPoint(parts[1]) is not { } dialled)
            {
                throw new FormatException(
                    $"Fleet:Coordination:Redis:AddressMap entry '{entry}' is not announced=dialled with host:port on each side (for example 10.0.0.5:6379=203.0.113.5:16379).");
            }

            entries[Key(announced)] = dialled;
        }

        return new AddressMapTunnel(entries);
    }

    public override ValueTask<EndPoint?> GetSocketConnectEndpointAsync(EndPoint endpoint, CancellationToken cancellationToken) =>
        new(_map.TryGetValue(Key(endpoint), out var dialled) ? dialled : endpoint);

    private static EndPoint? ParseEndPoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        var host = text[..colon].Trim('[', ']');
        return IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
    }

    private static string Key(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"{(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)}:{ip.Port}"),
        DnsEndPoint dns => string.Create(CultureInfo.InvariantCulture, $"{dns.Host}:{dns.Port}"),
        _ => endpoint.ToString() ?? string.Empty,
    };
}
