using System.CommandLine;
using System.Text;
using Fleet.Sdk.Config;

namespace Fleet.Cli.Config;

/// <summary><c>fleet config graph</c>: the dependency graph as Mermaid or Graphviz DOT, one cluster per machine.</summary>
internal static class GraphCommand
{
    public static Command Create()
    {
        var inputs = new ConfigInputs();
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "dot");
        var command = new Command("graph", "Print the dependency graph (machines as clusters, cross-machine edges labelled with their timeout, deprecated agents marked).");
        inputs.AddTo(command);
        command.Options.Add(format);
        command.SetAction(parse =>
        {
            FleetTopologyLoadResult result;
            try
            {
                result = ConfigInputs.Load(inputs.ToLoadOptions(parse));
            }
            catch (ConfigLoadException ex)
            {
                ConfigOutput.WriteLoadErrors(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ex.Failure, asJson: false);
                return ExitCodes.UsageError;
            }

            var text = parse.GetValue(format) == "dot" ? Dot(result.Topology) : Mermaid(result.Topology);
            parse.InvocationConfiguration.Output.Write(text);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string Mermaid(FleetTopology topology)
    {
        var text = new StringBuilder("flowchart LR\n");
        var ids = Ids(topology);
        foreach (var machine in Machines(topology))
        {
            text.Append(CultureInfo($"  subgraph {Id("machine_" + machine.Name)}[\"{Escape(machine.Name)}{(machine.Host is null ? string.Empty : " (" + Escape(machine.Host) + ")")}\"]\n"));
            foreach (var agent in topology.AgentsOn(machine.Name))
            {
                var shape = topology.TryGetDeprecated(agent.Name, out _) ? ("[[\"", " (deprecated)\"]]") : ("[\"", "\"]");
                text.Append(CultureInfo($"    {ids[agent.Name]}{shape.Item1}{Escape(agent.Name)}{Ports(agent)}{shape.Item2}\n"));
            }

            text.Append("  end\n");
        }

        foreach (var deprecated in topology.DeprecatedAgents.Where(d => !topology.TryGetAgent(d.Name, out _)))
        {
            text.Append(CultureInfo($"    {ids[deprecated.Name]}[[\"{Escape(deprecated.Name)} (deprecated)\"]]\n"));
        }

        foreach (var missing in MissingTargets(topology))
        {
            text.Append(CultureInfo($"  {ids[missing]}{{{{\"{Escape(missing)} (undefined)\"}}}}\n"));
        }

        foreach (var (agent, dependency, target) in Edges(topology))
        {
            var cross = target is not null && !string.Equals(agent.Machine, target.Machine, StringComparison.OrdinalIgnoreCase);
            var arrow = cross
                ? dependency.Timeout is { } timeout ? $" -. \"{timeout.TotalSeconds}s\" .-> " : " -. \"no timeout\" .-> "
                : " --> ";
            text.Append(CultureInfo($"  {ids[agent.Name]}{arrow}{ids[target?.Name ?? dependency.Agent]}\n"));
        }

        return text.ToString();
    }

    internal static string Dot(FleetTopology topology)
    {
        var text = new StringBuilder("digraph fleet {\n  rankdir=LR;\n  node [shape=box];\n");
        foreach (var machine in Machines(topology))
        {
            text.Append(CultureInfo($"  subgraph \"cluster_{Escape(machine.Name)}\" {{\n    label=\"{Escape(machine.Name)}{(machine.Host is null ? string.Empty : " (" + Escape(machine.Host) + ")")}\";\n"));
            foreach (var agent in topology.AgentsOn(machine.Name))
            {
                var style = topology.TryGetDeprecated(agent.Name, out _) ? ", style=dashed" : agent.Required ? ", style=bold" : string.Empty;
                text.Append(CultureInfo($"    \"{Escape(agent.Name)}\" [label=\"{Escape(agent.Name)}{Ports(agent)}\"{style}];\n"));
            }

            text.Append("  }\n");
        }

        foreach (var deprecated in topology.DeprecatedAgents.Where(d => !topology.TryGetAgent(d.Name, out _)))
        {
            text.Append(CultureInfo($"  \"{Escape(deprecated.Name)}\" [label=\"{Escape(deprecated.Name)} (deprecated)\", style=dashed];\n"));
        }

        foreach (var missing in MissingTargets(topology))
        {
            text.Append(CultureInfo($"  \"{Escape(missing)}\" [label=\"{Escape(missing)} (undefined)\", color=red];\n"));
        }

        foreach (var (agent, dependency, target) in Edges(topology))
        {
            var cross = target is not null && !string.Equals(agent.Machine, target.Machine, StringComparison.OrdinalIgnoreCase);
            var attributes = cross ? $" [style=dashed, label=\"{(dependency.Timeout is { } t ? t.TotalSeconds + "s" : "no timeout")}\"]" : string.Empty;
            text.Append(CultureInfo($"  \"{Escape(agent.Name)}\" -> \"{Escape(target?.Name ?? dependency.Agent)}\"{attributes};\n"));
        }

        text.Append("}\n");
        return text.ToString();
    }

    private static IEnumerable<FleetMachine> Machines(FleetTopology topology)
    {
        var declared = topology.Machines.ToList();
        foreach (var machine in topology.Agents.Select(a => a.Machine).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!topology.TryGetMachine(machine, out _))
            {
                declared.Add(new FleetMachine { Name = machine });
            }
        }

        return declared;
    }

    private static IEnumerable<(FleetAgent Agent, FleetDependency Dependency, FleetAgent? Target)> Edges(FleetTopology topology) =>
        topology.Agents.SelectMany(a => a.Dependencies.Select(d => (a, d, topology.TryGetAgent(d.Agent, out var target) ? target : null)));

    private static IEnumerable<string> MissingTargets(FleetTopology topology) =>
        topology.Agents.SelectMany(a => a.Dependencies.Select(d => d.Agent))
            .Where(d => !topology.TryGetAgent(d, out _) && !topology.TryGetDeprecated(d, out _))
            .Distinct(StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string> Ids(FleetTopology topology)
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var names = topology.Agents.Select(a => a.Name)
            .Concat(topology.DeprecatedAgents.Select(d => d.Name))
            .Concat(topology.Agents.SelectMany(a => a.Dependencies.Select(d => d.Agent)));
        foreach (var name in names)
        {
            if (!ids.ContainsKey(name))
            {
                ids[name] = Id(name) + "_" + ids.Count;
            }
        }

        return ids;
    }

    private static string Id(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static string Ports(FleetAgent agent) =>
        agent.Port is null ? string.Empty : agent.HealthPort is null ? $" :{agent.Port}" : $" :{agent.Port}/{agent.HealthPort}";

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal);

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);
}
