using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.IntegrationTests.Discovery;

/// <summary>An agent host on one simulated machine, with discovery wired to Redis through that machine's link.</summary>
internal sealed class DiscoveryMachine : DiscoveryAgentMachine
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(500);

    private DiscoveryMachine(IHost host, TempDirectory root, string name)
        : base(host, root, name, registryMayBeGone: false)
    {
    }

    public static async Task<DiscoveryMachine> StartAsync(FleetCluster cluster, string machine, string fleet)
    {
        var root = new TempDirectory();
        var host = await ClusterHost.StartAsync(
            cluster,
            machine,
            fleet,
            root.Path,
            new Dictionary<string, string?>
            {
                ["Fleet:Coordination:Redis:OperationTimeout"] = "00:00:03",
                ["Fleet:Discovery:Ttl"] = Ttl.ToString(),
                ["Fleet:Discovery:HeartbeatInterval"] = Heartbeat.ToString(),
            },
            static services => services.AddFleetDiscovery());
        return new DiscoveryMachine(host, root, machine);
    }
}
