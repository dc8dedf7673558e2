using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.IntegrationTests.Discovery;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.IntegrationTests.Coordination;

/// <summary>
/// An agent host on one machine of a <see cref="NatsCluster"/>: the NATS coordination engine with every node
/// reached through that machine's links (its own node directly), and discovery on it (TTL 15 s, heartbeat 1 s).
/// </summary>
internal sealed class NatsAgentMachine : DiscoveryAgentMachine
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(2);

    private NatsAgentMachine(IHost host, TempDirectory root, string name)
        : base(host, root, name, registryMayBeGone: true)
    {
    }

    /// <summary>Gets the registry as the agent sees it (composite: the NATS bucket, the topology as fallback).</summary>
    public IDiscoveryProvider Registry => Services.GetRequiredService<IDiscoveryProvider>();

    public static async Task<NatsAgentMachine> StartAsync(NatsCluster nats, string machine, string fleet)
    {
        var root = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = root.Path });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fleet:Coordination:Engine"] = "Nats",
            ["Fleet:Coordination:Nats:Servers"] = nats.GetServers(machine),
            ["Fleet:Coordination:Nats:ConnectTimeout"] = "00:00:01",
            ["Fleet:Coordination:Nats:OperationTimeout"] = OperationTimeout.ToString(),
            ["Fleet:Coordination:FleetName"] = fleet,
            ["Fleet:Discovery:Machine"] = machine,
            ["Fleet:Discovery:Ttl"] = Ttl.ToString(),
            ["Fleet:Discovery:HeartbeatInterval"] = Heartbeat.ToString(),
        });
        builder.Services.AddSingleton<IEnvironmentVariables>(new DictionaryEnvironmentVariables());
        builder.Services.AddFleetDiscovery();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return new NatsAgentMachine(host, root, machine);
        }
        catch
        {
            host.Dispose();
            root.Dispose();
            throw;
        }
    }

    /// <summary>One registration straight through the registry (no registrar retries), as a probe write.</summary>
    public Task WriteProbeAsync(string id, CancellationToken cancellationToken = default) =>
        Registry.RegisterAsync(Instance("Probe", id), "probe-" + Name, TimeSpan.FromMinutes(10), cancellationToken);

    /// <summary>Whether this machine resolves <paramref name="service"/> with <paramref name="id"/> from a fresh read (not stale).</summary>
    public async Task<bool> ResolvesCurrentAsync(string service, string id)
    {
        try
        {
            var resolution = await Resolver.ResolveAsync(service);
            return !resolution.IsStale && resolution.Instances.Any(i => i.InstanceId == id);
        }
        catch (ServiceNotFoundException)
        {
            return false;
        }
    }
}
