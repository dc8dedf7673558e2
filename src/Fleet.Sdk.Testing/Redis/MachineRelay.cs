using System.Net;
using System.Net.Sockets;

namespace Fleet.Sdk.Testing;

/// <summary>
/// The one address other Redis processes know a node by (its announced address), relayed per calling
/// machine. Redis and Sentinel exchange node addresses (Sentinel's master address, a replica's announced
/// address, a sentinel's hello), so every observer must use the same address; but each simulated machine
/// has its own fault-proxy link to the node. The relay tells the calling machine by the connection's
/// source address (every process binds its outgoing connections to its machine's address,
/// <c>bind-source-addr</c>) and forwards over that machine's link, so a partition cuts exactly the
/// traffic it would cut between real machines. A caller it cannot place (a shared 127.0.0.1) goes direct.
/// </summary>
internal sealed class MachineRelay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<IPAddress, IPEndPoint> _route;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<Socket> _open = [];

    private MachineRelay(Socket listener, Func<IPAddress, IPEndPoint> route)
    {
        _listener = listener;
        _route = route;
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Gets the address the relay listens on (the node's announced address).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Starts a relay on <paramref name="address"/>:<paramref name="port"/> that sends each caller where <paramref name="route"/> says for its source address.</summary>
    public static MachineRelay Start(IPAddress address, int port, Func<IPAddress, IPEndPoint> route)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(address, port));
            listener.Listen(64);
            return new MachineRelay(listener, route);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        lock (_open)
        {
            foreach (var socket in _open)
            {
                socket.Dispose();
            }

            _open.Clear();
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        Track(client, upstream);
        try
        {
            var source = ((IPEndPoint)client.RemoteEndPoint!).Address;
            source = source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source;
            await upstream.ConnectAsync(_route(source), _stop.Token).ConfigureAwait(false);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client, upstream, done.Token);
            var down = PumpAsync(upstream, client, done.Token);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or ArgumentException)
        {
            // The node or its link is down, or the relay is stopping: closing the caller's socket below is
            // exactly what a refused or broken connection looks like to it.
            client.LingerState = new LingerOption(true, 0);
        }
        finally
        {
            Untrack(client, upstream);
            client.Dispose();
            upstream.Dispose();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side closed or the relay stops: the caller ends both directions.
            return;
        }
    }

    private void Track(Socket client, Socket upstream)
    {
        lock (_open)
        {
            _open.Add(client);
            _open.Add(upstream);
        }
    }

    private void Untrack(Socket client, Socket upstream)
    {
        lock (_open)
        {
            _open.Remove(client);
            _open.Remove(upstream);
        }
    }
}
