using System.Runtime.InteropServices;
using Fleet.Sdk.Security;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// A ZeroMQ socket. Made by <see cref="ZmqContext.CreateSocket"/>, which applies the context's
/// defaults (linger, high-water marks, maximum message size, heartbeats, reconnect intervals, TCP
/// keepalive). Every <see cref="Bind"/> and <see cref="Connect"/> first passes
/// <see cref="IFleetSecurity.EnsureEndpointAllowed"/>.
/// </summary>
/// <remarks>
/// A socket is not thread-safe (libzmq's rule): use it from one thread at a time, or hand it
/// over with a full memory barrier (a lock does). <see cref="Dispose"/> is the exception: any
/// thread may call it, even while another thread is blocked on the socket (the close happens when
/// that call returns). Components that need a socket from many threads (the RPC client, the event
/// publisher) own it on one thread or behind a lock.
/// </remarks>
public sealed unsafe partial class ZmqSocket : IZmqSocket
{
    /// <summary>Frames up to this size use the non-blocking fast path that skips the GC transition.</summary>
    private const int FastPathLimit = 64 * 1024;

    private readonly ZmqSocketHandle _handle;
    private readonly ZmqContext _context;
    private bool _attached;

    internal ZmqSocket(ZmqContext context, ZmqSocketType type)
    {
        _context = context;
        Type = type;
        var socket = LibZmq.zmq_socket(context.Handle, (int)type);
        if (socket == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == LibZmq.ETERM ? MessagingErrors.ContextDisposed() : MessagingErrors.Native($"zmq_socket({type})", errno);
        }

        _handle = new ZmqSocketHandle(socket, context.Handle);
        ApplyDefaults(context.Options);
    }

    /// <summary>Gets the socket type.</summary>
    public ZmqSocketType Type { get; }

    /// <summary>Gets the context the socket belongs to.</summary>
    public ZmqContext Context => _context;

    /// <summary>Gets a value indicating whether the socket was set up for CURVE (server or client).</summary>
    public bool UsesCurve { get; private set; }

    /// <summary>Gets a value indicating whether the socket was disposed.</summary>
    public bool IsDisposed => _handle.IsClosed;

    /// <inheritdoc />
    public bool ReceiveMore => GetInt32(LibZmq.ZMQ_RCVMORE) != 0;

    /// <summary>Gets the endpoint of the last bind or connect, with a random port resolved (<c>tcp://127.0.0.1:41234</c>).</summary>
    public string? LastEndpoint
    {
        get
        {
            var text = GetString(LibZmq.ZMQ_LAST_ENDPOINT);
            return string.IsNullOrEmpty(text) ? null : text;
        }
    }

    internal ZmqSocketHandle Handle => _handle;

    /// <summary>
    /// Binds to <paramref name="endpoint"/> after the security policy allows it. Port <c>*</c>
    /// (<c>tcp://127.0.0.1:*</c>) picks a free port.
    /// </summary>
    /// <param name="endpoint">The endpoint, for example <c>tcp://10.0.0.5:7200</c> or <c>ipc:///run/fleet/agent.sock</c>.</param>
    /// <returns>The endpoint actually bound, with a random port resolved.</returns>
    /// <exception cref="FleetSecurityException">The policy forbids it (plaintext off the machine, every interface); the message says how to fix it.</exception>
    /// <exception cref="FormatException">The endpoint is malformed.</exception>
    /// <exception cref="ZmqException">libzmq refused (address in use, not an address of this machine...).</exception>
    public string Bind(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        _context.Security.EnsureEndpointAllowed(endpoint, bind: true, usesCurve: UsesCurve);
        if (LibZmq.zmq_bind(_handle, endpoint) != 0)
        {
            throw MessagingErrors.Native($"zmq_bind {endpoint}", Marshal.GetLastPInvokeError());
        }

        _attached = true;
        return LastEndpoint ?? endpoint;
    }

    /// <summary>Connects to <paramref name="endpoint"/> after the security policy allows it; libzmq connects and reconnects in the background.</summary>
    /// <param name="endpoint">The endpoint, for example <c>tcp://10.0.0.5:7200</c>.</param>
    /// <exception cref="FleetSecurityException">The policy forbids it; the message says how to fix it.</exception>
    /// <exception cref="FormatException">The endpoint is malformed.</exception>
    /// <exception cref="ZmqException">libzmq refused (malformed endpoint, unknown host...).</exception>
    public void Connect(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        _context.Security.EnsureEndpointAllowed(endpoint, bind: false, usesCurve: UsesCurve);
        if (LibZmq.zmq_connect(_handle, endpoint) != 0)
        {
            throw MessagingErrors.Native($"zmq_connect {endpoint}", Marshal.GetLastPInvokeError());
        }

        _attached = true;
    }

