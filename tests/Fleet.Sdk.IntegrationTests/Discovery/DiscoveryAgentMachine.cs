using Fleet.Sdk.Discovery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Fleet.Sdk.IntegrationTests.Discovery;

/// <summary>
/// An agent host with discovery on one simulated machine, whatever engine it registers in: its own content root, the
/// registrations it made (released when disposed), its resolver. <see cref="DiscoveryMachine"/> (Redis) and
/// <c>NatsAgentMachine</c> (NATS) build the host.
/// </summary>
internal abstract class DiscoveryAgentMachine : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempDirectory _root;
    private readonly bool _registryMayBeGone;
    private readonly List<IServiceRegistration> _registrations = [];

    /// <param name="host">The started host.</param>
    /// <param name="root">Its content root, deleted when disposed.</param>
    /// <param name="name">The machine.</param>
    /// <param name="registryMayBeGone">Whether a registration that cannot be released because the registry is
    /// unreachable (its node killed or cut off at the end of a scenario) is left to expire instead of failing the dispose.</param>
    protected DiscoveryAgentMachine(IHost host, TempDirectory root, string name, bool registryMayBeGone)
    {
        _host = host;
        _root = root;
        _registryMayBeGone = registryMayBeGone;
        Name = name;
    }

    public string Name { get; }

    public IServiceResolver Resolver => _host.Services.GetRequiredService<IServiceResolver>();

    protected IServiceProvider Services => _host.Services;

    public async Task<IServiceRegistration> RegisterAsync(string service, string id)
    {
        var registration = await _host.Services.GetRequiredService<IServiceRegistrar>().RegisterAsync(Instance(service, id));
        _registrations.Add(registration);
        return registration;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var registration in _registrations)
        {
            try
            {
                await registration.DisposeAsync();
            }
            catch (DiscoveryUnavailableException) when (_registryMayBeGone)
            {
                // The entry expires by the registry's TTL (NATS: the bucket's max age).
            }
        }

        await _host.StopAsync();
        _host.Dispose();
        _root.Dispose();
    }

    protected ServiceInstance Instance(string service, string id) => new()
    {
        ServiceName = service,
        InstanceId = id,
        Machine = Name,
        Endpoints = new Dictionary<string, string> { ["rpc"] = $"tcp://127.0.0.1:{7000 + id.Length}" },
    };
}
