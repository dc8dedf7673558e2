using System.Globalization;

namespace Fleet.Sdk.Config;

/// <summary>Renders a <see cref="FleetTopology"/> (resolved values) in the unified schema, as a tree or as YAML.</summary>
public static class FleetTopologyWriter
{
    /// <summary>Renders the topology, or one machine's view of it, as a unified-schema tree.</summary>
    /// <param name="topology">The topology.</param>
    /// <param name="machine">Only this machine and its agents, or <see langword="null"/> for the whole fleet.</param>
    /// <returns>The tree.</returns>
    public static FleetMapping ToTree(FleetTopology topology, string? machine = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var entries = new List<FleetMappingEntry> { Entry(Keys.Version, Plain(topology.Version)) };
        if (topology.Settings.Count > 0)
        {
            entries.Add(Entry(Keys.Settings, topology.Settings));
        }

        var machines = topology.Machines.Where(m => machine is null || string.Equals(m.Name, machine, StringComparison.OrdinalIgnoreCase));
        entries.Add(Entry(Keys.Machines, Map(machines.Select(m => Entry(m.Name, Machine(m))))));
        var agents = machine is null ? topology.Agents : topology.AgentsOn(machine);
        entries.Add(Entry(Keys.Agents, Map(agents.Select(a => Entry(a.Name, Agent(a))))));
        if (topology.DeprecatedAgents.Count > 0)
        {
            entries.Add(Entry(Keys.Deprecated, Map(topology.DeprecatedAgents.Select(d => Entry(d.Name, Map(
                Optional(Keys.ReplacedBy, d.ReplacedBy).Concat(Optional(Keys.Reason, d.Reason))))))));
        }

        return Map(entries);
    }

    /// <summary>Renders the topology, or one machine's view of it, as unified-schema YAML.</summary>
    /// <param name="topology">The topology.</param>
    /// <param name="machine">Only this machine and its agents, or <see langword="null"/> for the whole fleet.</param>
    /// <param name="headerComments">Comment lines to write first.</param>
    /// <returns>The YAML text.</returns>
    public static string ToYaml(FleetTopology topology, string? machine = null, IEnumerable<string>? headerComments = null) =>
        YamlTreeWriter.Write(ToTree(topology, machine), headerComments);

    private static FleetMapping Machine(FleetMachine machine)
    {
        var entries = new List<FleetMappingEntry>();
        entries.AddRange(Optional(Keys.Host, machine.Host));
        if (machine.HasGpuInventory)
        {
            entries.Add(Entry(Keys.Gpus, new FleetSequence(machine.Gpus.Select(g => Map([Entry(Keys.Name, Text(g.Name)), Entry(Keys.VramMib, Plain(g.VramMib))])), default)));
        }

        if (!machine.Limits.IsEmpty)
        {
            entries.Add(Entry(Keys.Limits, Resources(machine.Limits)));
        }

        if (machine.Settings.Count > 0)
        {
            entries.Add(Entry(Keys.Settings, machine.Settings));
        }

        return Map(entries);
    }

    private static FleetMapping Agent(FleetAgent agent)
    {
        var entries = new List<FleetMappingEntry> { Entry(Keys.Machine, Text(agent.Machine)) };
        entries.AddRange(Optional(Keys.Group, agent.Group));
        entries.AddRange(Optional(Keys.Host, agent.Host));
        if (agent.Port is { } port)
        {
            entries.Add(Entry(Keys.Port, Plain(port)));
        }

        if (agent.HealthPort is { } health)
        {
            entries.Add(Entry(Keys.HealthPort, Plain(health)));
        }

        entries.Add(Entry(Keys.Required, new FleetScalar(agent.Required ? "true" : "false", FleetScalarStyle.Plain, default)));
        if (agent.Dependencies.Count > 0)
        {
            entries.Add(Entry(Keys.Dependencies, new FleetSequence(agent.Dependencies.Select(d => d.Timeout is null
                ? (FleetValue)Text(d.Agent)
                : Map([Entry(Keys.Agent, Text(d.Agent)), Entry(Keys.TimeoutSeconds, new FleetScalar(d.Timeout.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture), FleetScalarStyle.Plain, default))])), default)));
        }

        if (!agent.Resources.IsEmpty)
        {
            entries.Add(Entry(Keys.Resources, Resources(agent.Resources)));
        }

        if (agent.Gpu is { } gpu)
        {
            var need = new List<FleetMappingEntry> { Entry(Keys.Required, new FleetScalar(gpu.Required ? "true" : "false", FleetScalarStyle.Plain, default)) };
            if (gpu.VramMib is { } vram)
            {
                need.Add(Entry(Keys.VramMib, Plain(vram)));
            }

            entries.Add(Entry(Keys.Gpu, Map(need)));
        }

        if (agent.Settings.Count > 0)
        {
            entries.Add(Entry(Keys.Settings, agent.Settings));
        }

        entries.AddRange(agent.Extra.Entries.Select(e => Entry(e.Key, e.Value)));
        return Map(entries);
    }

    private static FleetMapping Resources(FleetResources resources)
    {
        var entries = new List<FleetMappingEntry>();
        if (resources.MemoryMib is { } memory)
        {
            entries.Add(Entry(Keys.MemoryMib, Plain(memory)));
        }

        if (resources.CpuPercent is { } cpu)
        {
            entries.Add(Entry(Keys.CpuPercent, Plain(cpu)));
        }

        return Map(entries);
    }

    private static IEnumerable<FleetMappingEntry> Optional(string key, string? value) =>
        value is null ? [] : [Entry(key, Text(value))];

    private static FleetMappingEntry Entry(string key, FleetValue value) => new(key, value, default);

    private static FleetMapping Map(IEnumerable<FleetMappingEntry> entries) => new(entries, default);

    private static FleetScalar Text(string value) => new(value, FleetScalarStyle.Quoted, default);

    private static FleetScalar Plain(int value) => new(value.ToString(CultureInfo.InvariantCulture), FleetScalarStyle.Plain, default);
}
