using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Testing;

/// <summary>
/// The configuration of a NATS JetStream cluster in containers, as pure data: one file per node
/// (server name, client and monitoring ports, JetStream store, cluster name and the routes to
/// every other node by network alias). Built here so it can be checked without a Docker engine.
/// </summary>
public static class NatsClusterConfiguration
{
    /// <summary>Where each node's configuration file is copied inside its container.</summary>
    public const string ConfigurationPath = "/etc/nats/fleet.conf";

    /// <summary>Where each node keeps its JetStream data inside its container.</summary>
    public const string StoreDirectory = "/data/jetstream";

    /// <summary>The configuration of <paramref name="nodes"/> nodes named <c>nats-1</c>.. in cluster <paramref name="clusterName"/>; one node has no cluster block.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodes"/> is below 1 or above 9.</exception>
    /// <exception cref="ArgumentException"><paramref name="clusterName"/> is empty or not letters, digits, '-' and '_'.</exception>
    public static IReadOnlyList<NatsNodeConfiguration> Create(int nodes = 3, string clusterName = "fleet")
    {
        if (nodes is < 1 or > 9)
        {
            throw TestingErrors.InvalidNatsNodeCount(nodes);
        }

        if (string.IsNullOrEmpty(clusterName) || !clusterName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw TestingErrors.InvalidNatsClusterName(clusterName);
        }

        var names = Enumerable.Range(1, nodes).Select(NodeName).ToList();
        return names.Select(name => new NatsNodeConfiguration(name, Text(name, names, clusterName), ["-c", ConfigurationPath])).ToList();
    }

    /// <summary>The name and network alias of node <paramref name="number"/> (1-based).</summary>
    public static string NodeName(int number) => string.Create(CultureInfo.InvariantCulture, $"nats-{number}");

    private static string Text(string name, IReadOnlyList<string> names, string clusterName)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"server_name: {name}\n");
        text.Append(invariant, $"listen: 0.0.0.0:{ContainerPorts.NatsClient}\n");
        text.Append(invariant, $"http: 0.0.0.0:{ContainerPorts.NatsMonitor}\n");
        text.Append(invariant, $"jetstream {{\n  store_dir: \"{StoreDirectory}\"\n}}\n");
        if (names.Count > 1)
        {
            text.Append(invariant, $"cluster {{\n  name: {clusterName}\n  listen: 0.0.0.0:{ContainerPorts.NatsCluster}\n  routes: [\n");
            foreach (var other in names.Where(n => n != name))
            {
                text.Append(invariant, $"    nats-route://{other}:{ContainerPorts.NatsCluster}\n");
            }

            text.Append("  ]\n}\n");
        }

        return text.ToString();
    }
}
