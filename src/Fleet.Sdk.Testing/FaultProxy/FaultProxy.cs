using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>
/// One Toxiproxy proxy: a listener that accepts clients, dials the upstream for each, and joins
/// the two sockets through the proxy's toxics. Disabling closes the listener and every open
/// socket; the toxics stay. Re-enabling binds the same concrete port.
/// </summary>
internal sealed partial class FaultProxy
{
    private static readonly TimeSpan AcceptErrorPause = TimeSpan.FromMilliseconds(20);
    private readonly Lock _gate = new();
    private readonly HashSet<ProxyConnection> _connections = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Socket? _listener;
    private CancellationTokenSource? _stopping;

    public FaultProxy(string name, string listen, string upstream, TimeProvider time, ILogger logger)
    {
        Name = name;
        Listen = listen;
        Upstream = upstream;
        _time = time;
        _logger = logger;
    }

    public string Name { get; }

    /// <summary>Gets the listen address: the bound one while enabled, else as last given or bound.</summary>
    public string Listen { get; private set; }

    public string Upstream { get; private set; }

    public bool Enabled { get; private set; }

    public ToxicCollection Toxics { get; } = new();

    public int OpenConnections
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Binds and starts accepting; throws the API's 500 when the address cannot be bound.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (Enabled)
            {
                return;
            }

            var endpoint = ProxyAddress.ResolveListen(Listen);
            var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT as well, which would let two
                // proxies share a port instead of failing with "address already in use".
                listener.Bind(endpoint);
                listener.Listen(512);
            }
            catch (SocketException ex)
            {
                listener.Dispose();
                throw ToxiproxyApiException.ListenFailed(Listen, ex);
            }

            _listener = listener;
            _stopping = new CancellationTokenSource();
            Listen = ProxyAddress.Format((IPEndPoint)listener.LocalEndPoint!);
            Enabled = true;
            LogStarted(_logger, Name, Listen, Upstream);
            _ = AcceptLoopAsync(listener, _stopping.Token);
        }
    }

    /// <summary>Closes the listener and every open connection; new connections are refused.</summary>
    public void Stop()
    {
        ProxyConnection[] open;
        lock (_gate)
        {
            if (!Enabled)
            {
                return;
            }

            Enabled = false;
            _stopping!.Cancel();
            _listener!.Dispose();
            _listener = null;
            open = [.. _connections];
            _connections.Clear();
        }

        foreach (var connection in open)
        {
            connection.Abort();
        }

        LogStopped(_logger, Name, Listen, open.Length);
    }

    /// <summary>Sets new addresses on a stopped proxy.</summary>
    public void SetAddresses(string listen, string upstream)
    {
        lock (_gate)
        {
            Listen = listen;
            Upstream = upstream;
        }
    }

    public void Forget(ProxyConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    public void CountSocketError(Exception error) => LogSocketError(_logger, Name, error.Message);

    private async Task AcceptLoopAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors, a client that vanished mid-handshake: keep the proxy up.
                LogAcceptFailed(_logger, Name, ex.Message);
                await Task.Delay(AcceptErrorPause, _time, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            _ = HandleClientAsync(client, stopping);
        }
    }

    private async Task HandleClientAsync(Socket client, CancellationToken stopping)
    {
        client.NoDelay = true;
        var upstreamAddress = Upstream;
        Socket upstream;
        try
        {
            upstream = await ConnectAsync(upstreamAddress, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
        {
            // As Toxiproxy: the client is accepted, then closed at once (it reads EOF).
            LogUpstreamUnavailable(_logger, Name, upstreamAddress, ex.Message);
            client.Dispose();
            return;
        }

        var connection = new ProxyConnection(this, client, upstream, _time);
        lock (_gate)
        {
            if (stopping.IsCancellationRequested)
            {
                connection.Abort();
                return;
            }

            _connections.Add(connection);
        }

        try
        {
            await connection.RunAsync(Toxics).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A broken client or upstream must never take the proxy down: log, close, go on.
            LogConnectionFailed(_logger, Name, ex);
            connection.Abort();
        }
    }

    private static async Task<Socket> ConnectAsync(string upstream, CancellationToken cancellationToken)
    {
        if (!ProxyAddress.TryParse(upstream, out var host, out var port))
        {
            throw new ArgumentException($"upstream '{upstream}' is not host:port", nameof(upstream));
        }

        SocketException? last = null;
        foreach (var address in await ProxyAddress.ResolveAllAsync(host, cancellationToken).ConfigureAwait(false))
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch (OperationCanceledException)
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    [LoggerMessage(EventId = 9000, Level = LogLevel.Information, Message = "Proxy {Name} listening on {Listen}, forwarding to {Upstream}.")]
    private static partial void LogStarted(ILogger logger, string name, string listen, string upstream);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Proxy {Name} stopped listening on {Listen}; {Connections} open connection(s) closed.")]
    private static partial void LogStopped(ILogger logger, string name, string listen, int connections);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Proxy {Name} accepted a client but could not reach its upstream {Upstream} ({Reason}); the client was closed. Is the upstream service running?")]
    private static partial void LogUpstreamUnavailable(ILogger logger, string name, string upstream, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Proxy {Name} failed to accept a connection ({Reason}); still listening.")]
    private static partial void LogAcceptFailed(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Error, Message = "Proxy {Name}: a connection failed unexpectedly and was closed; the proxy stays up.")]
    private static partial void LogConnectionFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Debug, Message = "Proxy {Name}: socket error while closing a connection ({Reason}).")]
    private static partial void LogSocketError(ILogger logger, string name, string reason);
}
