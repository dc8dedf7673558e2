using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Waits on several sockets at once (<c>zmq_poll</c>). Add sockets, call <see cref="Poll"/>, then
/// ask which are ready. Not thread-safe: use it on the thread that owns its sockets.
/// </summary>
public sealed unsafe class ZmqPoller
{
    private readonly List<ZmqSocket> _sockets = [];
    private LibZmq.ZmqPollItem[] _items = new LibZmq.ZmqPollItem[4];

    /// <summary>Gets the number of sockets polled.</summary>
    public int Count => _sockets.Count;

    /// <summary>Adds a socket.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="events">What to wait for.</param>
    /// <returns>The socket's index, for <see cref="IsReady"/> and <see cref="SetEvents"/>.</returns>
    public int Add(ZmqSocket socket, ZmqPollEvents events = ZmqPollEvents.In)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (_sockets.Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[_sockets.Count] = new LibZmq.ZmqPollItem { Events = (short)events };
        _sockets.Add(socket);
        return _sockets.Count - 1;
    }

    /// <summary>Changes what the socket at <paramref name="index"/> waits for (<see cref="ZmqPollEvents.None"/> ignores it).</summary>
    /// <param name="index">The index <see cref="Add"/> returned.</param>
    /// <param name="events">What to wait for.</param>
    public void SetEvents(int index, ZmqPollEvents events) => _items[CheckIndex(index)].Events = (short)events;

    /// <summary>Gets a value indicating whether the last poll found the socket at <paramref name="index"/> ready for <paramref name="events"/>.</summary>
    /// <param name="index">The index <see cref="Add"/> returned.</param>
    /// <param name="events">The readiness asked about.</param>
    /// <returns><see langword="true"/> when ready.</returns>
    public bool IsReady(int index, ZmqPollEvents events = ZmqPollEvents.In) => (_items[CheckIndex(index)].Revents & (short)events) != 0;

    /// <summary>Waits until at least one socket is ready or the timeout passes.</summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> forever.</param>
    /// <returns>The number of ready sockets; 0 when the timeout passed.</returns>
    /// <exception cref="ZmqException">libzmq failed, or the context was disposed.</exception>
    /// <exception cref="ObjectDisposedException">A socket was disposed.</exception>
    public int Poll(TimeSpan timeout)
    {
        var milliseconds = ZmqSocket.ToMilliseconds(timeout);
        var count = _sockets.Count;
        var referenced = 0;
        try
        {
            for (; referenced < count; referenced++)
            {
                var added = false;
                _sockets[referenced].Handle.DangerousAddRef(ref added);
                _items[referenced].Socket = _sockets[referenced].Handle.DangerousGetHandle();
                _items[referenced].Revents = 0;
            }

            var deadline = milliseconds < 0 ? long.MaxValue : Environment.TickCount64 + milliseconds;
            fixed (LibZmq.ZmqPollItem* items = _items)
            {
                while (true)
                {
                    var remaining = deadline == long.MaxValue ? -1 : Math.Max(0, deadline - Environment.TickCount64);
                    var rc = LibZmq.zmq_poll(items, count, remaining);
                    if (rc >= 0)
                    {
                        return rc;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != LibZmq.EINTR)
                    {
                        throw MessagingErrors.Native("zmq_poll", errno);
                    }
                }
            }
        }
        finally
        {
            for (var i = 0; i < referenced; i++)
            {
                _sockets[i].Handle.DangerousRelease();
            }
        }
    }

    private int CheckIndex(int index) =>
        (uint)index < (uint)_sockets.Count ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"The poller has {_sockets.Count} socket(s).");
}
