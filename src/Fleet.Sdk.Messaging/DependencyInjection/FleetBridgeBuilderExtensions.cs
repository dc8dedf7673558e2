using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Sdk.Messaging;

/// <summary>Runs a bridge of a primary/backup pair in an agent host, and gives agents a publisher through the pair.</summary>
public static class FleetBridgeBuilderExtensions
{
    /// <summary>
    /// Runs a <see cref="FleetBridge"/> for the host's lifetime, configured from <c>Fleet:Bridge</c>
    /// (role, frontend, backend, peer), on the agent's <see cref="ZmqContext"/>.
    /// </summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="configure">Changes the options after configuration is bound, or <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFleetMessagingBuilder AddFleetBridge(this IFleetMessagingBuilder builder, Action<FleetBridgeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFleetOptions("Fleet:Bridge", section: null, configure, typeof(FleetBridgeOptionsValidator));
        builder.Services.TryAddSingleton(static sp => new FleetBridge(
            sp.GetRequiredService<ZmqContext>(),
            sp.GetRequiredService<IOptions<FleetBridgeOptions>>().Value,
            sp.GetService<ILogger<FleetBridge>>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FleetBridgeHostedService>());
        return builder;
    }

    /// <summary>
    /// Registers a singleton <see cref="BridgePublisher"/> through the bridges of
    /// <c>Fleet:Bridge:Client</c>, and <see cref="FleetBridgeClientOptions"/> for the agent's
    /// <see cref="BridgeSubscriber"/>s.
    /// </summary>
    /// <param name="builder">The messaging builder.</param>
    /// <param name="configure">Changes the options after configuration is bound, or <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFleetMessagingBuilder AddFleetBridgeClient(this IFleetMessagingBuilder builder, Action<FleetBridgeClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFleetOptions("Fleet:Bridge:Client", section: null, configure, typeof(FleetBridgeClientOptionsValidator));
        builder.Services.TryAddSingleton(static sp => new BridgePublisher(
            sp.GetRequiredService<ZmqContext>(),
            sp.GetRequiredService<IOptions<FleetBridgeClientOptions>>().Value,
            sp.GetService<ILogger<BridgePublisher>>()));
        return builder;
    }
}
