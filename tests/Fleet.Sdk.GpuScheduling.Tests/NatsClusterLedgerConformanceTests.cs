namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>The ledger conformance suite, unchanged, on the NATS JetStream ledger with three servers (three replicas).</summary>
[RequiresNatsServer]
public sealed class NatsClusterLedgerConformanceTests(NatsClusterFixture nats) : GpuLedgerConformanceTests, IClassFixture<NatsClusterFixture>
{
    protected override string? RedisConnectionString => nats.Cluster.GetServers("mainpc");

    /// <summary>Regression: on three replicas, nats-server 2.9.10 let two compare-and-set writes from one revision both succeed (a lost grant, a repeated token).</summary>
    [RequiresNatsServerFact]
    public Task ReserveAsync_ManyLedgersOnEveryNodeRaceForOneGpu_NoLostUpdateNeverOverCommittedTokensStrictlyGrow() =>
        NatsLedgerRace.RunAsync([.. nats.Cluster.Machines.Select(nats.Cluster.GetServers)]);
}
