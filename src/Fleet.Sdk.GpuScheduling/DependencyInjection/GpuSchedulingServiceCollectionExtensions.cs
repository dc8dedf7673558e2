using System.Diagnostics.Metrics;
using Fleet.Sdk.Config;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.GpuScheduling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers GPU scheduling: <see cref="IGpuScheduler"/>, its ledger, and this machine's liveness registration and nvidia-smi reporting.</summary>
public static class GpuSchedulingServiceCollectionExtensions
{
    /// <summary>Registers GPU scheduling configured from <c>Fleet:Gpu</c> (and discovery from <c>Fleet:Discovery</c>). Repeat calls are harmless.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetGpuScheduling(this IServiceCollection services) =>
        AddFleetGpuSchedulingCore(services, section: null, configure: null);

    /// <summary>Registers GPU scheduling, then applies <paramref name="configure"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetGpuScheduling(this IServiceCollection services, Action<GpuSchedulingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddFleetGpuSchedulingCore(services, section: null, configure);
    }

    /// <summary>Registers GPU scheduling bound from <paramref name="section"/> instead of <c>Fleet:Gpu</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddFleetGpuScheduling(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return AddFleetGpuSchedulingCore(services, section, configure: null);
    }

    private static IServiceCollection AddFleetGpuSchedulingCore(IServiceCollection services, IConfiguration? section, Action<GpuSchedulingOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFleetDiscovery();
        services.AddFleetIdentity();
        services.AddFleetOptions(GpuSchedulingConstants.SectionName, section, configure, typeof(GpuSchedulingOptionsValidator));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new GpuMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<IGpuLedger>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<GpuSchedulingOptions>>().Value;
            var engine = sp.GetRequiredService<IFleetCoordination>();
            var kind = options.Ledger == GpuLedgerKind.Auto
                ? engine.Engine switch
                {
                    CoordinationEngine.Redis => GpuLedgerKind.Redis,
                    CoordinationEngine.Nats => GpuLedgerKind.Nats,
                    _ => GpuLedgerKind.InProcess,
                }
                : options.Ledger;
            return kind switch
            {
                GpuLedgerKind.Redis => new RedisGpuLedger(sp.GetRequiredService<IFleetRedis>(), engine.OperationTimeout),
                GpuLedgerKind.Nats => new NatsGpuLedger(
                    sp.GetRequiredService<IFleetNats>(),
                    sp.GetRequiredService<TimeProvider>(),
                    (ILogger?)sp.GetService<ILoggerFactory>()?.CreateLogger("Fleet.Sdk.GpuScheduling.Ledger") ?? NullLogger.Instance),
                _ => new InProcessGpuLedger(sp.GetRequiredService<TimeProvider>()),
            };
        });
        services.TryAddSingleton<IMachineLiveness>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<GpuSchedulingOptions>>().Value;
            return options.RequireLiveMachine
                ? new DiscoveryMachineLiveness(sp.GetRequiredService<IServiceResolver>(), options.LivenessService)
                : new EveryMachineLive();
        });
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<GpuSchedulingOptions>>().Value;
            return new GpuScheduler(
                sp.GetRequiredService<IGpuLedger>(),
                sp.GetRequiredService<IOptionsMonitor<FleetTopologyOptions>>(),
                sp.GetRequiredService<IMachineLiveness>(),
                options,
                MachineName(sp, options),
                sp.GetRequiredService<GpuMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                (ILogger?)sp.GetService<ILoggerFactory>()?.CreateLogger("Fleet.Sdk.GpuScheduling") ?? NullLogger.Instance);
        });
        services.TryAddSingleton<IGpuScheduler>(static sp => sp.GetRequiredService<GpuScheduler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GpuNodeService>(static sp => new GpuNodeService(
            sp.GetRequiredService<GpuScheduler>(),
            sp.GetRequiredService<IServiceRegistrar>(),
            sp.GetRequiredService<IOptions<GpuSchedulingOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<GpuNodeService>>() ?? NullLogger<GpuNodeService>.Instance)));
        return services;
    }

    /// <summary>This machine for GPU scheduling: <see cref="GpuSchedulingOptions.Machine"/>, else discovery's, else the fleet identity's.</summary>
    private static string MachineName(IServiceProvider services, GpuSchedulingOptions options) =>
        options.Machine
        ?? services.GetRequiredService<IOptions<FleetDiscoveryOptions>>().Value.Machine
        ?? services.GetRequiredService<FleetIdentity>().Machine;
}
