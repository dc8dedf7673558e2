namespace Fleet.Sdk.Messaging;

/// <summary>What a bridge client sends every heartbeat interval to every bridge (topic <c>$fleet.bridge.client</c>).</summary>
/// <param name="Client">The client's id.</param>
/// <param name="Following">The active bridge it follows, or <see langword="null"/> when it has none: a vote for a take-over.</param>
/// <param name="Epoch">The epoch of the bridge it follows.</param>
internal sealed record BridgeClientHeartbeat(string Client, string? Following, long Epoch);
