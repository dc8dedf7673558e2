using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Sdk.Testing;

/// <summary>
/// Finds a Docker engine cheaply and without throwing: <c>DOCKER_HOST</c> when set (<c>unix://</c>
/// or <c>tcp://</c>), else <c>/var/run/docker.sock</c>, answering <c>GET /_ping</c> within a second.
/// The container fixtures start only where it answers; tests that need them skip with
/// <see cref="DockerEngineStatus.Reason"/>.
/// </summary>
public static class DockerEngine
{
    /// <summary>The socket Docker listens on by default.</summary>
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>How long a probe waits for the engine in all.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private static readonly Lazy<DockerEngineStatus> Probed = new(
        () => Probe(Environment.GetEnvironmentVariable("DOCKER_HOST"), Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY"), DefaultSocket, ProbeTimeout));

    /// <summary>This process's engine, probed once (from <c>DOCKER_HOST</c>, <c>DOCKER_TLS_VERIFY</c> and <see cref="DefaultSocket"/>).</summary>
    public static DockerEngineStatus Current => Probed.Value;

    /// <summary>Probes the engine <paramref name="dockerHost"/> names, or <paramref name="defaultSocket"/> when it is unset. Never throws.</summary>
    /// <param name="dockerHost">The <c>DOCKER_HOST</c> value, or <see langword="null"/>.</param>
    /// <param name="tlsVerify">The <c>DOCKER_TLS_VERIFY</c> value: when set, a <c>tcp://</c> engine only has to accept a connection (the probe speaks no TLS).</param>
    /// <param name="defaultSocket">The socket to try when <paramref name="dockerHost"/> is unset.</param>
    /// <param name="timeout">How long to wait for the engine in all.</param>
    public static DockerEngineStatus Probe(string? dockerHost, string? tlsVerify, string defaultSocket, TimeSpan timeout)
    {
        if (!TryParseHost(dockerHost, defaultSocket, out var endPoint, out var display, out var problem))
        {
            return Unavailable(display, problem);
        }

        if (endPoint is UnixDomainSocketEndPoint && !File.Exists(display["unix://".Length..]))
        {
            return Unavailable(display, string.IsNullOrWhiteSpace(dockerHost)
                ? $"DOCKER_HOST is unset and {defaultSocket} does not exist"
                : $"DOCKER_HOST={dockerHost} names a socket that does not exist");
        }

        var pingOnly = endPoint is not UnixDomainSocketEndPoint && !string.IsNullOrEmpty(tlsVerify);
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            var answer = PingAsync(endPoint, display, pingOnly, cancel.Token).GetAwaiter().GetResult();
            return answer is null ? new DockerEngineStatus(true, display, null) : Unavailable(display, answer);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            return Unavailable(display, ex is OperationCanceledException
                ? string.Create(CultureInfo.InvariantCulture, $"{display} did not answer a ping within {timeout.TotalMilliseconds:0} ms")
                : $"{display} did not answer a ping ({ex.Message})");
        }
    }

    /// <summary>Reads <c>DOCKER_HOST</c>: <c>unix:///path</c> or <c>tcp://host:port</c>; unset means <paramref name="defaultSocket"/>.</summary>
    internal static bool TryParseHost(string? dockerHost, string defaultSocket, [NotNullWhen(true)] out EndPoint? endPoint, out string display, [NotNullWhen(false)] out string? problem)
    {
        endPoint = null;
        problem = null;
        var value = string.IsNullOrWhiteSpace(dockerHost) ? "unix://" + defaultSocket : dockerHost.Trim();
        display = value;
        if (value.StartsWith("unix://", StringComparison.Ordinal) && value.Length > "unix://".Length)
        {
            endPoint = new UnixDomainSocketEndPoint(value["unix://".Length..]);
            return true;
        }

        if (value.StartsWith("tcp://", StringComparison.Ordinal)
            && Uri.TryCreate("http://" + value["tcp://".Length..], UriKind.Absolute, out var uri)
            && !string.IsNullOrEmpty(uri.Host)
            && uri.AbsolutePath == "/")
        {
            var port = uri.IsDefaultPort ? 2375 : uri.Port;
            endPoint = new DnsEndPoint(uri.Host.Trim('[', ']'), port);
            display = string.Create(CultureInfo.InvariantCulture, $"tcp://{uri.Host}:{port}");
            return true;
        }

        problem = $"DOCKER_HOST={value} is not unix:///path or tcp://host:port (ssh:// and npipe:// engines are not probed: set DOCKER_HOST to the engine's socket or TCP address)";
        return false;
    }

    private static async Task<string?> PingAsync(EndPoint endPoint, string display, bool connectOnly, CancellationToken cancellationToken)
    {
        using var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        if (connectOnly)
        {
            return null;
        }

        await socket.SendAsync("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[512];
        var read = 0;
        int got;
        while (read < buffer.Length && (got = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
        {
            read += got;
        }

        var reply = Encoding.ASCII.GetString(buffer, 0, read);
        var statusLine = reply.Split('\n', 2)[0].Trim();
        return statusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) && statusLine.Split(' ').ElementAtOrDefault(1) == "200"
            ? null
            : $"{display} answered the ping with '{(statusLine.Length > 80 ? statusLine[..80] : statusLine)}', not HTTP 200";
    }

    private static DockerEngineStatus Unavailable(string endpoint, string why) => new(false, endpoint, "no Docker engine: " + why);
}
