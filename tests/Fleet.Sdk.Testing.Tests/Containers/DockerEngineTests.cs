using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Fleet.Sdk.Testing.Tests;

/// <summary>
/// The Docker engine probe against real sockets: a listener that answers the ping like an engine,
/// one that answers an error, one that never answers, and none at all. It never throws.
/// </summary>
public sealed class DockerEngineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void Probe_NoDockerHostAndNoSocket_UnavailableNamingTheSocket()
    {
        using var dir = new TempDirectory();
        var socket = Path.Combine(dir.Path, "docker.sock");

        var status = DockerEngine.Probe(null, null, socket, Timeout);

        Assert.False(status.IsAvailable);
        Assert.Equal("unix://" + socket, status.Endpoint);
        Assert.Equal($"no Docker engine: DOCKER_HOST is unset and {socket} does not exist", status.Reason);
    }

    [Theory]
    [InlineData("ssh://me@builder")]
    [InlineData("npipe:////./pipe/docker_engine")]
    [InlineData("tcp://")]
    [InlineData("unix://")]
    [InlineData("docker.example:2375")]
    public void Probe_DockerHostNotProbeable_UnavailableNamingDockerHost(string dockerHost)
    {
        var status = DockerEngine.Probe(dockerHost, null, "/nonexistent/docker.sock", Timeout);

        Assert.False(status.IsAvailable);
        Assert.StartsWith($"no Docker engine: DOCKER_HOST={dockerHost} is not unix:///path or tcp://host:port", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_UnixSocketAnsweringThePing_Available()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "docker.sock");
        using var engine = Listen(new UnixDomainSocketEndPoint(path), AddressFamily.Unix);
        var served = ServeAsync(engine, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");

        var status = await Task.Run(() => DockerEngine.Probe($"unix://{path}", null, "/nonexistent/docker.sock", Timeout));

        Assert.Equal(new DockerEngineStatus(true, $"unix://{path}", null), status);
        Assert.StartsWith("GET /_ping HTTP/1.0", await served, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_TcpEngineAnsweringAnError_UnavailableWithItsStatusLine()
    {
        using var engine = Listen(new IPEndPoint(IPAddress.Loopback, 0), AddressFamily.InterNetwork);
        var port = ((IPEndPoint)engine.LocalEndPoint!).Port;
        _ = ServeAsync(engine, "HTTP/1.1 500 Internal Server Error\r\n\r\n");

        var status = await Task.Run(() => DockerEngine.Probe($"tcp://127.0.0.1:{port}", null, "/nonexistent/docker.sock", Timeout));

        Assert.False(status.IsAvailable);
        Assert.Equal($"tcp://127.0.0.1:{port}", status.Endpoint);
        Assert.Equal($"no Docker engine: tcp://127.0.0.1:{port} answered the ping with 'HTTP/1.1 500 Internal Server Error', not HTTP 200", status.Reason);
    }

    [Fact]
    public void Probe_TcpNothingListening_UnavailableSayingSo()
    {
        var port = FreePort();

        var status = DockerEngine.Probe($"tcp://127.0.0.1:{port}", null, "/nonexistent/docker.sock", Timeout);

        Assert.False(status.IsAvailable);
        Assert.StartsWith($"no Docker engine: tcp://127.0.0.1:{port} did not answer a ping (", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_EngineAcceptsButNeverAnswers_UnavailableAfterTheTimeout()
    {
        using var engine = Listen(new IPEndPoint(IPAddress.Loopback, 0), AddressFamily.InterNetwork);
        var port = ((IPEndPoint)engine.LocalEndPoint!).Port;

        var status = DockerEngine.Probe($"tcp://127.0.0.1:{port}", null, "/nonexistent/docker.sock", TimeSpan.FromMilliseconds(300));

        Assert.False(status.IsAvailable);
        Assert.Equal($"no Docker engine: tcp://127.0.0.1:{port} did not answer a ping within 300 ms", status.Reason);
    }

    [Fact]
    public void Probe_TlsEngine_ConnectingIsEnough()
    {
        using var engine = Listen(new IPEndPoint(IPAddress.Loopback, 0), AddressFamily.InterNetwork);
        var port = ((IPEndPoint)engine.LocalEndPoint!).Port;

        var status = DockerEngine.Probe($"tcp://127.0.0.1:{port}", "1", "/nonexistent/docker.sock", Timeout);

        Assert.True(status.IsAvailable, status.Reason);
    }

    [Fact]
    public void Current_ThisMachine_AnswersWithoutThrowingAndExplainsAnAbsentEngine()
    {
        var status = DockerEngine.Current;

        Assert.Same(status, DockerEngine.Current);
        Assert.Equal(status.IsAvailable, status.Reason is null);
        if (!status.IsAvailable)
        {
            Assert.StartsWith("no Docker engine: ", status.Reason, StringComparison.Ordinal);
        }
    }

    private static Socket Listen(EndPoint endPoint, AddressFamily family)
    {
        var socket = new Socket(family, SocketType.Stream, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        socket.Bind(endPoint);
        socket.Listen();
        return socket;
    }

    /// <summary>Accepts one connection, reads the request head, answers <paramref name="reply"/> and closes; returns the request.</summary>
    private static async Task<string> ServeAsync(Socket listener, string reply)
    {
        using var peer = await listener.AcceptAsync();
        var request = new StringBuilder();
        var buffer = new byte[1024];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await peer.ReceiveAsync(buffer, SocketFlags.None);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await peer.SendAsync(Encoding.ASCII.GetBytes(reply), SocketFlags.None);
        peer.Shutdown(SocketShutdown.Both);
        return request.ToString();
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
