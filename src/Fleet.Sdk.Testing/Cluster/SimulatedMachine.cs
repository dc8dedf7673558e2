using System.Net;

namespace Fleet.Sdk.Testing;

/// <summary>A machine of a <see cref="FleetCluster"/>: a name and the loopback address its services bind.</summary>
public sealed class SimulatedMachine
{
    internal SimulatedMachine(string name, IPAddress address)
    {
        Name = name;
        Address = address;
    }

    /// <summary>Gets the machine's name (<c>mainpc</c>, <c>pc2</c>...).</summary>
    public string Name { get; }

    /// <summary>Gets the loopback address the machine's services bind: 127.0.0.2, 127.0.0.3... where the OS allows, else 127.0.0.1.</summary>
    public IPAddress Address { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Address})";
}

/// <summary>
/// One directed link of a cluster: how machine <see cref="From"/> reaches service
/// <see cref="Service"/> on machine <see cref="To"/>, through its own proxy.
/// </summary>
/// <param name="From">The machine that dials.</param>
/// <param name="To">The machine that runs the service.</param>
/// <param name="Service">The service name.</param>
/// <param name="ProxyName">The Toxiproxy proxy carrying the link, for custom toxics through <see cref="FleetCluster.Toxiproxy"/>.</param>
/// <param name="EndPoint">The address <see cref="From"/> dials (the proxy, on <see cref="To"/>'s address).</param>
/// <param name="Upstream">The service's real address.</param>
public sealed record ClusterLink(string From, string To, string Service, string ProxyName, IPEndPoint EndPoint, IPEndPoint Upstream);

/// <summary>Which way a partition cuts.</summary>
public enum PartitionDirection
{
    /// <summary>Nothing passes either way between the two machines.</summary>
    Both,

    /// <summary>Data from the first machine to the second is cut; the other way still flows.</summary>
    OneWay,
}

/// <summary>What a partition does to the data caught in it.</summary>
public enum PartitionMode
{
    /// <summary>
    /// Data is discarded (Toxiproxy's <c>timeout</c> toxic with timeout 0). Connections stay open
    /// and silent; healing closes the ones that were cut, so clients must reconnect.
    /// </summary>
    Drop,

    /// <summary>
    /// Data is held (a latency far longer than any test) and delivered when the partition heals;
    /// connections survive, as TCP connections survive a short real partition.
    /// </summary>
    Hold,
}
