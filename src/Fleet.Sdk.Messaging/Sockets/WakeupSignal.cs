namespace Fleet.Sdk.Messaging;

/// <summary>
/// Wakes a socket-owning thread from any other thread. libzmq sockets are not thread-safe, so
/// the sending PAIR is used under a lock (libzmq allows a socket to move between threads behind
/// a full memory barrier). At most one wake-up is in flight: producers enqueue work, then
/// <see cref="Set"/>; the owner calls <see cref="Reset"/>, then drains its queue.
/// </summary>
internal sealed class WakeupSignal : IDisposable
{
    private readonly ZmqSocket _receiver;
    private readonly ZmqSocket _sender;
    private readonly Lock _gate = new();
    private int _pending;
    private bool _disposed;

    public WakeupSignal(ZmqContext context)
    {
        var endpoint = $"inproc://fleet.wakeup.{Guid.NewGuid():N}";
        _receiver = context.CreateSocket(ZmqSocketType.Pair);
        _sender = context.CreateSocket(ZmqSocketType.Pair);
        _receiver.Linger = TimeSpan.Zero;
        _sender.Linger = TimeSpan.Zero;
        _receiver.Bind(endpoint);
        _sender.Connect(endpoint);
    }

    /// <summary>Gets the socket the owner polls.</summary>
    public ZmqSocket Receiver => _receiver;

    /// <summary>Wakes the owner, unless a wake-up is already pending. Thread-safe.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref _pending, 1) != 0)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                if (!_disposed)
                {
                    _sender.TrySend([], TimeSpan.Zero);
                }
            }
            catch (Exception ex) when (ex is ObjectDisposedException || (ex is ZmqException zmq && zmq.IsContextTerminated))
            {
                // The context is shutting down: the owner thread is ending and needs no wake-up.
                _disposed = true;
            }
        }
    }

    /// <summary>
    /// Consumes pending wake-ups. Owner thread only; drain the work queue after it. The frames are
    /// consumed before the flag is cleared (with a full fence): clearing first would let a wake-up
    /// sent in between be swallowed with the flag left set, and no producer would signal again.
    /// </summary>
    public void Reset()
    {
        Span<byte> scratch = stackalloc byte[1];
        while (_receiver.TryReceive(scratch, TimeSpan.Zero, out _))
        {
        }

        Interlocked.Exchange(ref _pending, 0);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _sender.Dispose();
        }

        _receiver.Dispose();
    }
}
