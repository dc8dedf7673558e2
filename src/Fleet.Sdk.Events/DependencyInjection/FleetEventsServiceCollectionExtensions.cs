using System.Diagnostics.Metrics;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IDurableStreams"/>.</summary>
public static class FleetEventsServiceCollectionExtensions
{
    /// <summary>
    /// Registers durable streams configured from <c>Fleet:Events:Durable</c>, on the process's coordination
    /// engine (<c>Fleet:Coordination</c>: Redis, NATS JetStream or in-process; the coordination layer is
    /// registered too). Repeat calls are harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetDurableStreams(this IServiceCollection services) =>
        AddCore(services, section: null, configure: null);

    /// <summary>Registers durable streams, then applies <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetDurableStreams(this IServiceCollection services, Action<DurableStreamOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, section: null, configure);
    }

    /// <summary>Registers durable streams bound from <paramref name="section"/> instead of <c>Fleet:Events:Durable</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetDurableStreams(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddCore(services, section, configure: null);
    }

    private static IServiceCollection AddCore(IServiceCollection services, IConfiguration? section, Action<DurableStreamOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFleetCoordination();
        services.AddFleetOptions(DurableStreamConstants.SectionName, section, configure, typeof(DurableStreamOptionsValidator));
        services.TryAddSingleton<IDurableStreams>(static sp => new DurableStreams(
            sp.GetRequiredService<IFleetCoordination>(),
            sp.GetRequiredService<IOptions<DurableStreamOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>()));
        return services;
    }
}
