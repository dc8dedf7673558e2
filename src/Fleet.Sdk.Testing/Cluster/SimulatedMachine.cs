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
