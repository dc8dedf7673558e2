using Fleet.Sdk.Config;
using Fleet.Sdk.PathManager;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the agent's security: <see cref="IFleetSecurity"/>, <see cref="ISecretStore"/> and <see cref="ISecretRegistry"/>.</summary>
public static class FleetSecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers security configured from the <c>Fleet:Security</c> section of the registered
    /// <see cref="IConfiguration"/>, and the agent's paths if not registered yet. The start-up
    /// policy runs when the host starts and fails it with every problem listed. Repeat calls are harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetSecurity(this IServiceCollection services) =>
        AddFleetSecurityCore(services, section: null, configure: null);

    /// <summary>Registers security, then applies <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetSecurity(this IServiceCollection services, Action<FleetSecurityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddFleetSecurityCore(services, section: null, configure);
    }

    /// <summary>Registers security bound from <paramref name="section"/> instead of <c>Fleet:Security</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetSecurity(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddFleetSecurityCore(services, section, configure: null);
    }

    internal static IServiceCollection AddFleetSecurityCore(IServiceCollection services, IConfiguration? section, Action<FleetSecurityOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLogging();
        services.AddFleetPaths();

        services.AddFleetOptions(SecurityConstants.SectionName, section, configure, typeof(FleetSecurityOptionsValidator));

        services.TryAddSingleton<IEnvironmentVariables>(ProcessEnvironmentVariables.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CommandLineArguments.FromProcess());
        services.TryAddSingleton<ISecretRegistry, SecretRegistry>();
        services.TryAddSingleton<ISecretStore, FileSecretStore>();
        services.TryAddSingleton<IFleetSecurity>(static sp => new FleetSecurity(
            sp.GetRequiredService<IOptions<FleetSecurityOptions>>().Value,
            sp.GetRequiredService<IFleetPaths>(),
            sp.GetRequiredService<ISecretRegistry>(),
            (ILogger?)sp.GetService<ILogger<IFleetSecurity>>() ?? NullLogger.Instance,
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
