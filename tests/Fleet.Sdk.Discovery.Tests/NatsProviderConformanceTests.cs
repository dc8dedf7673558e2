namespace Fleet.Sdk.Discovery.Tests;

/// <summary>The conformance suite against one real nats-server (bucket with 1 replica).</summary>
[Collection(NatsCollection.Name)]
[RequiresNatsServer]
public sealed class NatsProviderConformanceTests(NatsFixture nats) : NatsBackedConformanceTests
{
    protected override string Servers => nats.Server.Url;
}

/// <summary>The conformance suite against a real three-node cluster (bucket with 3 replicas), from pc2 through its links.</summary>
[Collection(NatsClusterCollection.Name)]
[RequiresNatsServer]
public sealed class NatsClusterProviderConformanceTests(NatsClusterFixture nats) : NatsBackedConformanceTests
{
    protected override string Servers => nats.Cluster.GetServers("pc2");
}

/// <summary>The conformance suite on a NATS registry with its own connection and bucket per test.</summary>
public abstract class NatsBackedConformanceTests : DiscoveryProviderConformanceTests
{
    private NatsRegistry? _registry;

    protected abstract string Servers { get; }

    protected override Task<IDiscoveryProvider> CreateProviderAsync()
    {
        _registry = new NatsRegistry(Servers);
        return Task.FromResult<IDiscoveryProvider>(_registry.Provider);
    }

    public override async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await _registry.DisposeAsync();
        }
    }

    protected override async Task WaitForSubscriptionAsync() =>
        Assert.True(await Poll.UntilAsync(() => _registry!.Provider.ReadyWatches > 0, TimeSpan.FromSeconds(30)), "the KV watcher never started");
}
