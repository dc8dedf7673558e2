using System.Net.Sockets;

namespace Fleet.Sdk.Testing;

/// <summary>A client accepted by a proxy and its upstream socket, joined by two toxic links.</summary>
internal sealed class ProxyConnection
{
    private readonly FaultProxy _proxy;
    private readonly Socket _client;
    private readonly Socket _upstream;
    private readonly ToxicLink _toUpstream;
    private readonly ToxicLink _toClient;
    private int _closed;

    public ProxyConnection(FaultProxy proxy, Socket client, Socket upstream, TimeProvider time)
    {
        _proxy = proxy;
        _client = client;
        _upstream = upstream;
        _toUpstream = new ToxicLink(this, ToxicStream.Upstream, client, upstream, time);
        _toClient = new ToxicLink(this, ToxicStream.Downstream, upstream, client, time);
    }

    /// <summary>Starts both directions and cleans up once both have ended.</summary>
    public async Task RunAsync(ToxicCollection toxics)
    {
        toxics.Attach(_toUpstream);
        toxics.Attach(_toClient);
        try
        {
            await Task.WhenAll(_toUpstream.Completion, _toClient.Completion).ConfigureAwait(false);
        }
        finally
        {
            toxics.Detach(_toUpstream);
            toxics.Detach(_toClient);
            Abort();
            _proxy.Forget(this);
        }
    }

    /// <summary>Closes both sockets at once (proxy disabled, deleted or disposed).</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _toUpstream.Close();
            _toClient.Close();
        }

        CloseSocket(_client);
        CloseSocket(_upstream);
    }

    /// <summary>Resets the connection: linger 0, so both peers get RST and see ECONNRESET.</summary>
    public void Reset()
    {
        foreach (var socket in (Socket[])[_client, _upstream])
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                _proxy.CountSocketError(ex);
            }
        }

        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _toUpstream.Close();
            _toClient.Close();
        }

        _client.Dispose();
        _upstream.Dispose();
    }

    /// <summary>
    /// Closes one socket with a FIN. Shutdown comes first: disposing a socket another task is still
    /// receiving on makes .NET abort it, and the peer would see a reset instead of the end of stream.
    /// </summary>
    public void CloseSocket(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already reset by the peer or closed by the other direction: nothing left to end.
            _proxy.CountSocketError(ex);
        }

        socket.Dispose();
    }
}
