namespace Fleet.Sdk.Discovery;

/// <summary>The registries discovery can use.</summary>
public enum DiscoveryProviderKind
{
    /// <summary>Composite when <c>Fleet:Coordination</c> names servers (Redis or NATS), otherwise static.</summary>
    Auto,

    /// <summary>The Redis registry only (needs the Redis coordination engine).</summary>
    Redis,

    /// <summary>The topology file only (one machine, no infrastructure).</summary>
    Static,

    /// <summary>In process only, for tests and single-process fleets.</summary>
    InMemory,

    /// <summary>The coordination engine's registry first (Redis or NATS); the topology file when it cannot be reached and nothing is cached.</summary>
    Composite,
}
