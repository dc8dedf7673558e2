using System.Globalization;

namespace Fleet.Sdk.Config;

/// <summary>
/// Checks a <see cref="FleetTopology"/> against the rules that need the whole model: machines,
/// dependencies (unknown, cycles, deprecated, required on optional, cross-machine), ports per
/// machine (conflicts, range, privileged) and GPU needs. Rules that read files (undefined
/// variables, duplicates, drift, addresses) run in <see cref="FleetTopologyLoader"/>.
/// </summary>
public static class FleetTopologyValidator
{
    /// <summary>How many unknown dependencies get a "did you mean" hint; the rest are reported without one.</summary>
    internal const int MaxSuggestedNames = 100;

    /// <summary>Validates <paramref name="topology"/>.</summary>
    /// <param name="topology">The topology.</param>
    /// <returns>Every finding, ordered by location.</returns>
    public static IReadOnlyList<FleetDiagnostic> Validate(FleetTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var diagnostics = new List<FleetDiagnostic>();
        CheckMachines(topology, diagnostics);
        CheckDependencies(topology, diagnostics);
        CheckCycles(topology, diagnostics);
        CheckPorts(topology, diagnostics);
        CheckGpus(topology, diagnostics);
        DeploymentRules.Check(topology, diagnostics);
        return Sort(diagnostics);
    }

