using System.Diagnostics.Metrics;
using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers discovery: <see cref="IServiceResolver"/>, <see cref="IServiceRegistrar"/>, <see cref="IDiscoveryProvider"/> and, with Redis, <see cref="IFleetRedis"/>.</summary>
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

    /// <summary>Adds the discovery health check: Redis answers a PING, this process's registrations are fresh, the cached views are young enough.</summary>
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
                var options = sp.GetRequiredService<IOptions<FleetDiscoveryOptions>>();
                return new DiscoveryHealthCheck(
                    sp.GetRequiredService<IServiceResolver>(),
                    options,
                    sp.GetService<IServiceRegistrar>() as ServiceRegistrar,
                    string.IsNullOrWhiteSpace(options.Value.Redis.ConnectionString) ? null : sp.GetRequiredService<IFleetRedis>());
            },
            HealthStatus.Degraded,
            ["fleet", "discovery"]));
    }

    internal static IServiceCollection AddFleetDiscoveryCore(IServiceCollection services, IConfiguration? section, Action<FleetDiscoveryOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFleetSecurity();
        services.AddFleetIdentity();

        services.AddFleetOptions(DiscoveryConstants.SectionName, section, configure, typeof(FleetDiscoveryOptionsValidator));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new DiscoveryMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IFleetRedis>(static sp =>
        {
            var value = sp.GetRequiredService<IOptions<FleetDiscoveryOptions>>().Value;
            if (string.IsNullOrWhiteSpace(value.Redis.ConnectionString))
            {
                throw new InvalidOperationException("Redis is not configured: set Fleet:Discovery:Redis:ConnectionString (for example 10.0.0.2:6379).");
            }

            return new FleetRedisConnection(value.Redis, sp.GetRequiredService<ISecretStore>(), AgentName(sp), Logger(sp, "Fleet.Sdk.Discovery.Redis"));
        });
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
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp, "Fleet.Sdk.Discovery.Registrar")));
        return services;
    }

    /// <summary>This machine for discovery: <see cref="FleetDiscoveryOptions.Machine"/>, else the fleet identity's.</summary>
    internal static string MachineName(IServiceProvider services, FleetDiscoveryOptions options) =>
        options.Machine ?? services.GetRequiredService<FleetIdentity>().Machine;

    private static string AgentName(IServiceProvider services) =>
        services.GetRequiredService<FleetIdentity>().Agent;

    private static ILogger Logger(IServiceProvider services, string category) =>
        (ILogger?)services.GetService<ILoggerFactory>()?.CreateLogger(category) ?? NullLogger.Instance;
}
