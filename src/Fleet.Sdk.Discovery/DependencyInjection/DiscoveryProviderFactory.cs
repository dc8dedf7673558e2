using Fleet.Sdk.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Discovery;

/// <summary>Builds the configured <see cref="IDiscoveryProvider"/>.</summary>
internal static class DiscoveryProviderFactory
{
    public static IDiscoveryProvider Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<FleetDiscoveryOptions>>().Value;
        var engine = services.GetRequiredService<IFleetCoordination>().Engine;
        var kind = options.Provider;
        if (kind == DiscoveryProviderKind.Auto)
        {
            kind = engine == CoordinationEngine.InProcess ? DiscoveryProviderKind.Static : DiscoveryProviderKind.Composite;
        }

        return kind switch
        {
            DiscoveryProviderKind.Redis => Redis(services),
            DiscoveryProviderKind.Static => Static(services),
            DiscoveryProviderKind.Composite => new CompositeDiscoveryProvider(Engine(services, engine), Static(services)),
            _ => new InMemoryDiscoveryProvider(services.GetRequiredService<TimeProvider>()),
        };
    }

    /// <summary>The registry on the coordination engine.</summary>
    private static IDiscoveryProvider Engine(IServiceProvider services, CoordinationEngine engine) => engine switch
    {
        CoordinationEngine.Redis => Redis(services),
        CoordinationEngine.Nats => Nats(services),
        _ => throw new InvalidOperationException(
            $"Fleet:Discovery:Provider is Composite, which needs a coordination engine with servers, but {CoordinationConstants.SectionName}:Engine is {engine}. " +
            $"Set {CoordinationConstants.SectionName}:Redis:ConnectionString (or :Sentinels) or :Nats:Servers, or set Fleet:Discovery:Provider to Static."),
    };

    /// <summary>The topology as <c>AddFleetConfiguration</c> loaded it (empty without it), followed through reloads.</summary>
    private static StaticDiscoveryProvider Static(IServiceProvider services)
    {
        var topology = services.GetRequiredService<IOptionsMonitor<Fleet.Sdk.Config.FleetTopologyOptions>>();
        return new StaticDiscoveryProvider(
            topology.CurrentValue.Topology,
            update => topology.OnChange(o => update(o.Topology)),
            services.GetRequiredService<TimeProvider>());
    }

    private static RedisDiscoveryProvider Redis(IServiceProvider services)
    {
        var redis = services.GetRequiredService<IFleetRedis>();
        return new(
            redis,
            services.GetRequiredService<DiscoveryMetrics>(),
            redis.OperationTimeout,
            (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Fleet.Sdk.Discovery.Redis") ?? NullLogger.Instance);
    }

    /// <summary>The registry in a NATS key-value bucket whose entries expire after <c>Fleet:Discovery:Ttl</c> (the bucket's max age).</summary>
    private static NatsDiscoveryProvider Nats(IServiceProvider services) => new(
        services.GetRequiredService<IFleetNats>(),
        services.GetRequiredService<DiscoveryMetrics>(),
        services.GetRequiredService<IOptions<FleetDiscoveryOptions>>().Value.Ttl,
        services.GetRequiredService<TimeProvider>(),
        (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Fleet.Sdk.Discovery.Nats") ?? NullLogger.Instance);
}
