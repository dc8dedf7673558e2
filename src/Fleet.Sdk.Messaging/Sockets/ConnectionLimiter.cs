namespace Fleet.Sdk.Messaging;

/// <summary>
/// Caps the connections a bound socket holds, per socket and across the context, from the socket's
/// monitor events. libzmq has no such option for ROUTER: every connection it accepts is reported
/// (<see cref="ZmqMonitorEvents.Accepted"/>, with its descriptor) before its first frame can be
/// decoded in full, and one beyond a cap is shut down at once; libzmq then closes it.
/// Not thread-safe: the socket's thread feeds it its events.
/// </summary>
internal sealed class ConnectionLimiter(ZmqContext context, int perSocket) : IDisposable
{
    private readonly HashSet<int> _open = [];
    private readonly HashSet<int> _ports = [];
    private long _refused;

    /// <summary>Why a connection was refused.</summary>
    public enum Refusal
    {
        /// <summary>The connection was admitted (or the event was not about a new connection).</summary>
        None,

        /// <summary>The socket holds its maximum.</summary>
        SocketFull,

        /// <summary>The context's servers hold their maximum together.</summary>
        ContextFull,
    }

    /// <summary>Gets the events the limiter needs from the monitor.</summary>
    public static ZmqMonitorEvents Events => ZmqMonitorEvents.Accepted | ZmqMonitorEvents.Disconnected;

    /// <summary>Gets the connections held now.</summary>
    public int Open => _open.Count;

    /// <summary>Gets the connections refused so far.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Gets the limit per socket.</summary>
    public int Limit => perSocket;

    /// <summary>Registers a bound endpoint (its TCP port is how a descriptor is recognised as this socket's).</summary>
    public void AddEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        if (endpoint.StartsWith("tcp://", StringComparison.Ordinal) && colon > 0 && int.TryParse(endpoint.AsSpan(colon + 1), out var port))
        {
            _ports.Add(port);
        }
    }

    /// <summary>Counts one monitor event; a connection beyond a cap is shut down.</summary>
    /// <returns>Why the connection was refused, or <see cref="Refusal.None"/>.</returns>
    public Refusal Observe(ZmqMonitorEvent monitorEvent)
    {
        switch (monitorEvent.Event)
        {
            case ZmqMonitorEvents.Accepted:
                if (_open.Count >= perSocket)
                {
                    ForgetClosed();
                }

                var refusal = _open.Count >= perSocket ? Refusal.SocketFull : context.TryTakeConnection() ? Refusal.None : Refusal.ContextFull;
                if (refusal == Refusal.None)
                {
                    _open.Add(monitorEvent.Value);
                    return Refusal.None;
                }

                Interlocked.Increment(ref _refused);
                LibC.ShutdownConnection(monitorEvent.Value, _ports);
                return refusal;

            case ZmqMonitorEvents.Disconnected when _open.Remove(monitorEvent.Value):
                context.ReturnConnection();
                return Refusal.None;

            default:
                return Refusal.None;
        }
    }

    /// <summary>Returns the connections still held to the context (the socket is closing).</summary>
    public void Dispose()
    {
        foreach (var _ in _open)
        {
            context.ReturnConnection();
        }

        _open.Clear();
    }

    /// <summary>
    /// Forgets connections whose descriptor is no longer one of this socket's connections, checked
    /// only when the socket is full: should libzmq ever close one without a disconnect event, a count
    /// that only grew would end by refusing every caller.
    /// </summary>
    private void ForgetClosed()
    {
        var closed = _open.Where(descriptor => !LibC.IsConnectionOn(descriptor, _ports)).ToList();
        foreach (var descriptor in closed)
        {
            _open.Remove(descriptor);
            context.ReturnConnection();
        }
    }
}
