using Fleet.Sdk.Config;
using Fleet.Sdk.PathManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IFleetPaths"/>, the agent's validated directories.</summary>
public static class FleetPathsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IFleetPaths"/>, configured from the <c>Fleet:Paths</c> section of the
    /// registered <see cref="IConfiguration"/> and the <c>FLEET_&lt;NAME&gt;_DIR</c> environment variables.
    /// The paths are resolved and checked once, at start-up when a host runs (failing it with every
    /// problem listed), otherwise on first use. Repeat calls are harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetPaths(this IServiceCollection services) =>
        AddFleetPathsCore(services, section: null, configure: null);

    /// <summary>Registers <see cref="IFleetPaths"/> with values set in code, which win over environment and configuration.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets locations in code, or adds the agent's own locations.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetPaths(this IServiceCollection services, Action<FleetPathsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddFleetPathsCore(services, section: null, configure);
    }

    /// <summary>Registers <see cref="IFleetPaths"/>, reading the configuration layer from <paramref name="section"/> instead of <c>Fleet:Paths</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section whose keys are location names, for example <c>Models</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetPaths(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddFleetPathsCore(services, section, configure: null);
    }

    internal static IServiceCollection AddFleetPathsCore(IServiceCollection services, IConfiguration? section, Action<FleetPathsOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<FleetPathsOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (section is not null)
        {
            services.Replace(ServiceDescriptor.Singleton(new FleetPathsConfigurationSection(section)));
        }

        services.TryAddSingleton<IEnvironmentVariables>(ProcessEnvironmentVariables.Instance);
        services.TryAddSingleton(static sp => new FleetPathsProvider(
            sp.GetRequiredService<IEnvironmentVariables>(),
            sp.GetService<FleetPathsConfigurationSection>()?.Section
                ?? sp.GetService<IConfiguration>()?.GetSection(FleetPathsConstants.SectionName),
            sp.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory(),
            (ILogger?)sp.GetService<ILogger<IFleetPaths>>() ?? NullLogger.Instance));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FleetPathsOptions>, FleetPathsOptionsValidator>());
        services.TryAddSingleton<IFleetPaths>(static sp =>
        {
            // Reading Value runs the validator, which resolves and checks the paths exactly once.
            var options = sp.GetRequiredService<IOptions<FleetPathsOptions>>().Value;
            var outcome = sp.GetRequiredService<FleetPathsProvider>().Resolve(options);
            return outcome.Paths ?? throw new OptionsValidationException(Options.Options.DefaultName, typeof(FleetPathsOptions), outcome.Problems);
        });

        return services;
    }

    /// <summary>The configuration section given explicitly to <see cref="AddFleetPaths(IServiceCollection, IConfiguration)"/>.</summary>
    internal sealed record FleetPathsConfigurationSection(IConfiguration Section);
}
