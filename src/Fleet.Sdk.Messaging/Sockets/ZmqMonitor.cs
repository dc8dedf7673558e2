using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Fleet.Sdk.Messaging;

/// <summary>The connection events a <see cref="ZmqMonitor"/> reports (libzmq's <c>ZMQ_EVENT_*</c>).</summary>
[Flags]
[SuppressMessage("Design", "CA1008:Enums should have zero value", Justification = "No event is zero in libzmq; None is never reported.")]
public enum ZmqMonitorEvents
{
    /// <summary>No event.</summary>
    None = 0,

    /// <summary>A connect succeeded (TCP level); the value is the file descriptor.</summary>
    Connected = 0x0001,

    /// <summary>A connect is in progress.</summary>
    ConnectDelayed = 0x0002,

    /// <summary>A connect failed and is retried after the reconnect interval; the value is the interval in ms.</summary>
    ConnectRetried = 0x0004,

    /// <summary>A bind succeeded.</summary>
    Listening = 0x0008,

    /// <summary>A bind failed; the value is the errno.</summary>
    BindFailed = 0x0010,

    /// <summary>A connection was accepted; the value is the file descriptor.</summary>
    Accepted = 0x0020,

    /// <summary>Accepting a connection failed; the value is the errno.</summary>
    AcceptFailed = 0x0040,

    /// <summary>A connection's socket was closed.</summary>
    Closed = 0x0080,

    /// <summary>Closing failed.</summary>
    CloseFailed = 0x0100,

    /// <summary>A connection was lost (peer gone, heartbeat timeout, oversize message).</summary>
    Disconnected = 0x0200,

    /// <summary>Monitoring stopped (the socket was closed).</summary>
    MonitorStopped = 0x0400,

    /// <summary>The ZMTP handshake failed without detail (often a handshake timeout); the value is the errno.</summary>
    HandshakeFailedNoDetail = 0x0800,

    /// <summary>The ZMTP handshake (including CURVE and ZAP) succeeded.</summary>
    HandshakeSucceeded = 0x1000,

    /// <summary>The handshake failed on a protocol error; the value is a <c>ZMQ_PROTOCOL_ERROR_*</c> code (for example a wrong CURVE key).</summary>
    HandshakeFailedProtocol = 0x2000,

    /// <summary>The server's ZAP handler refused the client; the value is the ZAP status code (400).</summary>
    HandshakeFailedAuth = 0x4000,

    /// <summary>Every event.</summary>
    All = 0xFFFF,
}

/// <summary>One connection event.</summary>
/// <param name="Event">What happened.</param>
/// <param name="Value">The event's value: a file descriptor, an errno, a ZAP status or a protocol error code.</param>
/// <param name="Endpoint">The endpoint concerned.</param>
public readonly record struct ZmqMonitorEvent(ZmqMonitorEvents Event, int Value, string Endpoint)
{
    /// <summary>Gets a value indicating whether the event is a failed handshake.</summary>
    public bool IsHandshakeFailure => Event is ZmqMonitorEvents.HandshakeFailedAuth or ZmqMonitorEvents.HandshakeFailedProtocol or ZmqMonitorEvents.HandshakeFailedNoDetail;

    /// <summary>Describes the event for people: what happened, and for failures the likely cause.</summary>
    /// <returns>The description.</returns>
    public string Describe() => Event switch
    {
        ZmqMonitorEvents.HandshakeFailedAuth =>
            $"{Endpoint}: the server refused this client's key (ZAP status {Value}); the client's public certificate must be in the server's allow-list",
        ZmqMonitorEvents.HandshakeFailedProtocol => $"{Endpoint}: handshake failed: {DescribeProtocolError(Value)}",
        ZmqMonitorEvents.HandshakeFailedNoDetail => $"{Endpoint}: handshake failed: {DescribeHandshakeErrno(Value)}",
        ZmqMonitorEvents.ConnectRetried => $"{Endpoint}: connection failed; retrying in {Value} ms",
        ZmqMonitorEvents.Disconnected => $"{Endpoint}: disconnected",
        _ => $"{Endpoint}: {Event}",
    };

    /// <summary>Explains the errno of a handshake that failed without detail.</summary>
    internal static string DescribeHandshakeErrno(int errno) => errno switch
    {
        LibZmq.EAGAIN => "the peer did not complete it in time (is it a ZeroMQ peer, and does it use the same security mechanism?)",
        32 or 104 => "the peer closed the connection during the handshake; against a CURVE server this usually means the server public key given to this client is wrong",
        _ => LibZmq.StrError(errno),
    };

    /// <summary>Explains a <c>ZMQ_PROTOCOL_ERROR_*</c> code.</summary>
    internal static string DescribeProtocolError(int code) => (uint)code switch
    {
        0x11000001 => "CURVE decryption failed: the client probably uses the wrong server public key, or its key pair does not match",
        0x11000002 => "security mechanism mismatch: one side uses CURVE and the other does not",
        >= 0x20000000 and < 0x30000000 => $"the ZAP handler gave an invalid reply (code 0x{code:x8})",
        >= 0x10000000 and < 0x11000000 => $"the peer broke the ZMTP protocol (code 0x{code:x8}); is it a ZeroMQ peer?",
        _ => $"protocol error 0x{code:x8}",
    };
}

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