    internal static List<FleetDiagnostic> Sort(IEnumerable<FleetDiagnostic> diagnostics) =>
        diagnostics
            .OrderBy(d => d.Location.Source, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToList();

    private static void CheckMachines(FleetTopology topology, List<FleetDiagnostic> diagnostics)
    {
        foreach (var agent in topology.Agents)
        {
            if (!topology.TryGetMachine(agent.Machine, out _) && agent.Machine != "(unresolved)")
            {
                var known = topology.Machines.Select(m => m.Name).ToList();
                diagnostics.Add(new FleetDiagnostic
                {
                    Rule = FleetRules.UnknownMachine,
                    Message = $"agent {agent.Name} runs on machine '{agent.Machine}', which is not declared",
                    Location = agent.Location,
                    Agents = [agent.Name],
                    Machine = agent.Machine,
                    Fix = known.Count == 0
                        ? $"declare it under 'machines:' ({agent.Machine}: {{ host: ... }})."
                        : $"use one of {string.Join(", ", known)}, or declare '{agent.Machine}' under 'machines:'.",
                });
            }

            if (topology.TryGetDeprecated(agent.Name, out var deprecated))
            {
                diagnostics.Add(new FleetDiagnostic
                {
                    Rule = FleetRules.DeprecatedAgentDefined,
                    Message = $"agent {agent.Name} is deprecated{ReplacedBy(deprecated)} but is still defined to run on {agent.Machine}",
                    Location = agent.Location,
                    Related = [new FleetRelatedLocation(deprecated.Location, $"{agent.Name} deprecated here")],
                    Agents = [agent.Name],
                    Ports = Ports(agent),
                    Fix = $"remove {agent.Name} from the agents, or remove its deprecation.",
                });
            }
        }
    }

    private static void CheckDependencies(FleetTopology topology, List<FleetDiagnostic> diagnostics)
    {
        // "Did you mean" compares a name with every agent's: done for the first unknown names only, so
        // thousands of unknown dependencies cost linear time, not (unknown x agents).
        var suggestionsLeft = MaxSuggestedNames;
        foreach (var agent in topology.Agents)
        {
            foreach (var dependency in agent.Dependencies)
            {
                var location = dependency.Location.IsUnknown ? agent.Location : dependency.Location;
                if (topology.TryGetDeprecated(dependency.Agent, out var deprecated))
                {
                    diagnostics.Add(new FleetDiagnostic
                    {
                        Rule = FleetRules.DeprecatedDependency,
                        Message = $"agent {agent.Name} depends on {dependency.Agent}, which is deprecated{ReplacedBy(deprecated)}",
                        Location = location,
                        Related = [new FleetRelatedLocation(deprecated.Location, $"{deprecated.Name} deprecated here")],
                        Agents = [agent.Name, dependency.Agent],
                        Fix = deprecated.ReplacedBy is null
                            ? $"remove {dependency.Agent} from the dependencies of {agent.Name}, and stop {agent.Name} from calling it."
                            : $"depend on {deprecated.ReplacedBy} instead of {dependency.Agent}, and move {agent.Name}'s calls to it.",
                    });
                    continue;
                }

                if (!topology.TryGetAgent(dependency.Agent, out var target))
                {
                    var closest = suggestionsLeft-- > 0 ? Closest(dependency.Agent, topology.Agents.Select(a => a.Name)) : null;
                    diagnostics.Add(new FleetDiagnostic
                    {
                        Rule = FleetRules.UnknownDependency,
                        Message = $"agent {agent.Name} depends on {dependency.Agent}, which is defined nowhere{(closest is null ? string.Empty : $" (did you mean {closest}?)")}",
                        Location = location,
                        Agents = [agent.Name, dependency.Agent],
                        Fix = closest is null
                            ? $"define {dependency.Agent}, or remove it from the dependencies of {agent.Name}."
                            : $"fix the name ({closest}), define {dependency.Agent}, or remove it from the dependencies of {agent.Name}.",
                    });
                    continue;
                }

                if (agent.Required && !target.Required)
                {
                    diagnostics.Add(new FleetDiagnostic
                    {
                        Rule = FleetRules.RequiredOnOptional,
                        Message = $"required agent {agent.Name} depends on {target.Name}, which is optional (required: false)",
                        Location = location,
                        Related = [new FleetRelatedLocation(target.Location, $"{target.Name} defined here")],
                        Agents = [agent.Name, target.Name],
                        Fix = $"mark {target.Name} 'required: true', or make {agent.Name} work without it (then drop the dependency, or mark {agent.Name} optional).",
                    });
                }

                if (!string.Equals(agent.Machine, target.Machine, StringComparison.OrdinalIgnoreCase) && dependency.Timeout is null)
                {
                    diagnostics.Add(new FleetDiagnostic
                    {
                        Rule = FleetRules.CrossMachineDependency,
                        Message = $"agent {agent.Name} on {agent.Machine} depends on {target.Name} on {target.Machine}: a call across machines needs a timeout and a degraded mode",
                        Location = location,
                        Agents = [agent.Name, target.Name],
                        Machine = agent.Machine,
                        Fix = $"write the dependency as '{{ agent: {target.Name}, timeout_seconds: 5 }}' and handle {target.Name} being unreachable.",
                    });
                }
            }
        }
    }

    private static void CheckCycles(FleetTopology topology, List<FleetDiagnostic> diagnostics)
    {
        // Tarjan's strongly connected components; each component with a cycle is reported once, with one whole cycle through it.
        var index = 0;
        var indices = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var low = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var onStack = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var stack = new Stack<string>();
        var components = new List<List<string>>();

        IEnumerable<string> Next(string name) =>
            topology.TryGetAgent(name, out var agent)
                ? agent.Dependencies.Select(d => d.Agent).Where(d => topology.TryGetAgent(d, out _))
                : [];

        foreach (var agent in topology.Agents)
        {
            if (indices.ContainsKey(agent.Name))
            {
                continue;
            }

            // Iterative DFS so a long dependency chain cannot overflow the stack.
            var work = new Stack<(string Node, IEnumerator<string> Children)>();
            Visit(agent.Name);
            while (work.Count > 0)
            {
                var (node, children) = work.Peek();
                if (children.MoveNext())
                {
                    var child = topology.TryGetAgent(children.Current, out var c) ? c.Name : children.Current;
                    if (!indices.ContainsKey(child))
                    {
                        Visit(child);
                    }
                    else if (onStack.Contains(child))
                    {
                        low[node] = Math.Min(low[node], indices[child]);
                    }

                    continue;
                }

                work.Pop();
                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[node]);
                }

                if (low[node] == indices[node])
                {
                    var component = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        component.Add(member);
                    }
                    while (!string.Equals(member, node, StringComparison.OrdinalIgnoreCase));

                    var selfLoop = component.Count == 1 && Next(node).Any(n => string.Equals(n, node, StringComparison.OrdinalIgnoreCase));
                    if (component.Count > 1 || selfLoop)
                    {
                        components.Add(component);
                    }
                }
            }

