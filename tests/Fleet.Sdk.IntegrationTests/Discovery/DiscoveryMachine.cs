using Fleet.Sdk.Config;
using Fleet.Sdk.Discovery;
using Fleet.Sdk.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.IntegrationTests.Discovery;

/// <summary>An agent host on one simulated machine, with discovery wired to Redis through that machine's link.</summary>
internal sealed class DiscoveryMachine : IAsyncDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(500);

    private readonly IHost _host;
    private readonly TempDirectory _root;
    private readonly List<IServiceRegistration> _registrations = [];

    private DiscoveryMachine(IHost host, TempDirectory root, string name)
    {
        _host = host;
        _root = root;
        Name = name;
    }

    public string Name { get; }

    public IServiceResolver Resolver => _host.Services.GetRequiredService<IServiceResolver>();

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

    public async Task<IServiceRegistration> RegisterAsync(string service, string id)
    {
        var registration = await _host.Services.GetRequiredService<IServiceRegistrar>().RegisterAsync(new ServiceInstance
        {
            ServiceName = service,
            InstanceId = id,
            Machine = Name,
            Endpoints = new Dictionary<string, string> { ["rpc"] = $"tcp://127.0.0.1:{7000 + id.Length}" },
        });
        _registrations.Add(registration);
        return registration;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var registration in _registrations)
        {
            await registration.DisposeAsync();
        }

        await _host.StopAsync();
        _host.Dispose();
        _root.Dispose();
    }
}