    /// <summary>Stops listening on an endpoint this socket bound.</summary>
    /// <param name="endpoint">The endpoint as <see cref="Bind"/> returned it.</param>
    /// <exception cref="ZmqException">It was not bound.</exception>
    public void Unbind(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (LibZmq.zmq_unbind(_handle, endpoint) != 0)
        {
            throw MessagingErrors.Native($"zmq_unbind {endpoint}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Disconnects from an endpoint this socket connected to.</summary>
    /// <param name="endpoint">The endpoint as given to <see cref="Connect"/>.</param>
    /// <exception cref="ZmqException">It was not connected.</exception>
    public void Disconnect(string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (LibZmq.zmq_disconnect(_handle, endpoint) != 0)
        {
            throw MessagingErrors.Native($"zmq_disconnect {endpoint}", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Disconnects if connected; <see langword="false"/> when the endpoint was not connected.</summary>
    internal bool TryDisconnect(string endpoint) => LibZmq.zmq_disconnect(_handle, endpoint) == 0;

    /// <summary>
    /// Makes this socket a CURVE server with the agent's own certificate
    /// (<see cref="IFleetSecurity.GetOwnCertificate"/>), and starts the context's ZAP handler so that
    /// only clients in <see cref="IFleetSecurity.AllowList"/> get in. Call before <see cref="Bind"/>.
    /// </summary>
    /// <param name="zapDomain">The ZAP domain reported to the handler and in its logs.</param>
    /// <exception cref="FleetSecurityException">No usable certificate is configured, or the ZAP handler cannot start.</exception>
    public void UseCurveServer(string zapDomain = MessagingConstants.DefaultZapDomain) =>
        UseCurveServer(_context.Security.GetOwnCertificate(), zapDomain);

    /// <summary>Makes this socket a CURVE server with <paramref name="certificate"/>; clients are authorised against the context's allow-list. Call before <see cref="Bind"/>.</summary>
    /// <param name="certificate">The server's certificate, with its secret key.</param>
    /// <param name="zapDomain">The ZAP domain reported to the handler and in its logs.</param>
    /// <exception cref="FleetSecurityException">The ZAP handler cannot start.</exception>
    public void UseCurveServer(CurveCertificate certificate, string zapDomain = MessagingConstants.DefaultZapDomain)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(zapDomain);
        if (_attached)
        {
            throw MessagingErrors.CurveAfterAttach(nameof(UseCurveServer));
        }

        var secret = certificate.SecretKey ?? throw MessagingErrors.CurveServerNeedsSecret(nameof(certificate));

        // RFC 27: the handler starts before any server, or libzmq would admit every client.
        _context.EnsureZapHandler();
        SetInt32(LibZmq.ZMQ_CURVE_SERVER, 1);
        SetBytes(LibZmq.ZMQ_CURVE_SECRETKEY, secret.Bytes);
        SetBytes(LibZmq.ZMQ_ZAP_DOMAIN, System.Text.Encoding.ASCII.GetBytes(zapDomain));

        // Fail closed if the handler ever went away (libzmq's ZAP_ENFORCE_DOMAIN; older builds lack it,
        // and the handler started above is what protects them).
        _ = TrySetInt32(LibZmq.ZMQ_ZAP_ENFORCE_DOMAIN, 1);
        UsesCurve = true;
    }

    /// <summary>Makes this socket a CURVE client of the server whose public key is <paramref name="serverKey"/>, using the agent's own certificate. Call before <see cref="Connect"/>.</summary>
    /// <param name="serverKey">The server's public key (pin it: <see cref="IFleetSecurity.GetPeerPublicKey"/>).</param>
    /// <exception cref="FleetSecurityException">No usable certificate is configured.</exception>
    public void UseCurveClient(CurvePublicKey serverKey) =>
        UseCurveClient(serverKey, _context.Security.GetOwnCertificate().KeyPair);

    /// <summary>Makes this socket a CURVE client with the key pair <paramref name="own"/>. Call before <see cref="Connect"/>.</summary>
    /// <param name="serverKey">The server's public key.</param>
    /// <param name="own">This client's key pair; its public key must be in the server's allow-list.</param>
    public void UseCurveClient(CurvePublicKey serverKey, CurveKeyPair own)
    {
        ArgumentNullException.ThrowIfNull(serverKey);
        ArgumentNullException.ThrowIfNull(own);
        if (_attached)
        {
            throw MessagingErrors.CurveAfterAttach(nameof(UseCurveClient));
        }

        SetBytes(LibZmq.ZMQ_CURVE_SERVERKEY, serverKey.Bytes);
        SetBytes(LibZmq.ZMQ_CURVE_PUBLICKEY, own.PublicKey.Bytes);
        SetBytes(LibZmq.ZMQ_CURVE_SECRETKEY, own.SecretKey.Bytes);
        UsesCurve = true;
    }

    /// <summary>Subscribes a SUB socket to messages whose first frame starts with <paramref name="prefix"/> (empty: everything).</summary>
    /// <param name="prefix">The topic prefix.</param>
    public void Subscribe(ReadOnlySpan<byte> prefix) => SetBytes(LibZmq.ZMQ_SUBSCRIBE, prefix);

    /// <summary>Subscribes a SUB socket to a UTF-8 topic prefix (empty: everything).</summary>
    /// <param name="prefix">The topic prefix.</param>
    public void Subscribe(string prefix) => Subscribe(System.Text.Encoding.UTF8.GetBytes(prefix ?? throw new ArgumentNullException(nameof(prefix))));

    /// <summary>Removes a subscription made with <see cref="Subscribe(string)"/>.</summary>
    /// <param name="prefix">The topic prefix.</param>
    public void Unsubscribe(string prefix) =>
        SetBytes(LibZmq.ZMQ_UNSUBSCRIBE, System.Text.Encoding.UTF8.GetBytes(prefix ?? throw new ArgumentNullException(nameof(prefix))));

    /// <summary>
    /// Starts monitoring the socket's connection events (connected, disconnected, handshake
    /// succeeded or failed with the reason...). One monitor per socket; dispose it when done.
    /// </summary>
    /// <param name="events">The events to report.</param>
    /// <returns>The monitor, from which events are read.</returns>
    public ZmqMonitor Monitor(ZmqMonitorEvents events = ZmqMonitorEvents.All)
    {
        var endpoint = _context.NextMonitorEndpoint();
        if (LibZmq.zmq_socket_monitor(_handle, endpoint, (int)events) != 0)
        {
            throw MessagingErrors.Native($"zmq_socket_monitor {endpoint}", Marshal.GetLastPInvokeError());
        }

        var pair = _context.CreateSocket(ZmqSocketType.Pair);
        try
        {
            pair.Linger = TimeSpan.Zero;
            pair.Connect(endpoint);
            return new ZmqMonitor(this, pair);
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the monitor of this socket, if it still has one. libzmq's I/O thread writes events to the monitor with a
    /// blocking send: once the reading side is closed, the next event would block that thread, and with it every
    /// connection of the context.
    /// </summary>
    internal void StopMonitor()
    {
        if (_handle.IsClosed)
        {
            return;
        }

        try
        {
            LibZmq.zmq_socket_monitor(_handle, null, 0);
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile: closing stopped the monitor.
            return;
        }
    }

    /// <summary>Closes the socket: unsent messages linger at most <see cref="Linger"/>. Safe from any thread, and more than once.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        _context.Forget(this);
    }

    /// <inheritdoc />
    public bool TrySend(ReadOnlySpan<byte> frame, TimeSpan timeout, bool more = false)
    {
        var milliseconds = ToMilliseconds(timeout);
        var flags = more ? LibZmq.ZMQ_SNDMORE : 0;
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            fixed (byte* data = frame)
            {
                var length = (nuint)frame.Length;
                if (frame.Length <= FastPathLimit)
                {
                    if (LibZmq.zmq_send_nowait(_handle.DangerousGetHandle(), data, length, flags | LibZmq.ZMQ_DONTWAIT) >= 0)
                    {
                        return true;
                    }

                    ThrowUnlessRetryable("zmq_send", LibZmq.zmq_errno_fast());
                }

                if (milliseconds < 0)
                {
                    while (LibZmq.zmq_send(_handle, data, length, flags) < 0)
                    {
                        ThrowUnlessInterrupted("zmq_send", Marshal.GetLastPInvokeError());
                    }

                    return true;
                }

                var deadline = Environment.TickCount64 + milliseconds;
                while (true)
                {
                    if (LibZmq.zmq_send(_handle, data, length, flags | LibZmq.ZMQ_DONTWAIT) >= 0)
                    {
                        return true;
                    }

                    ThrowUnlessRetryable("zmq_send", Marshal.GetLastPInvokeError());
                    if (!WaitFor(LibZmq.ZMQ_POLLOUT, deadline))
                    {
                        return false;
                    }
                }
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    /// <inheritdoc />
    public bool TryReceive(Span<byte> buffer, TimeSpan timeout, out int size)
    {
        var milliseconds = ToMilliseconds(timeout);
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            fixed (byte* data = buffer)
            {
                var length = (nuint)buffer.Length;
                int rc;
                if (buffer.Length <= FastPathLimit)
                {
                    rc = LibZmq.zmq_recv_nowait(_handle.DangerousGetHandle(), data, length, LibZmq.ZMQ_DONTWAIT);
                    if (rc >= 0)
                    {
                        size = rc;
                        return true;
                    }

                    ThrowUnlessRetryable("zmq_recv", LibZmq.zmq_errno_fast());
                }

                if (milliseconds < 0)
                {
                    while ((rc = LibZmq.zmq_recv(_handle, data, length, 0)) < 0)
                    {
                        ThrowUnlessInterrupted("zmq_recv", Marshal.GetLastPInvokeError());
                    }

                    size = rc;
                    return true;
                }

                var deadline = Environment.TickCount64 + milliseconds;
                while (true)
                {
                    rc = LibZmq.zmq_recv(_handle, data, length, LibZmq.ZMQ_DONTWAIT);
                    if (rc >= 0)
                    {
                        size = rc;
                        return true;
                    }

                    ThrowUnlessRetryable("zmq_recv", Marshal.GetLastPInvokeError());
                    if (!WaitFor(LibZmq.ZMQ_POLLIN, deadline))
                    {
                        size = 0;
                        return false;
                    }
                }
            }
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    /// <inheritdoc />
    public bool TryReceive(ZmqFrame frame, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var milliseconds = ToMilliseconds(timeout);
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            var raw = _handle.DangerousGetHandle();
            if (frame.ReceiveNoWait(raw) >= 0)
            {
                return true;
            }

            ThrowUnlessRetryable("zmq_msg_recv", LibZmq.zmq_errno_fast());
            if (milliseconds < 0)
            {
                while (frame.ReceiveBlocking(_handle) < 0)
                {
                    ThrowUnlessInterrupted("zmq_msg_recv", Marshal.GetLastPInvokeError());
                }

                return true;
            }

            var deadline = Environment.TickCount64 + milliseconds;
            while (WaitFor(LibZmq.ZMQ_POLLIN, deadline))
            {
                if (frame.ReceiveNoWait(raw) >= 0)
                {
                    return true;
                }

                ThrowUnlessRetryable("zmq_msg_recv", LibZmq.zmq_errno_fast());
            }

            return false;
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    /// <summary>Waits until the socket can send or receive without blocking.</summary>
    /// <param name="events">What to wait for.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns><see langword="true"/> when ready in time.</returns>
    public bool Poll(ZmqPollEvents events, TimeSpan timeout)
    {
        var milliseconds = ToMilliseconds(timeout);
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            return WaitFor((short)events, milliseconds < 0 ? long.MaxValue : Environment.TickCount64 + milliseconds);
        }
        finally
        {
            _handle.DangerousRelease();
        }
    }

    internal static long ToMilliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        if (timeout < TimeSpan.Zero)
        {
            throw MessagingErrors.InvalidTimeout(nameof(timeout), timeout);
        }

        // Round up, so a 0.5 ms timeout still waits rather than degenerating into a non-blocking try.
        return (long)Math.Ceiling(timeout.TotalMilliseconds);
    }

    internal static void ThrowUnlessRetryable(string operation, int errno)
    {
        if (errno != LibZmq.EAGAIN && errno != LibZmq.EINTR)
        {
            throw MessagingErrors.Native(operation, errno);
        }
    }

    private static void ThrowUnlessInterrupted(string operation, int errno)
    {
        if (errno != LibZmq.EINTR)
        {
            throw MessagingErrors.Native(operation, errno);
        }
    }

    /// <summary>Polls this socket alone until <paramref name="deadline"/> (Environment.TickCount64); the caller holds a reference.</summary>
    private bool WaitFor(short events, long deadline)
    {
        while (true)
        {
            var remaining = deadline == long.MaxValue ? -1 : Math.Max(0, deadline - Environment.TickCount64);
            var item = new LibZmq.ZmqPollItem { Socket = _handle.DangerousGetHandle(), Events = events };
            var rc = LibZmq.zmq_poll(&item, 1, remaining);
            if (rc > 0)
            {
                return true;
            }

            if (rc == 0)
            {
                return false;
            }

            // EINTR: a signal (the runtime uses them) interrupted the wait; wait for what is left.
            ThrowUnlessInterrupted("zmq_poll", Marshal.GetLastPInvokeError());
        }
    }
}
