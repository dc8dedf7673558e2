using System.Net;

namespace Fleet.Sdk.Testing;

/// <summary>A Toxiproxy proxy: where it listens, where it forwards, whether it is up, and its toxics.</summary>
public sealed record ToxiproxyProxy
{
    /// <summary>Gets the proxy's unique name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the listen address, <c>host:port</c>; the server reports the bound port once enabled.</summary>
    /// <value>The default value is <c>127.0.0.1:0</c>: loopback, a free port.</value>
    public string Listen { get; init; } = "127.0.0.1:0";

    /// <summary>Gets the upstream address, <c>host:port</c>, dialled for each client.</summary>
    public required string Upstream { get; init; }

    /// <summary>Gets a value indicating whether the proxy accepts connections.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; init; } = true;

    /// <summary>Gets the proxy's toxics, upstream first, each direction in the order they were added.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<ToxiproxyToxic> Toxics { get; init; } = [];

    /// <summary>Gets <see cref="Listen"/> as an endpoint, when it holds an IP address and a port.</summary>
    public IPEndPoint? ListenEndPoint =>
        ProxyAddress.TryParse(Listen, out var host, out var port) && IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : null;
}
