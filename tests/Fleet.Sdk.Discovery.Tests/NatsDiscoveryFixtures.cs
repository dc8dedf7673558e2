using Fleet.Sdk.Coordination;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>One real single-node nats-server for the NATS registry tests; each test uses its own fleet name, so its own bucket.</summary>
public sealed class NatsServerFixture : IAsyncLifetime
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

/// <summary>One real three-node NATS cluster (routes through the fault proxy) for the registry tests that share it.</summary>
public sealed class NatsClusterFixture : IAsyncLifetime
{
    public NatsCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (NatsAvailability.SkipReason is null)
        {
            Cluster = await NatsCluster.StartAsync();
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

[CollectionDefinition(Name)]
public sealed class NatsServerCollection : ICollectionFixture<NatsServerFixture>
{
    public const string Name = "nats-server";
}

[CollectionDefinition(Name)]
public sealed class NatsClusterCollection : ICollectionFixture<NatsClusterFixture>
{
    public const string Name = "nats-cluster";
}

/// <summary>A NATS registry on its own connection (through <c>AddFleetCoordination</c>, as an agent gets it) and its own bucket.</summary>
internal sealed class NatsRegistry : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public NatsRegistry(string servers, TimeSpan? ttl = null, TimeSpan? operationTimeout = null, TimeProvider? time = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        collection.AddFleetCoordination(o =>
        {
            o.Nats.Servers = servers;
            o.Nats.OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(10);
            o.FleetName = "t" + Guid.NewGuid().ToString("N")[..12];
        });
        _services = collection.BuildServiceProvider();
        Nats = _services.GetRequiredService<IFleetNats>();
        Metrics = new DiscoveryMetrics(null);
        Provider = new NatsDiscoveryProvider(Nats, Metrics, ttl ?? TimeSpan.FromSeconds(10), time ?? TimeProvider.System, NullLogger.Instance);
    }

    public IFleetNats Nats { get; }

    public DiscoveryMetrics Metrics { get; }

    public NatsDiscoveryProvider Provider { get; }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
