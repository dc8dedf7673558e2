using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Fleet.Sdk.Security;

/// <summary>
/// A ZeroMQ endpoint (<c>tcp://host:port</c>, <c>ipc://path</c>, <c>inproc://name</c>), parsed
/// enough to apply security rules: does it leave the machine, does it bind every interface.
/// </summary>
public sealed record ZmqEndpoint
{
    private ZmqEndpoint(string text, string transport, string address, string? host, string? port)
    {
        Text = text;
        Transport = transport;
        Address = address;
        Host = host;
        Port = port;
    }

    /// <summary>Gets the endpoint as given.</summary>
    public string Text { get; }

    /// <summary>Gets the transport: <c>tcp</c>, <c>ipc</c>, <c>inproc</c>, <c>ws</c>...</summary>
    public string Transport { get; }

    /// <summary>Gets everything after <c>://</c>; for a connect with a source address (<c>tcp://src;dst</c>) only the destination.</summary>
    public string Address { get; }

    /// <summary>Gets the host of a network endpoint (<c>*</c> for every interface), or <see langword="null"/> for ipc/inproc.</summary>
    public string? Host { get; }

    /// <summary>Gets the port text of a network endpoint (<c>*</c> or <c>!</c> for a random port).</summary>
    public string? Port { get; }

    /// <summary>Gets a value indicating whether traffic stays on this machine (loopback address, ipc, inproc).</summary>
    public bool IsLocal => Transport is "ipc" or "inproc" || IsLoopbackHost(Host);

    /// <summary>Gets a value indicating whether the endpoint names every interface (<c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>).</summary>
    public bool IsAnyAddress => Host is "*" or "0.0.0.0" or "::" or "[::]" or "[*]";

    /// <summary>Parses an endpoint.</summary>
    /// <param name="endpoint">The endpoint text.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="FormatException">It is not <c>transport://address</c>; the message shows the expected form.</exception>
    public static ZmqEndpoint Parse(string endpoint) =>
        TryParse(endpoint, out var parsed, out var error) ? parsed : throw new FormatException(error);

    /// <summary>Parses an endpoint without throwing.</summary>
    /// <param name="endpoint">The endpoint text.</param>
    /// <param name="parsed">The endpoint, when valid.</param>
    /// <param name="error">Why it is not valid, otherwise empty.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? endpoint, [NotNullWhen(true)] out ZmqEndpoint? parsed, out string error)
    {
        parsed = null;
        var separator = endpoint?.IndexOf("://", StringComparison.Ordinal) ?? -1;
        if (endpoint is null || separator <= 0 || separator + 3 >= endpoint.Length)
        {
            error = $"'{endpoint}' is not a ZeroMQ endpoint; expected transport://address, for example tcp://127.0.0.1:5555 or ipc:///run/agent.sock.";
            return false;
        }

        var transport = endpoint[..separator].ToLowerInvariant();
        var address = endpoint[(separator + 3)..];
        var semicolon = address.LastIndexOf(';');
        if (semicolon >= 0)
        {
            address = address[(semicolon + 1)..];
        }

        string? host = null;
        string? port = null;
        if (transport is "tcp" or "ws" or "wss" or "udp" or "pgm" or "epgm" or "tipc" or "vmci")
        {
            var colon = address.LastIndexOf(':');
            if (colon <= 0 || colon == address.Length - 1)
            {
                error = $"'{endpoint}' has no port; expected {transport}://host:port, for example {transport}://127.0.0.1:5555.";
                return false;
            }

            host = address[..colon];
            var slash = address.IndexOf('/', colon);
            port = slash < 0 ? address[(colon + 1)..] : address[(colon + 1)..slash];
        }

        parsed = new ZmqEndpoint(endpoint, transport, address, host, port);
        error = string.Empty;
        return true;
    }

    private static bool IsLoopbackHost(string? host)
    {
        if (host is null)
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(bare, out var ip) && IPAddress.IsLoopback(ip);
    }
}
