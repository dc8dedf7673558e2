namespace Fleet.Sdk.Discovery;

/// <summary>The registries discovery can use.</summary>
public enum DiscoveryProviderKind
{
    /// <summary>Composite when <c>Fleet:Discovery:Redis:ConnectionString</c> is set, otherwise static.</summary>
    Auto,

    /// <summary>Redis only.</summary>
    Redis,

    /// <summary>The topology file only (one machine, no infrastructure).</summary>
    Static,

    /// <summary>In process only, for tests and single-process fleets.</summary>
    InMemory,

    /// <summary>Redis first; the topology file when Redis cannot be reached and nothing is cached.</summary>
    Composite,
}
