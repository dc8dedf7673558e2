namespace Fleet.Sdk.Testing;

/// <summary>Where a test's servers come from.</summary>
public enum FixtureSource
{
    /// <summary>Processes of the locally installed binaries (redis-server, redis-sentinel, nats-server) and the in-process fault proxy: the default, and what CI runs.</summary>
    Processes,

    /// <summary>Containers started through Testcontainers: Redis (Testcontainers.Redis), nats and Toxiproxy (generic containers).</summary>
    Containers,
}
