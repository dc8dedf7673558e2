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
        var kind = options.Provider;
        if (kind == DiscoveryProviderKind.Auto)
        {
            kind = string.IsNullOrWhiteSpace(options.Redis.ConnectionString) ? DiscoveryProviderKind.Static : DiscoveryProviderKind.Composite;
        }

        return kind switch
        {
            DiscoveryProviderKind.Redis => Redis(services, options),
            DiscoveryProviderKind.Static => Static(services),
            DiscoveryProviderKind.Composite => new CompositeDiscoveryProvider(Redis(services, options), Static(services)),
            _ => new InMemoryDiscoveryProvider(services.GetRequiredService<TimeProvider>()),
        };
    }

    /// <summary>The topology as <c>AddFleetConfiguration</c> loaded it (empty without it), followed through reloads.</summary>
    private static StaticDiscoveryProvider Static(IServiceProvider services)
    {
        var topology = services.GetRequiredService<IOptionsMonitor<Fleet.Sdk.Config.FleetTopologyOptions>>();
        return new StaticDiscoveryProvider(
            topology.CurrentValue.Topology,
            update => topology.OnChange(o => update(o.Topology)),
            services.GetRequiredService<TimeProvider>());
    }

    private static RedisDiscoveryProvider Redis(IServiceProvider services, FleetDiscoveryOptions options) =>
        new(
            services.GetRequiredService<IFleetRedis>(),
            services.GetRequiredService<DiscoveryMetrics>(),
            options.Redis.OperationTimeout,
            (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Fleet.Sdk.Discovery.Redis") ?? NullLogger.Instance);
}
