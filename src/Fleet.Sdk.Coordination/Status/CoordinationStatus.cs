namespace Fleet.Sdk.Coordination;

/// <summary>What <see cref="CoordinationStatusExtensions.GetStatusAsync"/> read from the engine: where it is, its nodes and leader, and the streams and buckets it holds.</summary>
/// <param name="Engine">The engine.</param>
/// <param name="Endpoint">Where it is (servers, or sentinels and service name); never a secret.</param>
/// <param name="KeyPrefix">The fleet's prefix of keys, subjects, streams and buckets.</param>
/// <param name="RoundTrip">A PING's round trip, or <see langword="null"/> when the engine did not answer.</param>
/// <param name="Leader">The master (Redis) or the streams' leader (NATS), or <see langword="null"/> when none is known.</param>
/// <param name="Nodes">Every server, replica and sentinel seen, with its role, state and replication lag.</param>
/// <param name="Streams">The durable streams (Redis streams under the prefix; NATS streams other than key-value buckets).</param>
/// <param name="Buckets">The key-value buckets (NATS only).</param>
/// <param name="Problems">What could not be read (an unreachable sentinel, a replica link down), each in one sentence.</param>
public sealed record CoordinationStatus(
    CoordinationEngine Engine,
    string Endpoint,
    string KeyPrefix,
    TimeSpan? RoundTrip,
    string? Leader,
    IReadOnlyList<CoordinationNodeStatus> Nodes,
    IReadOnlyList<CoordinationStoreStatus> Streams,
    IReadOnlyList<CoordinationStoreStatus> Buckets,
    IReadOnlyList<string> Problems);
