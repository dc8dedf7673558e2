using System.Text.Json;

namespace Fleet.Sdk.Messaging;

/// <summary>Handles one RPC action.</summary>
/// <param name="request">The request.</param>
/// <param name="cancellationToken">Cancelled at the request's deadline and when the server stops.</param>
/// <returns>
/// The reply, serialized as JSON (a <see cref="JsonElement"/>, <c>JsonNode</c> or any serializable
/// object); <see langword="null"/> replies <c>{"status":"ok"}</c>. Throw <see cref="AgentRpcException"/>
/// to reply with a specific error code; any other exception replies <c>handler_failed</c> and is logged.
/// </returns>
public delegate ValueTask<object?> AgentRpcHandler(RpcRequest request, CancellationToken cancellationToken);
