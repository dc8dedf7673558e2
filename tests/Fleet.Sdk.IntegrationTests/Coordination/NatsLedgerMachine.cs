using Fleet.Sdk.Config;
using Fleet.Sdk.Coordination;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// A GPU scheduler on one simulated machine of a <see cref="NatsCluster"/>, on the NATS ledger, dialling the
/// nodes as that machine does (its own directly, the others through its links). Every machine's GPU is in the
/// inventory: mainpc and pc3 24 GiB, pc2 12 GiB, 512 MiB margin. Lease TTL 3 s, heartbeat 0.5 s; liveness is
/// not checked (the ledger is what is under test). Every lease it grants is recorded in <see cref="Leases"/>.
/// </summary>
internal sealed class NatsLedgerMachine : IAsyncDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(3);

    private readonly ServiceProvider _services;

    private NatsLedgerMachine(ServiceProvider services, string name, NatsLedgerLeases leases)
    {
        _services = services;
        Name = name;
        Leases = leases;
    }

    public string Name { get; }

    public NatsLedgerLeases Leases { get; }

    public IGpuScheduler Scheduler => _services.GetRequiredService<IGpuScheduler>();

    /// <summary>Gets the node this machine's connection is on right now, for the test output.</summary>
    public string ConnectedServer => _services.GetRequiredService<IFleetNats>().Connection.ServerInfo?.Name ?? "(none)";

    public static NatsLedgerMachine Create(NatsCluster nats, string machine, string fleet, NatsLedgerLeases leases)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Nats:Servers"] = nats.GetServers(machine),
            ["Fleet:Coordination:FleetName"] = fleet,
            ["Fleet:Coordination:Nats:OperationTimeout"] = "00:00:02",
        }).Build());
        services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        services.AddFleetGpuScheduling(o =>
        {
            o.Ledger = GpuLedgerKind.Nats;
            o.Machine = machine;
            o.LeaseTtl = Ttl;
            o.RenewInterval = TimeSpan.FromMilliseconds(500);
            o.PreemptionGrace = TimeSpan.FromSeconds(1);
            o.RetryInterval = TimeSpan.FromMilliseconds(100);
            o.RequireLiveMachine = false;
            o.ReportThisMachine = false;
            o.Devices.Add(new GpuDeviceOptions { Machine = "mainpc", Name = "RTX 4090", VramMib = 24576 });
            o.Devices.Add(new GpuDeviceOptions { Machine = "pc2", Name = "RTX 3060", VramMib = 12288 });
            o.Devices.Add(new GpuDeviceOptions { Machine = "pc3", Name = "RTX 3090", VramMib = 24576 });
        });
        return new NatsLedgerMachine(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), machine, leases);
    }

    /// <summary>Asks once for <paramref name="vramMib"/> on <paramref name="gpuMachine"/>'s GPU; the lease (recorded) or null when it does not fit.</summary>
    /// <exception cref="GpuLedgerUnavailableException">The ledger cannot be reached from this machine.</exception>
    public async Task<GpuLease?> AcquireAsync(string workload, long vramMib, string gpuMachine)
    {
        var result = await Scheduler.AcquireAsync(new GpuRequest(workload, vramMib, Rules: new GpuPlacementRules { RequiredMachine = gpuMachine }), TimeSpan.Zero);
        if (result.Lease is { } lease)
        {
            Leases.Granted(Name, lease);
        }

        return result.Lease;
    }

    /// <summary>Polls <see cref="AcquireAsync"/> through unavailability until it grants or <paramref name="deadline"/> passes.</summary>
    public async Task<GpuLease?> AcquireWhenAvailableAsync(string workload, long vramMib, string gpuMachine, TimeSpan deadline)
    {
        GpuLease? lease = null;
        await Poll.UntilAsync(
            async () =>
            {
                try
                {
                    lease = await AcquireAsync(workload, vramMib, gpuMachine);
                    return lease is not null;
                }
                catch (GpuLedgerUnavailableException)
                {
                    return false;
                }
            },
            deadline);
        return lease;
    }

    /// <summary>Releases a lease, recording when the holder stopped using it (before the ledger hears of it).</summary>
    public Task ReleaseAsync(GpuLease lease)
    {
        Leases.Stopped(lease, DateTimeOffset.UtcNow);
        return lease.ReleaseAsync();
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
