namespace Fleet.Sdk.Coordination;

/// <summary>One node of the engine as the status read saw it.</summary>
/// <param name="Name">Its address (Redis) or server name (NATS).</param>
/// <param name="Role"><c>master</c>, <c>replica</c>, <c>sentinel</c> (Redis); <c>leader</c>, <c>replica</c>, <c>server</c> (NATS).</param>
/// <param name="State">What it reported: <c>online</c>, <c>current</c>, <c>offline</c>, a sentinel's view of the master, ...</param>
/// <param name="LagOperations">How far behind the leader it is: bytes of replication stream (Redis) or operations (NATS); <see langword="null"/> for a leader or when unknown.</param>
/// <param name="LastSeen">How long ago the leader last heard from it, or <see langword="null"/> when unknown.</param>
public sealed record CoordinationNodeStatus(string Name, string Role, string State, long? LagOperations, TimeSpan? LastSeen);
