using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>A NATS registry on its own connection (through <c>AddFleetCoordination</c>, as an agent gets it) and its own bucket.</summary>
internal sealed class NatsRegistry : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public NatsRegistry(string servers, TimeSpan? ttl = null, TimeSpan? operationTimeout = null, TimeProvider? time = null, string? fleetName = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        collection.AddFleetCoordination(o =>
        {
            o.Nats.Servers = servers;
            o.Nats.OperationTimeout = operationTimeout ?? TimeSpan.FromSeconds(10);
            o.FleetName = fleetName ?? "t" + Guid.NewGuid().ToString("N")[..12];
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
