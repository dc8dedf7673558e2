using System.Diagnostics.CodeAnalysis;

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
