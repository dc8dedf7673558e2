using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Events.Tests;

/// <summary>One real three-node JetStream cluster (routes through the fault proxy) for the test classes that share it; none without nats-server.</summary>
public sealed class NatsClusterFixture : IAsyncLifetime
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
