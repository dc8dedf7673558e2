namespace Fleet.Sdk.Messaging;

/// <summary>How the client speaks to a service.</summary>
public enum AgentRpcProtocol
{
    /// <summary>
    /// The Python fleet's contract: one UTF-8 JSON frame per request and reply, as pyzmq's
    /// <c>send_json</c>/<c>recv_json</c> on REQ/REP. Works with every agent, Python or Fleet.Sdk.
    /// The client adds a correlation frame before the delimiter, which REP sockets echo untouched.
    /// </summary>
    Legacy,

    /// <summary>
    /// The SDK's envelope (<c>fleet.rpc/1</c>, docs/wire-protocol.md): correlation id, deadline and
    /// caller identity travel with the request. Fleet.Sdk servers only.
    /// </summary>
    Fleet,
}
