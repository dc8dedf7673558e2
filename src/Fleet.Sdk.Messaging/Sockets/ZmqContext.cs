using System.Collections.Concurrent;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// A libzmq context: the I/O threads, the sockets made from it, and (when a CURVE server needs
/// one) its ZAP handler. Create one per process (a host registers one) and dispose it last.
/// </summary>
/// <remarks>
/// <para>
/// Every socket the context made is closed when it is disposed, and blocking calls in other
/// threads return at once (libzmq's ETERM, surfaced as <see cref="ZmqException.IsContextTerminated"/>),
/// so disposal never waits for a thread stuck in a receive. Pending outgoing messages linger at most
/// <see cref="FleetMessagingOptions.Linger"/>. A context that is never disposed is terminated on a
/// background thread, never on the finalizer thread.
/// </para>
/// <para>Creating sockets and disposing the context are thread-safe; sockets themselves are not (see <see cref="ZmqSocket"/>).</para>
/// </remarks>
public sealed class ZmqContext : IDisposable
{
    private readonly ZmqContextHandle _handle;
    private readonly ConcurrentDictionary<ZmqSocket, byte> _sockets = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _zapGate = new();
    private readonly IDisposable? _ownedSecurity;
    private ZapHandler? _zap;
    private int _disposed;
    private long _monitorCount;
    private int _inboundConnections;

    /// <summary>Creates a context.</summary>
    /// <param name="options">Socket defaults (linger, high-water marks, message size, heartbeats...); the defaults of <see cref="FleetMessagingOptions"/> when <see langword="null"/>.</param>
    /// <param name="security">
    /// The policy every bind and connect must pass, the agent's certificate and the allow-list of
    /// its ZAP handler. When <see langword="null"/>, the secure defaults of
    /// <see cref="FleetSecurityOptions"/>: plaintext only on loopback, ipc and inproc.
    /// </param>
    /// <param name="loggerFactory">Where the ZAP handler and servers log.</param>
    /// <param name="timeProvider">The clock for log throttling and deadlines.</param>
    /// <exception cref="ZmqException">libzmq is not installed (the message says how to install it).</exception>
    public ZmqContext(FleetMessagingOptions? options = null, IFleetSecurity? security = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ZmqNative.EnsureLoaded();
        Options = options ?? new FleetMessagingOptions();
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        if (security is null)
        {
            security = FleetSecurityFactory.Create(new FleetSecurityOptions(), logger: LoggerFactory.CreateLogger<IFleetSecurity>(), timeProvider: TimeProvider);
            _ownedSecurity = security as IDisposable;
        }

        Security = security;
        var context = LibZmq.zmq_ctx_new();
        if (context == 0)
        {
            throw MessagingErrors.Native("zmq_ctx_new", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        }

        _handle = new ZmqContextHandle(context);
    }

    /// <summary>Gets the socket defaults this context applies to every new socket.</summary>
    public FleetMessagingOptions Options { get; }

    /// <summary>Gets the security policy every bind and connect passes, and the source of CURVE keys and the allow-list.</summary>
    public IFleetSecurity Security { get; }

    /// <summary>Gets the number of open sockets made by this context.</summary>
    public int SocketCount => _sockets.Count;

    /// <summary>Gets a value indicating whether the context was disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    internal ILoggerFactory LoggerFactory { get; }

    internal TimeProvider TimeProvider { get; }

    internal ZmqContextHandle Handle => _handle;

    /// <summary>Gets the ZAP handler, when a CURVE server started it.</summary>
    internal ZapHandler? Zap => _zap;

    /// <summary>Creates a socket with this context's defaults applied.</summary>
    /// <param name="type">The socket type.</param>
    /// <returns>The socket; dispose it when done.</returns>
    /// <exception cref="ObjectDisposedException">The context was disposed.</exception>
    /// <exception cref="ZmqException">libzmq refused (for example too many sockets).</exception>
    public ZmqSocket CreateSocket(ZmqSocketType type)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var socket = new ZmqSocket(this, type);
        _sockets.TryAdd(socket, 0);
        if (IsDisposed)
        {
            // Lost a race with Dispose: never leave a socket the context no longer tracks.
            socket.Dispose();
            throw MessagingErrors.ContextDisposed();
        }

        return socket;
    }

    /// <summary>
    /// Shuts the context down: blocking calls on its sockets return, every socket is closed, the
    /// ZAP handler stops, and libzmq's threads end once lingering messages are flushed.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Wake every thread blocked in this context first, so no close below waits for a call.
        _ = LibZmq.zmq_ctx_shutdown(_handle);
        foreach (var socket in _sockets.Keys)
        {
            socket.Dispose();
        }

        _zap?.Join();
        _handle.MarkDisposedExplicitly();
        _handle.Dispose();
        _ownedSecurity?.Dispose();
    }

    /// <summary>Starts the context's ZAP handler if it is not running; CURVE servers call this before they bind.</summary>
    internal ZapHandler EnsureZapHandler()
    {
        lock (_zapGate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            if (_zap is null)
            {
                var handler = new ZapHandler(this, Security, LoggerFactory.CreateLogger<ZapHandler>(), TimeProvider);
                handler.Start();
                _zap = handler;
            }

            return _zap;
        }
    }

    /// <summary>Gets the inbound connections the context's servers hold now (at most <see cref="FleetMessagingOptions.MaxConnections"/>).</summary>
    internal int InboundConnections => Volatile.Read(ref _inboundConnections);

    /// <summary>Takes one of the context's inbound connection slots, when one is free.</summary>
    internal bool TryTakeConnection()
    {
        while (true)
        {
            var held = Volatile.Read(ref _inboundConnections);
            if (held >= Options.MaxConnections)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inboundConnections, held + 1, held) == held)
            {
                return true;
            }
        }
    }

    /// <summary>Returns a slot taken with <see cref="TryTakeConnection"/>.</summary>
    internal void ReturnConnection() => Interlocked.Decrement(ref _inboundConnections);

    internal string NextMonitorEndpoint() => $"inproc://fleet.monitor.{Environment.ProcessId}.{Interlocked.Increment(ref _monitorCount)}";

    internal void Forget(ZmqSocket socket) => _sockets.TryRemove(socket, out _);
}
