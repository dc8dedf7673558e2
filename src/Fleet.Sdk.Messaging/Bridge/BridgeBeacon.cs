namespace Fleet.Sdk.Messaging;

/// <summary>What a bridge announces every beacon interval on its subscriber side (topic <c>$fleet.bridge</c>).</summary>
/// <param name="Name">The bridge's name.</param>
/// <param name="Role">Its role.</param>
/// <param name="State">Its state.</param>
/// <param name="Epoch">Its epoch: raised by every take-over, so the newest active bridge wins any conflict.</param>
/// <param name="PeerLost">
/// Whether it has not heard its peer for the peer timeout. An active bridge that cannot hear its peer will never
/// yield to it, so a peer that hears this yields instead (a one-way link). Absent (older bridges): <see langword="false"/>.
/// </param>
internal sealed record BridgeBeacon(string Name, BridgeRole Role, BridgeState State, long Epoch, bool PeerLost = false);
