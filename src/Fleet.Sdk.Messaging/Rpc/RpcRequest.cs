using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <summary>One request as a handler sees it. Valid until the handler's task completes: copy what you keep (<see cref="JsonElement.Clone"/>).</summary>
public sealed class RpcRequest
{
    internal RpcRequest(string action, JsonElement body, AgentRpcProtocol protocol, string? caller, string? callerKey, string? peerAddress, DateTimeOffset deadline)
    {
        Action = action;
        Body = body;
        Protocol = protocol;
        Caller = caller;
        CallerKey = callerKey;
        PeerAddress = peerAddress;
        Deadline = deadline;
    }

    /// <summary>Gets the action, the request's <c>"action"</c> field.</summary>
    public string Action { get; }

    /// <summary>Gets the whole request object, <c>"action"</c> included (legacy requests carry their arguments beside it).</summary>
    public JsonElement Body { get; }

    /// <summary>Gets the protocol the request came in.</summary>
    public AgentRpcProtocol Protocol { get; }

    /// <summary>Gets the name the caller gave in the <c>fleet.rpc/1</c> envelope; a claim, not verified (legacy requests have none).</summary>
    public string? Caller { get; }

    /// <summary>Gets the caller's CURVE public key (Z85) that the ZAP handler verified, or <see langword="null"/> on plaintext sockets. Use it, not <see cref="Caller"/>, to authorise.</summary>
    public string? CallerKey { get; }

    /// <summary>Gets the caller's network address, when libzmq knows it.</summary>
    public string? PeerAddress { get; }

    /// <summary>Gets the time by which the reply is due: the caller's deadline, or the server's handler timeout for legacy requests.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Deserializes the request (its fields beside <c>"action"</c>) into <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The arguments type.</typeparam>
    /// <param name="options">Serializer options; the handlers' options when <see langword="null"/>.</param>
    /// <returns>The arguments.</returns>
    /// <exception cref="AgentRpcException">The request does not fit <typeparamref name="T"/> (replied as <c>bad_request</c>).</exception>
    public T GetArguments<T>(JsonSerializerOptions? options = null)
    {
        try
        {
            return Body.Deserialize<T>(options ?? SerializerOptions) ??
                throw MessagingErrors.ArgumentsNull(Action);
        }
        catch (JsonException ex)
        {
            throw MessagingErrors.ArgumentsMismatch(Action, typeof(T), ex);
        }
    }

    internal JsonSerializerOptions? SerializerOptions { get; init; }
}
