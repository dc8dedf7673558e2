using System.Globalization;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Networks;

namespace Fleet.Sdk.Testing;

/// <summary>
/// A NATS JetStream cluster in containers (<see cref="ContainerImages.Nats"/> as generic
/// containers on a network of their own), configured by <see cref="NatsClusterConfiguration"/>:
/// three nodes by default, each routing to the others by network alias. Disposing removes the
/// containers and the network.
/// </summary>
public sealed class NatsContainerCluster : IAsyncDisposable
{
    private readonly INetwork _network;
    private readonly List<IContainer> _nodes;

    private NatsContainerCluster(INetwork network, List<IContainer> nodes)
    {
        _network = network;
        _nodes = nodes;
    }

    /// <summary>Gets each node's client URL (<c>nats://host:port</c>, random published ports), node 1 first.</summary>
    public IReadOnlyList<string> Urls => _nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $"nats://{n.Hostname}:{n.GetMappedPublicPort(ContainerPorts.NatsClient)}")).ToList();

    /// <summary>Gets every node's client URL joined with commas, as NATS clients take a seed list.</summary>
    public string Url => string.Join(',', Urls);

    /// <summary>Gets each node's monitoring URL (<c>http://host:port</c>: <c>/healthz</c>, <c>/routez</c>, <c>/jsz</c>).</summary>
    public IReadOnlyList<Uri> MonitorUrls => _nodes.Select(n => new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{n.Hostname}:{n.GetMappedPublicPort(ContainerPorts.NatsMonitor)}"))).ToList();

    /// <summary>Starts <paramref name="nodes"/> nodes and waits until each one's JetStream is ready.</summary>
    /// <exception cref="InvalidOperationException">No Docker engine answers (<see cref="DockerEngine.Current"/> says why).</exception>
    public static async Task<NatsContainerCluster> StartAsync(int nodes = 3, CancellationToken cancellationToken = default)
    {
        var configurations = NatsClusterConfiguration.Create(nodes);
        ContainerGuard.ThrowIfNoEngine();
        var network = new NetworkBuilder().WithName("fleet-nats-" + Guid.NewGuid().ToString("N")[..12]).Build();
        await network.CreateAsync(cancellationToken).ConfigureAwait(false);
        var containers = configurations.Select(node => new ContainerBuilder(ContainerImages.Nats)
                .WithNetwork(network)
                .WithNetworkAliases(node.Name)
                .WithResourceMapping(Encoding.UTF8.GetBytes(node.ConfigurationText), FilePath.Of(NatsClusterConfiguration.ConfigurationPath))
                .WithCommand([.. node.Command])
                .WithPortBinding(ContainerPorts.NatsClient, assignRandomHostPort: true)
                .WithPortBinding(ContainerPorts.NatsMonitor, assignRandomHostPort: true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(ContainerPorts.NatsMonitor).ForPath("/healthz?js-enabled-only=true")))
                .Build())
            .ToList();
        var cluster = new NatsContainerCluster(network, []);
        try
        {
            // All at once: a node waits for its routes' peers to elect a JetStream meta leader.
            await Task.WhenAll(containers.Select(async c =>
            {
                await c.StartAsync(cancellationToken).ConfigureAwait(false);
                lock (cluster._nodes)
                {
                    cluster._nodes.Add(c);
                }
            })).ConfigureAwait(false);
            cluster._nodes.Sort((a, b) => containers.IndexOf(a).CompareTo(containers.IndexOf(b)));
            return cluster;
        }
        catch
        {
            foreach (var container in containers)
            {
                await container.DisposeAsync().ConfigureAwait(false);
            }

            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        await _network.DisposeAsync().ConfigureAwait(false);
    }
}
