using Fleet.Sdk.Coordination;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fleet.Sdk.Discovery.Tests;

/// <summary>The conformance suite against Redis with Sentinel: a master, a replica and three real sentinels; the connection asks the sentinels for the master.</summary>
[Collection(RedisSentinelCollection.Name)]
[RequiresRedisSentinel]
public sealed class RedisSentinelProviderConformanceTests(RedisSentinelFixture sentinel) : DiscoveryProviderConformanceTests
{
    private ServiceProvider? _services;
    private IFleetRedis? _connection;

    protected override Task<IDiscoveryProvider> CreateProviderAsync()
    {
        var settings = new Dictionary<string, string?>(sentinel.Settings) { ["Fleet:Coordination:FleetName"] = $"t{Guid.NewGuid():N}"[..12] };
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddFleetCoordination()
            .BuildServiceProvider();
        _connection = _services.GetRequiredService<IFleetRedis>();
        return Task.FromResult<IDiscoveryProvider>(new RedisDiscoveryProvider(_connection, new DiscoveryMetrics(null), TimeSpan.FromSeconds(5), NullLogger.Instance));
    }

    public override async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>A subscription is registered asynchronously: wait until the master or the replica counts a subscriber of the provider's change channel.</summary>
    protected override Task WaitForSubscriptionAsync() =>
        RedisSubscribers.WaitForSubscriberAsync(sentinel.Cluster.Servers, _connection!.KeyPrefix + "changes", TimeSpan.FromSeconds(10));
}
