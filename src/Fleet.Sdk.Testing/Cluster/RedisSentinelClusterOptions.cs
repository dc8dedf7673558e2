using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>How <see cref="RedisSentinelCluster"/> lays out and tunes a master, a replica and three sentinels.</summary>
public sealed class RedisSentinelClusterOptions
{
    /// <summary>
    /// Gets or sets the simulated machines the processes run on. With a cluster, every process listens on its
    /// machine's address and every link between machines (replication, sentinels' monitoring and gossip,
    /// clients) goes through the cluster's fault proxy, so a partition really cuts it. Machines that do not
    /// exist yet are added.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: every process on 127.0.0.1, no proxy.</value>
    public FleetCluster? Cluster { get; set; }

    /// <summary>Gets or sets the machine of the first master.</summary>
    /// <value>The default value is <c>redis-1</c>.</value>
    public string MasterMachine { get; set; } = "redis-1";

    /// <summary>Gets or sets the machine of the replica.</summary>
    /// <value>The default value is <c>redis-2</c>.</value>
    public string ReplicaMachine { get; set; } = "redis-2";

    /// <summary>Gets or sets the machines of the sentinels, one sentinel each (a machine may be named twice).</summary>
    /// <value>The default value is <c>sentinel-1</c>, <c>sentinel-2</c>, <c>sentinel-3</c>.</value>
    public IReadOnlyList<string> SentinelMachines { get; set; } = ["sentinel-1", "sentinel-2", "sentinel-3"];

    /// <summary>Gets or sets the master's name in Sentinel (<c>sentinel monitor NAME</c>), the clients' <c>ServiceName</c>.</summary>
    /// <value>The default value is <c>fleet</c>.</value>
    public string ServiceName { get; set; } = "fleet";

    /// <summary>Gets or sets how many sentinels must agree that the master is down before a failover (<c>sentinel monitor ... QUORUM</c>).</summary>
    /// <value>The default value is 2 (of 3): a majority is still needed to elect the sentinel that runs the failover.</value>
    public int Quorum { get; set; } = 2;

    /// <summary>Gets or sets how long the master may not answer before a sentinel thinks it down (<c>sentinel down-after-milliseconds</c>).</summary>
    /// <value>The default value is 1 second (Redis's default is 30 s).</value>
    public TimeSpan DownAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets <c>sentinel failover-timeout</c>: how long a failover may take before it is given up, and half
    /// the wait before the same master is failed over again; it also bounds the leader election.
    /// </summary>
    /// <value>The default value is 3 seconds (Redis's default is 3 minutes).</value>
    public TimeSpan FailoverTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets or sets how many replicas resynchronise with a new master at once (<c>sentinel parallel-syncs</c>).</summary>
    /// <value>The default value is 1.</value>
    public int ParallelSyncs { get; set; } = 1;

    /// <summary>
    /// Gets or sets <c>min-replicas-to-write</c> on both servers: a master that has not heard from this many replicas
    /// for <see cref="MinReplicasMaxLag"/> refuses writes (NOREPLICAS), which bounds how long a cut-off old master
    /// takes writes. With one replica, 1 also stops every write while that replica is down.
    /// </summary>
    /// <value>The default value is 0: off (the clients confirm the writes that matter with <c>WAIT</c>).</value>
    public int MinReplicasToWrite { get; set; }

    /// <summary>Gets or sets <c>min-replicas-max-lag</c>: how long a replica may be silent and still count for <see cref="MinReplicasToWrite"/>.</summary>
    /// <value>The default value is 10 seconds (Redis's default).</value>
    public TimeSpan MinReplicasMaxLag { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the redis-server binary; the sentinels run it with <c>--sentinel</c>, which is what redis-sentinel is.</summary>
    /// <value>The default value is <see langword="null"/>: search PATH, then /usr/bin and /usr/local/bin.</value>
    public string? ExecutablePath { get; set; }

    /// <summary>Gets or sets how long the cluster may take to be ready (replica in sync, sentinels knowing the replica and each other).</summary>
    /// <value>The default value is 60 seconds (a loaded machine is slow).</value>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets where the processes' lifecycle is logged (event ids 9020-9025 and 9037-9039).</summary>
    /// <value>The default value is <see langword="null"/>: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock used to poll.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
