namespace Fleet.Cli.Deploy;

/// <summary>What a rendered service is.</summary>
internal enum DeployServiceKind
{
    /// <summary>An agent of the topology.</summary>
    Agent,

    /// <summary>A coordination server (nats-server, redis-server, redis-sentinel).</summary>
    Coordination,

    /// <summary>The cross-machine event bridge (<c>fleet bridge run</c>).</summary>
    Bridge,
}