            void Visit(string name)
            {
                indices[name] = low[name] = index++;
                stack.Push(name);
                onStack.Add(name);
                work.Push((name, Next(name).ToList().GetEnumerator()));
            }
        }

        foreach (var component in components)
        {
            var members = new HashSet<string>(component, StringComparer.OrdinalIgnoreCase);
            var start = topology.Agents.First(a => members.Contains(a.Name)).Name;
            var cycle = FindCycle(start, members, Next);
            var related = new List<FleetRelatedLocation>();
            for (var i = 0; i < cycle.Count - 1; i++)
            {
                topology.TryGetAgent(cycle[i], out var from);
                var edge = from!.Dependencies.First(d => string.Equals(d.Agent, cycle[i + 1], StringComparison.OrdinalIgnoreCase));
                related.Add(new FleetRelatedLocation(edge.Location.IsUnknown ? from.Location : edge.Location, $"{from.Name} depends on {cycle[i + 1]}"));
            }

            var others = members.Count > cycle.Count - 1 ? $" (the cycle also involves {string.Join(", ", members.Except(cycle, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))})" : string.Empty;
            diagnostics.Add(new FleetDiagnostic
            {
                Rule = FleetRules.DependencyCycle,
                Message = $"dependency cycle: {string.Join(" -> ", cycle)}{others}",
                Location = related[0].Location,
                Related = related,
                Agents = [.. cycle.Distinct(StringComparer.OrdinalIgnoreCase)],
                Fix = "remove one dependency of the cycle; an agent that needs a peer at run time, not to start, should not list it as a dependency.",
            });
        }
    }

    private static List<string> FindCycle(string start, HashSet<string> members, Func<string, IEnumerable<string>> next)
    {
        // Breadth-first search from start back to start within the component: the shortest whole cycle.
        var previous = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var child in next(node).Where(members.Contains))
            {
                if (string.Equals(child, start, StringComparison.OrdinalIgnoreCase))
                {
                    var path = new List<string> { start };
                    for (var at = node; !string.Equals(at, start, StringComparison.OrdinalIgnoreCase); at = previous[at])
                    {
                        path.Insert(1, at);
                    }

                    path.Add(start);
                    return path;
                }

                if (!previous.ContainsKey(child))
                {
                    previous[child] = node;
                    queue.Enqueue(child);
                }
            }
        }

        return [start, start];
    }

    private static void CheckPorts(FleetTopology topology, List<FleetDiagnostic> diagnostics)
    {
        foreach (var machine in topology.Agents.GroupBy(a => a.Machine, StringComparer.OrdinalIgnoreCase))
        {
            var claims = new Dictionary<int, List<(FleetAgent Agent, string Kind, SourceLocation Location)>>();
            foreach (var agent in machine)
            {
                foreach (var (port, kind, location) in PortsOf(agent))
                {
                    FleetDiagnostic PortFinding(FleetRule rule, string what, string fix) => new()
                    {
                        Rule = rule,
                        Message = $"agent {agent.Name} {kind} is {port}, {what}",
                        Location = location,
                        Agents = [agent.Name],
                        Ports = [port],
                        Machine = agent.Machine,
                        Fix = fix,
                    };

                    if (port is < 1 or > 65535)
                    {
                        diagnostics.Add(PortFinding(FleetRules.PortOutOfRange, "outside 1-65535",
                            "use a port between 1024 and 65535; check the variables the value uses (PORT_OFFSET...)."));
                        continue;
                    }

                    if (port < 1024)
                    {
                        diagnostics.Add(PortFinding(FleetRules.PrivilegedPort, "a privileged port (below 1024)",
                            "use a port of 1024 or above; agents should not run as root."));
                    }

                    if (!claims.TryGetValue(port, out var list))
                    {
                        claims[port] = list = [];
                    }

                    list.Add((agent, kind, location));
                }
            }

            foreach (var (port, list) in claims.Where(c => c.Value.Count > 1).OrderBy(c => c.Key))
            {
                var users = list.Select(c => $"{c.Agent.Name} ({c.Kind})").ToList();
                var names = list.Select(c => c.Agent.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                diagnostics.Add(new FleetDiagnostic
                {
                    Rule = FleetRules.PortConflict,
                    Message = $"port {port} on {list[0].Agent.Machine} is used {list.Count} times: by {string.Join(" and ", users)}",
                    Location = list[1].Location,
                    Related = list.Select(c => new FleetRelatedLocation(c.Location, $"{c.Agent.Name} {c.Kind} {port}")).ToList(),
                    Agents = names,
                    Ports = [port],
                    Machine = list[0].Agent.Machine,
                    Fix = names.Count == 1
                        ? $"give {names[0]} a health port different from its port."
                        : $"give each of {string.Join(", ", names)} its own port on {list[0].Agent.Machine}.",
                });
            }
        }
    }

    private static void CheckGpus(FleetTopology topology, List<FleetDiagnostic> diagnostics)
    {
        foreach (var machine in topology.Machines.Where(m => m.HasGpuInventory))
        {
            var agents = topology.AgentsOn(machine.Name).Where(a => a.Gpu is { Required: true }).ToList();
            var largest = machine.Gpus.Count == 0 ? 0 : machine.Gpus.Max(g => g.VramMib);
            foreach (var agent in agents)
            {
                var need = agent.Gpu!;
                if (machine.Gpus.Count == 0 || need.VramMib > largest)
                {
                    diagnostics.Add(new FleetDiagnostic
                    {
                        Rule = FleetRules.GpuUnavailable,
                        Message = machine.Gpus.Count == 0
                            ? $"agent {agent.Name} requires a GPU, but machine {machine.Name} has none"
                            : $"agent {agent.Name} needs {need.VramMib} MiB of VRAM, but the largest GPU of {machine.Name} has {largest} MiB",
                        Location = need.Location.IsUnknown ? agent.Location : need.Location,
                        Related = [new FleetRelatedLocation(machine.Location, $"machine {machine.Name}")],
                        Agents = [agent.Name],
                        Machine = machine.Name,
                        Fix = $"move {agent.Name} to a machine with a large enough GPU, lower its vram_mib, or declare the GPU under machines.{machine.Name}.gpus.",
                    });
                }
            }

            var total = agents.Sum(a => (long)(a.Gpu!.VramMib ?? 0));
            if (machine.Gpus.Count > 0 && total > machine.TotalVramMib)
            {
                diagnostics.Add(new FleetDiagnostic
                {
                    Rule = FleetRules.GpuOversubscribed,
                    Message = $"the agents of {machine.Name} that require a GPU need {total} MiB of VRAM together, but it has {machine.TotalVramMib} MiB: " +
                              string.Join(", ", agents.Where(a => a.Gpu!.VramMib is not null).Select(a => $"{a.Name} {a.Gpu!.VramMib.GetValueOrDefault().ToString(CultureInfo.InvariantCulture)}")),
                    Location = machine.Location,
                    Agents = agents.Select(a => a.Name).ToList(),
                    Machine = machine.Name,
                    Fix = "move some of them to another machine, or let the GPU scheduler load their models on demand (gpu.required: false).",
                });
            }
        }
    }

    internal static IEnumerable<(int Port, string Kind, SourceLocation Location)> PortsOf(FleetAgent agent)
    {
        if (agent.Port is { } port)
        {
            yield return (port, "port", agent.PortLocation);
        }

        if (agent.HealthPort is { } health)
        {
            yield return (health, "health port", agent.HealthPortLocation);
        }
    }

    private static IReadOnlyList<int> Ports(FleetAgent agent) => PortsOf(agent).Select(p => p.Port).ToList();

    private static string ReplacedBy(FleetDeprecatedAgent deprecated) =>
        deprecated.ReplacedBy is null ? string.Empty : $" (replaced by {deprecated.ReplacedBy})";

    private static string? Closest(string name, IEnumerable<string> candidates) => Keys.Closest(name, candidates);
}
