using Fleet.Sdk.Config;
using Fleet.Sdk.GpuScheduling;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.IntegrationTests.Gpu;

/// <summary>
/// An agent host on one simulated machine with GPU scheduling on the Redis ledger, reached through
/// that machine's link: mainpc has an RTX 4090 (24 GiB), pc2 an RTX 3060 (12 GiB). Discovery TTL
/// and lease TTL are 2 s, heartbeats 0.5 s.
/// </summary>
internal sealed class GpuMachine : IAsyncDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    private readonly IHost _host;
    private readonly TempDirectory _root;

    private GpuMachine(IHost host, TempDirectory root, string name)
    {
        _host = host;
        _root = root;
        Name = name;
    }

    public string Name { get; }

    public IGpuScheduler Scheduler => _host.Services.GetRequiredService<IGpuScheduler>();

    public static async Task<GpuMachine> StartAsync(FleetCluster cluster, string machine, string fleet)
    {
        var root = new TempDirectory();
        var host = await ClusterHost.StartAsync(
            cluster,
            machine,
            fleet,
            root.Path,
            new Dictionary<string, string?>
            {
                ["Fleet:Discovery:Ttl"] = Ttl.ToString(),
                ["Fleet:Discovery:HeartbeatInterval"] = "00:00:00.500",
                ["Fleet:Gpu:LeaseTtl"] = Ttl.ToString(),
                ["Fleet:Gpu:RenewInterval"] = "00:00:00.500",
                ["Fleet:Gpu:PreemptionGrace"] = "00:00:01",
                ["Fleet:Gpu:RetryInterval"] = "00:00:00.100",
                ["Fleet:Gpu:Devices:0:Machine"] = "mainpc",
                ["Fleet:Gpu:Devices:0:Name"] = "RTX 4090",
                ["Fleet:Gpu:Devices:0:VramMib"] = "24576",
                ["Fleet:Gpu:Devices:1:Machine"] = "pc2",
                ["Fleet:Gpu:Devices:1:Name"] = "RTX 3060",
                ["Fleet:Gpu:Devices:1:VramMib"] = "12288",
            },
            static services => services.AddFleetGpuScheduling());
        return new GpuMachine(host, root, machine);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _root.Dispose();
    }
}
