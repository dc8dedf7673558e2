using Fleet.Sdk.Testing;

namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>One real nats-server with JetStream for the NATS ledger's test classes; each test uses its own fleet (bucket).</summary>
public sealed class NatsLedgerFixture : IAsyncLifetime
{
    public NatsServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (NatsAvailability.SkipReason is null)
        {
            Server = await NatsServer.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}

/// <summary>The test classes that share one <see cref="NatsLedgerFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class NatsLedgerCollection : ICollectionFixture<NatsLedgerFixture>
{
    public const string Name = "nats-ledger";
}

/// <summary>The ledger conformance suite, unchanged, on the NATS JetStream ledger with one server (one replica).</summary>
[Collection(NatsLedgerCollection.Name)]
[RequiresNatsServer]
public sealed class NatsLedgerConformanceTests(NatsLedgerFixture nats) : GpuLedgerConformanceTests
{
    protected override string? RedisConnectionString => nats.Server.Url;

    [RequiresNatsServerFact]
    public Task ReserveAsync_ManyLedgersOnSeparateConnectionsRaceForOneGpu_NeverOverCommittedAndTokensStrictlyGrow() =>
        NatsLedgerRace.RunAsync([nats.Server.Url]);
}
