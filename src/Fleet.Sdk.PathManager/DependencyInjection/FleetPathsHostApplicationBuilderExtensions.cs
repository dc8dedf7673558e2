using Fleet.Sdk.PathManager;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds the agent's validated directories to a host.</summary>
public static class FleetPathsHostApplicationBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IFleetPaths"/> from the builder's <c>Fleet:Paths</c> configuration, the
    /// <c>FLEET_&lt;NAME&gt;_DIR</c> environment variables and, highest, <paramref name="configure"/>;
    /// defaults are relative to the builder's content root. Invalid paths fail start-up with every problem listed.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Optionally sets locations in code or adds the agent's own.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddFleetPaths<TBuilder>(this TBuilder builder, Action<FleetPathsOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        FleetPathsServiceCollectionExtensions.AddFleetPathsCore(
            builder.Services,
            builder.Configuration.GetSection(FleetPathsConstants.SectionName),
            configure);
        return builder;
    }
}
