using Fleet.Sdk.Config;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds the fleet topology to any configuration builder (hosts use <c>AddFleetConfiguration</c> instead).</summary>
public static class FleetConfigurationBuilderExtensions
{
    /// <summary>Adds a <see cref="FleetTopologyConfigurationSource"/>; add it before the environment and command line so they win over it.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="configure">Sets the files, machine, agent and reload behaviour.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="FleetConfigurationException">When the configuration is built: the topology cannot be loaded or has errors.</exception>
    public static IConfigurationBuilder AddFleetTopology(this IConfigurationBuilder builder, Action<FleetTopologyConfigurationSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new FleetTopologyConfigurationSource();
        configure(source);
        return builder.Add(source);
    }
}
