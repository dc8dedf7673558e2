using Fleet.Sdk.Messaging;

namespace Fleet.Sdk.Hosting;

/// <summary>
/// Handles one RPC action. Registered with <c>builder.AddAgentHandler&lt;T&gt;()</c>, a handler is
/// created from a new service scope for every request, so it may take scoped and singleton services
/// in its constructor.
/// </summary>
public interface IAgentHandler
{
    /// <summary>Handles a request.</summary>
    /// <param name="request">The request (read the arguments with <see cref="RpcRequest.GetArguments{T}"/>).</param>
    /// <param name="cancellationToken">Cancelled at the request's deadline and when the agent stops.</param>
    /// <returns>
    /// The reply, serialized as JSON; <see langword="null"/> replies <c>{"status":"ok"}</c>. Throw
    /// <see cref="AgentRpcException"/> for a specific error code; any other exception replies
    /// <c>handler_failed</c>, is logged, and the agent keeps serving.
    /// </returns>
    ValueTask<object?> HandleAsync(RpcRequest request, CancellationToken cancellationToken);
}
