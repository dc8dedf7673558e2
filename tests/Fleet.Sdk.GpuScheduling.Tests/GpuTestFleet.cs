using Fleet.Sdk.Config;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.GpuScheduling.Tests;

/// <summary>Machines whose liveness a test switches by hand.</summary>
internal sealed class SwitchableLiveness : IMachineLiveness
{
    private readonly HashSet<string> _down = new(StringComparer.OrdinalIgnoreCase);

    public void Down(string machine)
    {
        lock (_down)
        {
            _down.Add(machine);
        }
    }

    public void Up(string machine)
    {
        lock (_down)
        {
            _down.Remove(machine);
        }
    }

    public Task<IReadOnlySet<string>?> LiveMachinesAsync(CancellationToken cancellationToken)
    {
        lock (_down)
        {
            IReadOnlySet<string> live = new HashSet<string>(new[] { "mainpc", "pc2", "pc3" }.Where(m => !_down.Contains(m)), StringComparer.OrdinalIgnoreCase);
            return Task.FromResult<IReadOnlySet<string>?>(live);
        }
    }
}

/// <summary>A scheduler over one ledger (in-process, Redis, or NATS for a <c>nats://</c> server list), configured in code: mainpc (RTX 4090, 24 GiB) and pc2 (RTX 3060, 12 GiB), margin 512 MiB.</summary>
internal sealed class GpuTestFleet : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private GpuTestFleet(ServiceProvider services, string fleetName)
    {
        _services = services;
        FleetName = fleetName;
    }

    public string FleetName { get; }

    public GpuScheduler Scheduler => _services.GetRequiredService<GpuScheduler>();

    public IGpuLedger Ledger => _services.GetRequiredService<IGpuLedger>();

    public static GpuTestFleet Create(string? redis, Action<GpuSchedulingOptions>? configure = null, bool threeMachines = false, GpuTestFleet? sharing = null)
    {
        var services = new ServiceCollection();
        var fleet = sharing?.FleetName ?? $"g{Guid.NewGuid():N}"[..10];
        if (sharing is not null && redis is null)
        {
            services.AddSingleton(sharing.Ledger);
        }

        // A nats:// server list selects the NATS ledger (NatsLedgerConformanceTests), anything else Redis.
        var nats = redis?.StartsWith("nats://", StringComparison.Ordinal) == true;
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Redis:ConnectionString"] = nats ? null : redis,
            ["Fleet:Coordination:Nats:Servers"] = nats ? redis : null,
            ["Fleet:Coordination:FleetName"] = fleet,
        }).Build());
        services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        var liveness = new SwitchableLiveness();
        services.AddSingleton<IMachineLiveness>(liveness);
        services.AddFleetGpuScheduling(o =>
        {
            o.Ledger = redis is null ? GpuLedgerKind.InProcess : nats ? GpuLedgerKind.Nats : GpuLedgerKind.Redis;
            o.Machine = "mainpc";
            o.LeaseTtl = TimeSpan.FromSeconds(2);
            o.PreemptionGrace = TimeSpan.FromSeconds(1);
            o.RenewInterval = TimeSpan.FromMilliseconds(200);
            o.RetryInterval = TimeSpan.FromMilliseconds(50);
            o.Devices.Add(new GpuDeviceOptions { Machine = "mainpc", Name = "RTX 4090", VramMib = 24576 });
            o.Devices.Add(new GpuDeviceOptions { Machine = "pc2", Name = "RTX 3060", VramMib = 12288 });
            if (threeMachines)
            {
                o.Devices.Add(new GpuDeviceOptions { Machine = "pc3", Name = "RTX 3090", VramMib = 24576 });
            }

            configure?.Invoke(o);
        });
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return new GpuTestFleet(provider, fleet);
    }

    public SwitchableLiveness Liveness => (SwitchableLiveness)_services.GetRequiredService<IMachineLiveness>();

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
