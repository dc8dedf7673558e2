using System.Diagnostics.Metrics;
using Fleet.Sdk.Config;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the coordination layer: <see cref="IFleetCoordination"/> and, by engine, <see cref="IFleetRedis"/> or <see cref="IFleetNats"/>.</summary>
public static class FleetCoordinationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the coordination engine configured from <c>Fleet:Coordination</c> (and the legacy
    /// <c>Fleet:Discovery:Redis</c> keys, with a warning): one connection per service provider, made on first use.
    /// Repeat calls are harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetCoordination(this IServiceCollection services) =>
        AddCore(services, section: null, configure: null);

    /// <summary>Registers the coordination engine, then applies <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetCoordination(this IServiceCollection services, Action<FleetCoordinationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, section: null, configure);
    }

    /// <summary>Registers the coordination engine bound from <paramref name="section"/> instead of <c>Fleet:Coordination</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetCoordination(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddCore(services, section, configure: null);
    }

    /// <summary>Adds the coordination health check: the engine answers a PING within a second (degraded otherwise).</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddFleetCoordination(this IHealthChecksBuilder builder, string name = "coordination")
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFleetCoordination();
        return builder.Add(new HealthCheckRegistration(
            name,
            static sp => new CoordinationHealthCheck(sp.GetRequiredService<IFleetCoordination>(), sp.GetRequiredService<CoordinationMetrics>()),
            HealthStatus.Degraded,
            ["fleet", "coordination"]));
    }

    private static IServiceCollection AddCore(IServiceCollection services, IConfiguration? section, Action<FleetCoordinationOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFleetSecurity();
        services.AddFleetIdentity();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FleetCoordinationOptions>, LegacyRedisKeysSetup>(
            static sp => new LegacyRedisKeysSetup(sp.GetService<IConfiguration>())));
        services.AddFleetOptions(CoordinationConstants.SectionName, section, configure, typeof(FleetCoordinationOptionsValidator));
        services.TryAddSingleton(static sp => new CoordinationMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp => Create(sp));
        services.TryAddSingleton(static sp => sp.GetRequiredService<IFleetCoordination>() as IFleetRedis
            ?? throw CoordinationErrors.WrongEngine(CoordinationEngine.Redis, sp.GetRequiredService<IFleetCoordination>().Engine));
        services.TryAddSingleton(static sp => sp.GetRequiredService<IFleetCoordination>() as IFleetNats
            ?? throw CoordinationErrors.WrongEngine(CoordinationEngine.Nats, sp.GetRequiredService<IFleetCoordination>().Engine));
        return services;
    }

    private static IFleetCoordination Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<FleetCoordinationOptions>>().Value;
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var agent = services.GetRequiredService<FleetIdentity>().Agent;
        return options.EffectiveEngine switch
        {
            CoordinationEngine.Redis => new FleetRedisConnection(options, services.GetRequiredService<ISecretStore>(), agent, services.GetRequiredService<CoordinationMetrics>(), loggers.CreateLogger("Fleet.Sdk.Coordination.Redis")),
            CoordinationEngine.Nats => new FleetNatsConnection(options, services.GetRequiredService<ISecretStore>(), agent, services.GetRequiredService<CoordinationMetrics>(), loggers),
            _ => new InProcessCoordination(options.FleetName),
        };
    }
}
