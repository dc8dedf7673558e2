using Fleet.Sdk.Testing;

namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>A real three-node nats-server cluster (routes through the fault proxy) for the NATS ledger's cluster tests.</summary>
public sealed class NatsClusterLedgerFixture : IAsyncLifetime
{
    public NatsCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (NatsAvailability.SkipReason is null)
        {
            Cluster = await NatsCluster.StartAsync();
            await Cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        }
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>The ledger conformance suite, unchanged, on the NATS JetStream ledger with three servers (three replicas).</summary>
[RequiresNatsServer]
public sealed class NatsClusterLedgerConformanceTests(NatsClusterLedgerFixture nats) : GpuLedgerConformanceTests, IClassFixture<NatsClusterLedgerFixture>
{
    protected override string? RedisConnectionString => nats.Cluster.GetServers("mainpc");

    /// <summary>Regression: on three replicas, nats-server 2.9.10 let two compare-and-set writes from one revision both succeed (a lost grant, a repeated token).</summary>
    [RequiresNatsServerFact]
    public Task ReserveAsync_ManyLedgersOnEveryNodeRaceForOneGpu_NoLostUpdateNeverOverCommittedTokensStrictlyGrow() =>
        NatsLedgerRace.RunAsync([.. nats.Cluster.Machines.Select(nats.Cluster.GetServers)]);
}
