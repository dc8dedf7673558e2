using System.Globalization;

namespace Fleet.Sdk.Config;

/// <summary>
/// Turns a loaded topology into Microsoft.Extensions.Configuration keys: the whole model under
/// <c>Fleet:Topology</c>, the fleet-wide settings under <c>Fleet:</c>, and the current agent and
/// machine under <c>Fleet:Agent</c> and <c>Fleet:Machine</c>; remembers each key's source location.
/// </summary>
internal static class TopologyFlattener
{
    public const string Root = "Fleet";
    public const string TopologySection = "Fleet:Topology";
    public const string AgentSection = "Fleet:Agent";
    public const string MachineSection = "Fleet:Machine";

    public static (Dictionary<string, string?> Data, Dictionary<string, SourceLocation> Locations) Flatten(FleetTopology topology, string? agentName, string? machineName)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var locations = new Dictionary<string, SourceLocation>(StringComparer.OrdinalIgnoreCase);
        void Set(string key, string? value, SourceLocation location)
        {
            if (value is null)
            {
                return;
            }

            data[key] = value;
            if (!location.IsUnknown)
            {
                locations[key] = location;
            }
        }

        Set($"{TopologySection}:Version", topology.Version.ToString(CultureInfo.InvariantCulture), default);
        foreach (var machine in topology.Machines)
        {
            AddMachine($"{TopologySection}:Machines:{machine.Name}", machine, Set, withName: false);
        }

        foreach (var agent in topology.Agents)
        {
            AddAgent($"{TopologySection}:Agents:{agent.Name}", agent, Set, withName: false);
        }

        foreach (var deprecated in topology.DeprecatedAgents)
        {
            var prefix = $"{TopologySection}:Deprecated:{deprecated.Name}";
            Set(prefix, string.Empty, deprecated.Location);
            Set($"{prefix}:ReplacedBy", deprecated.ReplacedBy, deprecated.Location);
            Set($"{prefix}:Reason", deprecated.Reason, deprecated.Location);
        }

        foreach (var entry in topology.Settings.Entries)
        {
            // TopologyBuilder refused settings named after the sections the topology fills (TopologyBuilder.ReservedSettings) when the topology was loaded.
            AddFree($"{Root}:{entry.Key}", entry.Value, Set);
        }

        if (agentName is not null && topology.TryGetAgent(agentName, out var current))
        {
            AddAgent(AgentSection, current, Set, withName: true);
            machineName ??= current.Machine;
        }

        if (machineName is not null && topology.TryGetMachine(machineName, out var here))
        {
            AddMachine(MachineSection, here, Set, withName: true);
        }

        return (data, locations);
    }

    private static void AddMachine(string prefix, FleetMachine machine, Action<string, string?, SourceLocation> set, bool withName)
    {
        set(prefix, string.Empty, machine.Location);
        set($"{prefix}:Name", withName ? machine.Name : null, machine.Location);
        set($"{prefix}:Host", machine.Host, machine.Location);
        for (var i = 0; i < machine.Gpus.Count; i++)
        {
            set($"{prefix}:Gpus:{i}:Name", machine.Gpus[i].Name, machine.Gpus[i].Location);
            set($"{prefix}:Gpus:{i}:VramMib", Number(machine.Gpus[i].VramMib), machine.Gpus[i].Location);
        }

        AddResources($"{prefix}:Limits", machine.Limits, machine.Location, set);
        AddFree($"{prefix}:Settings", machine.Settings, set);
    }

    private static void AddAgent(string prefix, FleetAgent agent, Action<string, string?, SourceLocation> set, bool withName)
    {
        set($"{prefix}:Name", withName ? agent.Name : null, agent.Location);
        set($"{prefix}:Machine", agent.Machine, agent.Location);
        set($"{prefix}:Group", agent.Group, agent.Location);
        set($"{prefix}:Host", agent.Host, agent.Location);
        set($"{prefix}:Port", Number(agent.Port), agent.PortLocation);
        set($"{prefix}:HealthPort", Number(agent.HealthPort), agent.HealthPortLocation);
        set($"{prefix}:Required", agent.Required ? "true" : "false", agent.Location);
        for (var i = 0; i < agent.Dependencies.Count; i++)
        {
            var dependency = agent.Dependencies[i];
            set($"{prefix}:Dependencies:{i}:Agent", dependency.Agent, dependency.Location);
            set($"{prefix}:Dependencies:{i}:TimeoutSeconds", dependency.Timeout?.TotalSeconds.ToString(CultureInfo.InvariantCulture), dependency.Location);
        }

        AddResources($"{prefix}:Resources", agent.Resources, agent.Location, set);
        if (agent.Gpu is { } gpu)
        {
            set($"{prefix}:Gpu:Required", gpu.Required ? "true" : "false", gpu.Location);
            set($"{prefix}:Gpu:VramMib", Number(gpu.VramMib), gpu.Location);
        }

        AddFree($"{prefix}:Settings", agent.Settings, set);
        foreach (var entry in agent.Extra.Entries)
        {
            AddFree($"{prefix}:{entry.Key}", entry.Value, set);
        }
    }

    private static void AddResources(string prefix, FleetResources resources, SourceLocation location, Action<string, string?, SourceLocation> set)
    {
        set($"{prefix}:MemoryMib", Number(resources.MemoryMib), location);
        set($"{prefix}:CpuPercent", Number(resources.CpuPercent), location);
    }

    private static void AddFree(string prefix, FleetValue value, Action<string, string?, SourceLocation> set)
    {
        switch (value)
        {
            case FleetScalar scalar:
                set(prefix, scalar.Value, scalar.Location);
                break;
            case FleetMapping mapping:
                foreach (var entry in mapping.Entries)
                {
                    AddFree($"{prefix}:{entry.Key}", entry.Value, set);
                }

                break;
            case FleetSequence sequence:
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    AddFree($"{prefix}:{i}", sequence.Items[i], set);
                }

                break;
        }
    }

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}
