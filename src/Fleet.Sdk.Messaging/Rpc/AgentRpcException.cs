using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <summary>
/// An RPC call failed, or (thrown by a handler) should fail with a specific error code. The
/// <see cref="Code"/> is one of <see cref="AgentRpcErrorCodes"/> or the handler's own.
/// </summary>
public sealed class AgentRpcException : Exception
{
    /// <summary>Creates an exception.</summary>
    public AgentRpcException()
        : this(AgentRpcErrorCodes.HandlerFailed, "The agent RPC call failed.")
    {
    }

    /// <summary>Creates an exception with a message and the <c>handler_failed</c> code.</summary>
    /// <param name="message">What failed, why, and how to fix it.</param>
    public AgentRpcException(string message)
        : this(AgentRpcErrorCodes.HandlerFailed, message)
    {
    }

    /// <summary>Creates an exception with a message, the <c>handler_failed</c> code and a cause.</summary>
    /// <param name="message">What failed, why, and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public AgentRpcException(string message, Exception innerException)
        : this(AgentRpcErrorCodes.HandlerFailed, message, endpoint: null, innerException)
    {
    }

    /// <summary>Creates an exception with an error code. A handler throws this to reply with that code and message.</summary>
    /// <param name="code">The error code, for example <c>not_found</c> or one of <see cref="AgentRpcErrorCodes"/>.</param>
    /// <param name="message">What failed, why, and how to fix it.</param>
    /// <param name="endpoint">The endpoint concerned, if any.</param>
    /// <param name="innerException">The cause, if any.</param>
    public AgentRpcException(string code, string message, string? endpoint = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        Code = code;
        Endpoint = endpoint;
    }

    /// <summary>Gets the error code.</summary>
    public string Code { get; }

    /// <summary>Gets the endpoint that failed or replied with the error, if known.</summary>
    public string? Endpoint { get; }

    /// <summary>
    /// Gets the error reply as the service sent it (<c>{"status":"error",...}</c>, with any fields
    /// a legacy agent adds), when the call failed because the service replied with an error.
    /// </summary>
    /// <value>A standalone copy of the reply, or <see langword="null"/> when no reply came.</value>
    public JsonElement? Reply { get; internal init; }

    /// <summary>Gets a value indicating whether another attempt (on this or another endpoint) may succeed: timeouts, unavailable or overloaded endpoints, refused keys.</summary>
    public bool IsTransient => Code is AgentRpcErrorCodes.Timeout or AgentRpcErrorCodes.Unavailable or AgentRpcErrorCodes.Overloaded or AgentRpcErrorCodes.Refused;
}

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
