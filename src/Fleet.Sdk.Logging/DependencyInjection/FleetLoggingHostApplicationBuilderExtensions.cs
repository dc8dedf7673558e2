using Fleet.Sdk.Logging;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds Fleet.Sdk logging to a host.</summary>
public static class FleetLoggingHostApplicationBuilderExtensions
{
    /// <summary>
    /// Makes Fleet.Sdk logging the host's logging: JSON files under <c>{logs}/{agent}/</c> with a
    /// size cap, the console (text in Development, JSON elsewhere), agent/machine/trace enrichment,
    /// masked secrets, and levels changeable at run time (<see cref="IFleetLogLevels"/>). Configured
    /// from <c>Fleet:Logging</c> and Serilog's own <c>Serilog</c> section; the paths from <c>Fleet:Paths</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder type.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Optionally changes the options after configuration is bound.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddFleetLogging<TBuilder>(this TBuilder builder, Action<FleetLoggingOptions>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFleetPaths();
        FleetLoggingServiceCollectionExtensions.AddFleetLoggingCore(builder.Services, builder.Configuration.GetSection(LoggingConstants.SectionName), configure);
        return builder;
    }
}
