using Fleet.Sdk.Benchmarks.Coordination;
using Fleet.Sdk.GpuScheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Sdk.Benchmarks.Gpu;

/// <summary>A GPU scheduler client for the ledger runners (gpu, ledger): the three machines of <see cref="GpuPlacementBenchmarks.Machines"/>, no live-machine check.</summary>
internal static class GpuClients
{
    /// <summary>Builds one client (its own connection) on <paramref name="kind"/> with <paramref name="settings"/>.</summary>
    /// <param name="kind">The ledger.</param>
    /// <param name="settings">The engine's <c>Fleet:Coordination</c> settings and the fleet name.</param>
    /// <param name="machine">The machine the client says it runs on.</param>
    /// <param name="reportThisMachine">Whether it reports its own machine (<see cref="GpuSchedulingOptions.ReportThisMachine"/>).</param>
    /// <param name="ledger">A ledger to share (in-process: schedulers in one process share one).</param>
    /// <returns>The client's services.</returns>
    public static ServiceProvider Build(GpuLedgerKind kind, IReadOnlyDictionary<string, string?> settings, string machine, bool reportThisMachine, IGpuLedger? ledger = null)
    {
        var services = EngineSetup.Services(settings);
        if (ledger is not null)
        {
            services.AddSingleton(ledger);
        }

        services.AddFleetGpuScheduling(o =>
        {
            o.Ledger = kind;
            o.Machine = machine;
            o.RequireLiveMachine = false;
            o.ReportThisMachine = reportThisMachine;
            foreach (var (name, gpu, mib) in GpuPlacementBenchmarks.Machines)
            {
                o.Devices.Add(new GpuDeviceOptions { Machine = name, Name = gpu, VramMib = mib });
            }
        });
        return services.BuildServiceProvider();
    }
}
