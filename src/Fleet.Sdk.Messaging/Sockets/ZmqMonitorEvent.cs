namespace Fleet.Sdk.Messaging;

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
