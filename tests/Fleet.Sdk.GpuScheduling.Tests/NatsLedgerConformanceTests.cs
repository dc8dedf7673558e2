namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>The ledger conformance suite, unchanged, on the NATS JetStream ledger with one server (one replica).</summary>
[Collection(NatsCollection.Name)]
[RequiresNatsServer]
public sealed class NatsLedgerConformanceTests(NatsFixture nats) : GpuLedgerConformanceTests
{
    protected override string? RedisConnectionString => nats.Server.Url;

    [RequiresNatsServerFact]
    public Task ReserveAsync_ManyLedgersOnSeparateConnectionsRaceForOneGpu_NeverOverCommittedAndTokensStrictlyGrow() =>
        NatsLedgerRace.RunAsync([nats.Server.Url]);
}
