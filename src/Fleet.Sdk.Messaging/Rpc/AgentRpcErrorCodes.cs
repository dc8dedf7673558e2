namespace Fleet.Sdk.Messaging;

/// <summary>The error codes of Fleet.Sdk's RPC, as they appear in error replies (<c>{"status":"error","error":CODE,"message":...}</c>).</summary>
public static class AgentRpcErrorCodes
{
    /// <summary>The request is not a JSON object with a string <c>action</c>, or its frames are not a legacy or <c>fleet.rpc/1</c> request.</summary>
    public const string BadRequest = "bad_request";

    /// <summary>No handler serves the action.</summary>
    public const string UnknownAction = "unknown_action";

    /// <summary>The request is larger than the server's (or the client's) maximum message size.</summary>
    public const string TooLarge = "too_large";

    /// <summary>The handler threw; details are in the server's log.</summary>
    public const string HandlerFailed = "handler_failed";

    /// <summary>No reply within the deadline (client), or the handler ran past it (server).</summary>
    public const string Timeout = "timeout";

    /// <summary>No endpoint could take the request: connection refused or lost, or every circuit open.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The server refused the client's CURVE key, or the CURVE handshake failed.</summary>
    public const string Refused = "refused";

    /// <summary>The server is shutting down or over its concurrency limit.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>The request's envelope names a protocol version the server does not speak.</summary>
    public const string UnsupportedVersion = "unsupported_version";

    /// <summary>The reply could not be understood (not JSON, or a malformed envelope).</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>A legacy agent replied <c>{"status":"error"}</c> without a code of ours.</summary>
    public const string RemoteError = "remote_error";
}
