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
