using System.Diagnostics.Metrics;
using Fleet.Sdk.Config;
using Fleet.Sdk.Logging;
using Fleet.Sdk.PathManager;
using Fleet.Sdk.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Fleet.Sdk logging: Serilog behind <see cref="ILogger{TCategoryName}"/>, with enrichment, redaction and bounded files.</summary>
public static class FleetLoggingServiceCollectionExtensions
{
    /// <summary>
    /// Makes Fleet.Sdk logging the agent's logging, configured from <c>Fleet:Logging</c> (and
    /// Serilog's own <c>Serilog</c> section) of the registered <see cref="IConfiguration"/>. The
    /// providers registered before this call are removed: Serilog writes every event once. Repeat
    /// calls are harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetLogging(this IServiceCollection services) =>
        AddFleetLoggingCore(services, section: null, configure: null);

    /// <summary>Adds Fleet.Sdk logging, then applies <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetLogging(this IServiceCollection services, Action<FleetLoggingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddFleetLoggingCore(services, section: null, configure);
    }

    /// <summary>Adds Fleet.Sdk logging bound from <paramref name="section"/> instead of <c>Fleet:Logging</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetLogging(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddFleetLoggingCore(services, section, configure: null);
    }

    internal static IServiceCollection AddFleetLoggingCore(IServiceCollection services, IConfiguration? section, Action<FleetLoggingOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFleetPaths();
        services.AddLogging();

        services.AddFleetOptions(LoggingConstants.SectionName, section, configure, typeof(FleetLoggingOptionsValidator));

        if (!services.Any(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(FleetLoggerProvider)))
        {
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider, FleetLoggerProvider>();
            services.AddHostedService<FleetLoggingStartupCheck>();

            // The levels of IFleetLogLevels decide for this provider; the generic Logging:LogLevel rules do not filter it.
            services.Configure<LoggerFilterOptions>(o => o.AddFilter<FleetLoggerProvider>(null, LogLevel.Trace));
        }

        services.AddFleetIdentity();
        services.TryAddSingleton<ISecretRegistry, SecretRegistry>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new FleetLogLevels().Bind(
            sp.GetRequiredService<IOptionsMonitor<FleetLoggingOptions>>(),
            sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build()));
        services.TryAddSingleton<IFleetLogLevels>(static sp => sp.GetRequiredService<FleetLogLevels>());
        services.TryAddSingleton(static sp => new LoggingMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IFleetLoggingStatus>(static sp => sp.GetRequiredService<LoggingMetrics>());
        services.TryAddSingleton(static sp => new FleetLoggingPipeline(
            sp.GetRequiredService<IOptionsMonitor<FleetLoggingOptions>>(),
            sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build(),
            sp.GetRequiredService<IFleetPaths>(),
            sp.GetRequiredService<ISecretRegistry>(),
            sp.GetService<IHostEnvironment>(),
            sp.GetRequiredService<FleetIdentity>(),
            sp.GetRequiredService<LoggingMetrics>(),
            sp.GetRequiredService<FleetLogLevels>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
