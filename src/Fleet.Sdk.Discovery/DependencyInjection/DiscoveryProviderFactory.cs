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
            kind = string.IsNullOrWhiteSpace(options.Redis.ConnectionString) ? DiscoveryProviderKind.InMemory : DiscoveryProviderKind.Redis;
        }

        return kind switch
        {
            DiscoveryProviderKind.Redis => Redis(services, options),
            _ => new InMemoryDiscoveryProvider(services.GetRequiredService<TimeProvider>()),
        };
    }

    private static RedisDiscoveryProvider Redis(IServiceProvider services, FleetDiscoveryOptions options) =>
        new(
            services.GetRequiredService<IFleetRedis>(),
            services.GetRequiredService<DiscoveryMetrics>(),
            options.Redis.OperationTimeout,
            (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger("Fleet.Sdk.Discovery.Redis") ?? NullLogger.Instance);
}
