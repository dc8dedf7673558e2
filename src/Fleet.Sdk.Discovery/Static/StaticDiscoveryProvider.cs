using System.Globalization;
using System.Net;
using Fleet.Sdk.Config;

namespace Fleet.Sdk.Discovery;

/// <summary>
/// Discovery from the fleet topology (the embedded default: one machine, no infrastructure). Every
/// agent of the topology is one instance of the service named after it, on its machine, with an
/// <c>rpc</c> endpoint (<c>tcp://host:port</c>) and a <c>health</c> endpoint (<c>http://host:health_port</c>);
/// the host is the agent's own bind address when it is a real address, else its machine's host,
/// else <c>127.0.0.1</c>. Agents registered in this process are added to (and win over) the
/// topology's entries, with the same TTL and ownership rules as the other providers.
/// </summary>
public sealed class StaticDiscoveryProvider : IDiscoveryProvider, IDisposable
{
    private readonly InMemoryDiscoveryProvider _local;
    private readonly Lock _gate = new();
    private readonly List<Action<string>> _watchers = [];
    private readonly IDisposable? _topologySubscription;
    private volatile IReadOnlyDictionary<string, ServiceInstance[]> _fromTopology;

    /// <summary>Creates a provider over a fixed topology.</summary>
    /// <param name="topology">The fleet topology.</param>
    /// <param name="timeProvider">The clock for local registrations' TTLs.</param>
    public StaticDiscoveryProvider(FleetTopology topology, TimeProvider? timeProvider = null)
        : this(topology, onTopologyChanged: null, timeProvider)
    {
    }

    internal StaticDiscoveryProvider(FleetTopology topology, Func<Action<FleetTopology>, IDisposable?>? onTopologyChanged, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(topology);
        _local = new InMemoryDiscoveryProvider(timeProvider);
        _fromTopology = Index(topology);
        _topologySubscription = onTopologyChanged?.Invoke(Update);
    }

    /// <inheritdoc />
    public string Name => "static";

    /// <summary>Replaces the topology (configuration reload); watchers hear about every service that changed.</summary>
    /// <param name="topology">The new topology.</param>
    public void Update(FleetTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var previous = _fromTopology;
        var next = Index(topology);
        _fromTopology = next;
        foreach (var service in previous.Keys.Union(next.Keys, StringComparer.Ordinal))
        {
            var before = previous.TryGetValue(service, out var b) ? b : [];
            var after = next.TryGetValue(service, out var a) ? a : [];
            if (before.Length != after.Length || before.Zip(after).Any(p => p.First.InstanceId != p.Second.InstanceId || !InMemoryDiscoveryProvider.SameContent(p.First, p.Second)))
            {
                Notify(service);
            }
        }
    }

    /// <inheritdoc />
    public Task RegisterAsync(ServiceInstance instance, string ownerToken, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        _local.RegisterAsync(instance, ownerToken, ttl, cancellationToken);

    /// <inheritdoc />
    public Task DeregisterAsync(string serviceName, string instanceId, string ownerToken, CancellationToken cancellationToken = default) =>
        _local.DeregisterAsync(serviceName, instanceId, ownerToken, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServiceInstance>> FetchAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        var local = await _local.FetchAsync(serviceName, cancellationToken).ConfigureAwait(false);
        return Merge(local, _fromTopology.TryGetValue(serviceName, out var configured) ? configured : []);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServiceInstance>> FetchAllAsync(CancellationToken cancellationToken = default)
    {
        var local = await _local.FetchAllAsync(cancellationToken).ConfigureAwait(false);
        return Merge(local, _fromTopology.Values.SelectMany(v => v).ToList());
    }

    /// <inheritdoc />
    public IDisposable WatchChanges(Action<string> onServiceChanged)
    {
        ArgumentNullException.ThrowIfNull(onServiceChanged);
        var local = _local.WatchChanges(onServiceChanged);
        lock (_gate)
        {
            _watchers.Add(onServiceChanged);
        }

        return new Subscription(this, onServiceChanged, local);
    }

    /// <inheritdoc />
    public void Dispose() => _topologySubscription?.Dispose();

    /// <summary>The topology's entry for one agent, as discovery presents it.</summary>
    internal static ServiceInstance? ToInstance(FleetAgent agent, FleetTopology topology)
    {
        if (!ServiceNames.IsValid(agent.Name) || !ServiceNames.IsValid(agent.Machine))
        {
            return null;
        }

        var machineHost = topology.TryGetMachine(agent.Machine, out var machine) ? machine.Host : null;
        var host = IsConnectable(agent.Host) ? agent.Host! : IsConnectable(machineHost) ? machineHost! : "127.0.0.1";
        var endpoints = new Dictionary<string, string>(StringComparer.Ordinal);
        if (agent.Port is { } port)
        {
            endpoints["rpc"] = string.Create(CultureInfo.InvariantCulture, $"tcp://{host}:{port}");
        }

        if (agent.HealthPort is { } healthPort)
        {
            endpoints["health"] = string.Create(CultureInfo.InvariantCulture, $"http://{host}:{healthPort}");
        }

        return new ServiceInstance
        {
            ServiceName = agent.Name,
            InstanceId = agent.Machine,
            Machine = agent.Machine,
            Endpoints = endpoints,
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["source"] = "topology" },
        };
    }

    private static bool IsConnectable(string? host) =>
        !string.IsNullOrWhiteSpace(host) && host is not ("0.0.0.0" or "*" or "::" or "[::]") &&
        !(IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));

    private static Dictionary<string, ServiceInstance[]> Index(FleetTopology topology) =>
        topology.Agents
            .Select(a => ToInstance(a, topology))
            .OfType<ServiceInstance>()
            .GroupBy(i => i.ServiceName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(i => i.InstanceId, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    // A live registration of a service replaces the topology's entry on the same machine.
    private static List<ServiceInstance> Merge(IReadOnlyList<ServiceInstance> local, IReadOnlyList<ServiceInstance> configured) =>
        [.. local, .. configured.Where(c => !local.Any(l => l.ServiceName == c.ServiceName && l.Machine == c.Machine))];

    private void Notify(string service)
    {
        Action<string>[] watchers;
        lock (_gate)
        {
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher(service);
        }
    }

    private sealed class Subscription(StaticDiscoveryProvider owner, Action<string> watcher, IDisposable local) : IDisposable
    {
        public void Dispose()
        {
            local.Dispose();
            lock (owner._gate)
            {
                owner._watchers.Remove(watcher);
            }
        }
    }
}
