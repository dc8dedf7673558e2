using Fleet.Sdk.Testing;

namespace Fleet.Sdk.Tests;

/// <summary>
/// One real three-node JetStream cluster (routes through the fault proxy), healthy before the first test, for the test
/// classes that share it; each test uses its own fleet name. Without nats-server nothing is started and
/// <see cref="Cluster"/> is <see langword="null"/>.
/// </summary>
public sealed class NatsClusterFixture : ServerFixture<NatsCluster>
{
    public NatsCluster Cluster => Instance;

    protected override string? SkipReason => NatsAvailability.SkipReason;

    protected override async Task<NatsCluster> StartAsync()
    {
        var cluster = await NatsCluster.StartAsync();
        try
        {
            await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }
}

/// <summary>The test classes that share one <see cref="NatsClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class NatsClusterCollection : ICollectionFixture<NatsClusterFixture>
{
    public const string Name = "nats-cluster";
}
