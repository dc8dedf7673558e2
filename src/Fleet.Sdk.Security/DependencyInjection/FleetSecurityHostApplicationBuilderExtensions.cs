using Fleet.Sdk.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds the agent's security to a host.</summary>
public static class FleetSecurityHostApplicationBuilderExtensions
{
    /// <summary>
    /// Registers security from the builder's <c>Fleet:Security</c> section (and the agent's paths
    /// from <c>Fleet:Paths</c>), then <paramref name="configure"/>. The start-up policy fails the
    /// host with every problem listed: missing, exposed or weak certificate, secrets on the command
    /// line, placeholder keys in the environment.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Optionally changes the options after configuration is bound.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddFleetSecurity<TBuilder>(this TBuilder builder, Action<FleetSecurityOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFleetPaths();
        FleetSecurityServiceCollectionExtensions.AddFleetSecurityCore(builder.Services, builder.Configuration.GetSection(SecurityConstants.SectionName), configure);
        return builder;
    }
}
