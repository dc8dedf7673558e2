using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// Reads the connection events of one socket (<see cref="ZmqSocket.Monitor"/>). Not thread-safe;
/// dispose it when done. Events stop with <see cref="ZmqMonitorEvents.MonitorStopped"/> when the monitored socket closes.
/// </summary>
public sealed class ZmqMonitor : IDisposable
{
    private readonly ZmqSocket _monitored;
    private readonly ZmqSocket _pair;
    private readonly ZmqFrame _frame = new();

    internal ZmqMonitor(ZmqSocket monitored, ZmqSocket pair)
    {
        _monitored = monitored;
        _pair = pair;
    }

    /// <summary>Gets the socket events arrive on, for use in a <see cref="ZmqPoller"/>.</summary>
    public ZmqSocket Socket => _pair;

    /// <summary>Waits for the next event.</summary>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="monitorEvent">The event, when one arrived.</param>
    /// <returns><see langword="true"/> when an event arrived in time.</returns>
    public bool TryReceive(TimeSpan timeout, out ZmqMonitorEvent monitorEvent)
    {
        monitorEvent = default;
        if (!_pair.TryReceive(_frame, timeout))
        {
            return false;
        }

        // libzmq 4.x, version 1 events: [uint16 event, uint32 value] in native byte order, then the endpoint.
        var header = _frame.Data;
        var more = _frame.More;
        ZmqMonitorEvents kind = default;
        var value = 0;
        if (header.Length >= 6)
        {
            kind = (ZmqMonitorEvents)MemoryMarshal.Read<ushort>(header);
            value = MemoryMarshal.Read<int>(header[2..]);
        }

        var endpoint = string.Empty;
        if (more && _pair.TryReceive(_frame, Timeout.InfiniteTimeSpan))
        {
            endpoint = _frame.ToString();
            while (_frame.More)
            {
                _pair.TryReceive(_frame, Timeout.InfiniteTimeSpan);
            }
        }

        monitorEvent = new ZmqMonitorEvent(kind, value, endpoint);
        return true;
    }

    /// <summary>Stops the monitor, then stops reading events. Safe before or after the monitored socket is closed.</summary>
    public void Dispose()
    {
        // Stop libzmq writing before closing the reader: an event written to a monitor nobody reads any more blocks
        // the context's I/O thread.
        while (_pair.TryReceive(_frame, TimeSpan.Zero))
        {
            // Drained, so the MonitorStopped event libzmq writes on stopping finds room and cannot block this thread.
        }

        _monitored.StopMonitor();
        _pair.Dispose();
        _frame.Dispose();
    }
}
