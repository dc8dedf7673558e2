using System.Diagnostics.Metrics;
using Fleet.Sdk.Config;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers discovery: <see cref="IServiceResolver"/>, <see cref="IServiceRegistrar"/>, <see cref="IDiscoveryProvider"/>, on the coordination engine of <c>AddFleetCoordination</c>.</summary>
public static class FleetDiscoveryServiceCollectionExtensions
{
    /// <summary>Registers discovery configured from <c>Fleet:Discovery</c> of the registered <see cref="IConfiguration"/>. Repeat calls are harmless.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetDiscovery(this IServiceCollection services) =>
        AddFleetDiscoveryCore(services, section: null, configure: null);

    /// <summary>Registers discovery, then applies <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetDiscovery(this IServiceCollection services, Action<FleetDiscoveryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddFleetDiscoveryCore(services, section: null, configure);
    }

    /// <summary>Registers discovery bound from <paramref name="section"/> instead of <c>Fleet:Discovery</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetDiscovery(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddFleetDiscoveryCore(services, section, configure: null);
    }

    /// <summary>Adds the discovery health check: the coordination engine answers a PING, this process's registrations are fresh, the cached views are young enough.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddFleetDiscovery(this IHealthChecksBuilder builder, string name = "discovery")
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp =>
            {
                var coordination = sp.GetRequiredService<IFleetCoordination>();
                return new DiscoveryHealthCheck(
                    sp.GetRequiredService<IServiceResolver>(),
                    sp.GetRequiredService<IOptions<FleetDiscoveryOptions>>(),
                    sp.GetService<IServiceRegistrar>() as ServiceRegistrar,
                    coordination.Engine == CoordinationEngine.InProcess ? null : coordination);
            },
            HealthStatus.Degraded,
            ["fleet", "discovery"]));
    }

    internal static IServiceCollection AddFleetDiscoveryCore(IServiceCollection services, IConfiguration? section, Action<FleetDiscoveryOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFleetCoordination();
        services.AddFleetIdentity();

        services.AddFleetOptions(DiscoveryConstants.SectionName, section, configure, typeof(FleetDiscoveryOptionsValidator));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new DiscoveryMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp => DiscoveryProviderFactory.Create(sp));
        services.TryAddSingleton<IServiceResolver>(static sp =>
        {
            var value = sp.GetRequiredService<IOptions<FleetDiscoveryOptions>>().Value;
            return new ServiceResolver(
                sp.GetRequiredService<IDiscoveryProvider>(),
                value,
                MachineName(sp, value),
                sp.GetRequiredService<DiscoveryMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                Logger(sp, "Fleet.Sdk.Discovery.Resolver"));
        });
        services.TryAddSingleton<IServiceRegistrar>(static sp => new ServiceRegistrar(
            sp.GetRequiredService<IDiscoveryProvider>(),
            sp.GetRequiredService<IOptions<FleetDiscoveryOptions>>().Value,
            sp.GetRequiredService<IFleetCoordination>().OperationTimeout,
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp, "Fleet.Sdk.Discovery.Registrar")));
        return services;
    }

    /// <summary>This machine for discovery: <see cref="FleetDiscoveryOptions.Machine"/>, else the fleet identity's.</summary>
    internal static string MachineName(IServiceProvider services, FleetDiscoveryOptions options) =>
        options.Machine ?? services.GetRequiredService<FleetIdentity>().Machine;

    private static ILogger Logger(IServiceProvider services, string category) =>
        (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;
}
