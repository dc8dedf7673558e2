using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Fleet.Sdk.Tests;

/// <summary>A TCP server a test drives by hand (it hands each accepted socket to the test), or an echo server.</summary>
internal sealed class TcpPeer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
    private readonly List<Socket> _all = [];
    private readonly Task _loop;

    private TcpPeer(Socket listener, bool echo)
    {
        _listener = listener;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _loop = AcceptLoopAsync(echo);
    }

    public IPEndPoint EndPoint { get; }

    public string Address => $"{EndPoint.Address}:{EndPoint.Port}";

    /// <summary>A server whose accepted sockets the test reads and writes itself.</summary>
    public static TcpPeer Listen(IPAddress? address = null) => new(Bind(address), echo: false);

    /// <summary>A server that echoes everything back on every connection.</summary>
    public static TcpPeer Echo(IPAddress? address = null) => new(Bind(address), echo: true);

    public async Task<Socket> AcceptAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        return await _accepted.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _loop;
        lock (_all)
        {
            foreach (var socket in _all)
            {
                socket.Dispose();
            }
        }
    }

    private static Socket Bind(IPAddress? address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, 0));
        socket.Listen(64);
        return socket;
    }

    private async Task AcceptLoopAsync(bool echo)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            lock (_all)
            {
                _all.Add(socket);
            }

            if (echo)
            {
                _ = EchoAsync(socket);
            }
            else
            {
                _accepted.Writer.TryWrite(socket);
            }
        }
    }

    private static async Task EchoAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer);
                if (read == 0)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return;
        }
    }
}

/// <summary>How a read ended.</summary>
internal enum ReadEnd
{
    Data,
    Eof,
    Reset,
    TimedOut,
}

internal static class Tcp
{
    /// <summary>Ports already handed out by this process: never handed out twice.</summary>
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port free right now on <paramref name="address"/> (loopback by default), bound and released, for servers
    /// that must know each other's ports before they start. It is taken below the kernel's ephemeral range, so no
    /// port the kernel assigns meanwhile (a bind to port 0, an outgoing connection) can take it before the server
    /// binds it; a port from inside that range was taken that way once in CI.
    /// </summary>
    public static int FreePort(IPAddress? address = null)
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 200 && below > 12_000; attempt++)
        {
            var port = Random.Shared.Next(10_000, below);
            lock (HandedOut)
            {
                if (HandedOut.Contains(port))
                {
                    continue;
                }

                try
                {
                    using var probe = new System.Net.Sockets.TcpListener(address ?? IPAddress.Loopback, port);
                    probe.Start();
                }
                catch (SocketException)
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        using var listener = new System.Net.Sockets.TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint);
        return socket;
    }

    public static Task<Socket> ConnectAsync(string listen)
    {
        var colon = listen.LastIndexOf(':');
        return ConnectAsync(new IPEndPoint(IPAddress.Parse(listen[..colon]), int.Parse(listen[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    public static async Task SendAsync(Socket socket, byte[] data)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await socket.SendAsync(data.AsMemory(sent));
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes, or fails saying how the stream ended.</summary>
    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, TimeSpan? timeout = null)
    {
        var buffer = new byte[count];
        var read = 0;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                throw new Xunit.Sdk.XunitException($"the stream ended after {read} of {count} bytes");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Waits for one read and says how it ended (data, EOF, reset, or nothing within <paramref name="timeout"/>).</summary>
    public static async Task<(ReadEnd End, int Count)> ReadOnceAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return (n == 0 ? ReadEnd.Eof : ReadEnd.Data, n);
        }
        catch (OperationCanceledException)
        {
            return (ReadEnd.TimedOut, 0);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (ReadEnd.Reset, 0);
        }
    }

    /// <summary>Reads until the stream ends; returns the bytes and how it ended.</summary>
    public static async Task<(byte[] Data, ReadEnd End)> ReadToEndAsync(Socket socket, TimeSpan timeout)
    {
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return (all.ToArray(), ReadEnd.Eof);
                }

                all.Write(buffer, 0, n);
            }
        }
        catch (OperationCanceledException)
        {
            return (all.ToArray(), ReadEnd.TimedOut);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return (all.ToArray(), ReadEnd.Reset);
        }
    }

    /// <summary>Whether a connection to <paramref name="endPoint"/> is refused.</summary>
    public static async Task<bool> IsRefusedAsync(IPEndPoint endPoint)
    {
        try
        {
            using var socket = await ConnectAsync(endPoint);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    public static byte[] Pattern(int length)
    {
        var data = new byte[length];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i % 251);
        }

        return data;
    }
}
