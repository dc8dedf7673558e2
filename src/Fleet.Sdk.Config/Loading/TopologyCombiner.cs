namespace Fleet.Sdk.Config;

/// <summary>
/// Combines the topology files into one unified tree. A machine's agents come from the first file
/// that describes the machine; later files describing it are variants, compared with it (FLEET050).
/// An agent name defined in files of two machines is a duplicate (FLEET010). Then each machine's
/// override is merged into that machine's part (FLEET051 when it reaches outside it).
/// </summary>
internal static class TopologyCombiner
{
    public static Combination Combine(List<TopologySourceDocument> sources, List<MachineOverride> overrides, string? machineView, List<FleetDiagnostic> diagnostics)
    {
        var combination = new Combination();
        foreach (var source in sources)
        {
            combination.Shadows.AddRange(source.Shadows);
        }

        var primary = new Dictionary<string, TopologySourceDocument>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            foreach (var machine in FleetTopologyLoader.Claims(source))
            {
                primary.TryAdd(machine, source);
            }
        }

        FleetValue settings = FleetMapping.Empty, machines = FleetMapping.Empty, deprecated = FleetMapping.Empty;
        var agents = new List<FleetMappingEntry>();
        var agentNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var variables = new List<FleetMappingEntry>();
        foreach (var source in sources.AsEnumerable().Reverse())
        {
            // Earlier files win, and keep their locations.
            settings = TreeHelpers.Merge(settings, TreeHelpers.Get(source.Tree, Keys.Settings) ?? FleetMapping.Empty, overLocations: true);
            machines = TreeHelpers.Merge(machines, TreeHelpers.Get(source.Tree, Keys.Machines) ?? FleetMapping.Empty, namesLevel: true, overLocations: true);
            deprecated = TreeHelpers.Merge(deprecated, NamesToMapping(TreeHelpers.Get(source.Tree, Keys.Deprecated)), namesLevel: true, overLocations: true);
        }

        var declaredMachines = (machines as FleetMapping)?.Entries.Select(e => e.Key).ToList() ?? [];
        foreach (var source in sources)
        {
            var sourceMachines = TreeHelpers.Get(source.Tree, Keys.Machines) as FleetMapping;
            var only = sourceMachines is { Count: 1 } ? sourceMachines.Entries[0].Key : declaredMachines.Count == 1 ? declaredMachines[0] : null;
            foreach (var entry in (TreeHelpers.Get(source.Tree, Keys.Agents) as FleetMapping)?.Entries ?? [])
            {
                var definition = entry.Value as FleetMapping;
                var machine = (definition is null ? null : TreeHelpers.ScalarText(TreeHelpers.Get(definition, Keys.Machine))) ?? only;
                if (machine is not null && primary.TryGetValue(machine, out var owner) && !ReferenceEquals(owner, source) && definition is not null)
                {
                    combination.Variants.Add(new VariantAgent { Name = entry.Key, Definition = definition, File = source.Path, Primary = owner.Path, Machine = machine, KeyLocation = entry.KeyLocation });
                    continue;
                }

                if (!agentNames.Add(entry.Key))
                {
                    combination.Shadows.Add(new ShadowAgent { Name = entry.Key, Definition = definition ?? FleetMapping.Empty, File = source.Path, KeyLocation = entry.KeyLocation });
                    continue;
                }

                // An agent of a single-machine file that does not name its machine is pinned to it, so combining files cannot move it.
                if (definition is not null && machine is not null && TreeHelpers.Get(definition, Keys.Machine) is null)
                {
                    definition = TreeHelpers.With(definition, Keys.Machine, TreeHelpers.Synthetic(machine, entry.KeyLocation), entry.KeyLocation);
                }

                agents.Add(entry with { Value = (FleetValue?)definition ?? entry.Value });
            }

            foreach (var machine in FleetTopologyLoader.Claims(source).Where(m => primary.TryGetValue(m, out var owner) && !ReferenceEquals(owner, source)))
            {
                combination.VariantPairs.Add((machine, primary[machine].Path, source.Path));
            }
        }

        var variableNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (TreeHelpers.Get(source.Tree, Keys.Variables) is FleetMapping declared)
            {
                variables.AddRange(declared.Entries.Where(e => variableNames.Add(e.Key)));
            }
        }

        var tree = new FleetMapping(
        [
            new(Keys.Version, TreeHelpers.SyntheticPlain("1", default), default),
            new(Keys.Variables, new FleetMapping(variables, default), default),
            new(Keys.Settings, settings, settings.Location),
            new(Keys.Machines, machines, machines.Location),
            new(Keys.Agents, new FleetMapping(agents, default), default),
            new(Keys.Deprecated, deprecated, deprecated.Location),
        ], sources.FirstOrDefault()?.Tree.Location ?? default);

        foreach (var machineOverride in overrides)
        {
            tree = ApplyOverride(tree, machineOverride, machineView, diagnostics);
        }

        combination.Tree = tree;
        return combination;
    }

    private static FleetMapping ApplyOverride(FleetMapping tree, MachineOverride machineOverride, string? machineView, List<FleetDiagnostic> diagnostics)
    {
        var machine = machineOverride.Machine;
        var machines = (FleetMapping)TreeHelpers.Get(tree, Keys.Machines)!;
        var agents = (FleetMapping)TreeHelpers.Get(tree, Keys.Agents)!;
        var settings = TreeHelpers.Get(tree, Keys.Settings)!;

        if (TreeHelpers.Get(machineOverride.Tree, Keys.Machines) is FleetMapping overrideMachines)
        {
            foreach (var entry in overrideMachines.Entries)
            {
                if (!string.Equals(entry.Key, machine, StringComparison.OrdinalIgnoreCase))
                {
                    diagnostics.Add(Outside(machineOverride, entry.KeyLocation, $"machine {entry.Key}", []));
                    continue;
                }

                var existing = machines.Entries.FirstOrDefault(e => string.Equals(e.Key, machine, StringComparison.OrdinalIgnoreCase));
                machines = existing.Key is null
                    ? TreeHelpers.With(machines, entry.Key, entry.Value, entry.KeyLocation)
                    : (FleetMapping)TreeHelpers.Merge(machines, new FleetMapping([entry with { Key = existing.Key }], entry.KeyLocation), namesLevel: true);
            }
        }

        if (TreeHelpers.Get(machineOverride.Tree, Keys.Agents) is FleetMapping overrideAgents)
        {
            foreach (var entry in overrideAgents.Entries)
            {
                var existing = agents.Entries.FirstOrDefault(e => string.Equals(e.Key, entry.Key, StringComparison.OrdinalIgnoreCase));
                var currentMachine = existing.Value is FleetMapping current ? TreeHelpers.ScalarText(TreeHelpers.Get(current, Keys.Machine)) : null;
                var newMachine = entry.Value is FleetMapping change ? TreeHelpers.ScalarText(TreeHelpers.Get(change, Keys.Machine)) : null;
                if ((currentMachine is not null && !string.Equals(currentMachine, machine, StringComparison.OrdinalIgnoreCase)) ||
                    (newMachine is not null && !string.Equals(newMachine, machine, StringComparison.OrdinalIgnoreCase)))
                {
                    diagnostics.Add(Outside(machineOverride, entry.KeyLocation, $"agent {entry.Key}, which runs on {newMachine ?? currentMachine}", [entry.Key]));
                    continue;
                }

                var value = entry.Value;
                if (existing.Key is null && value is FleetMapping added && newMachine is null)
                {
                    value = TreeHelpers.With(added, Keys.Machine, TreeHelpers.Synthetic(machine, entry.KeyLocation), entry.KeyLocation);
                }

                agents = existing.Key is null
                    ? TreeHelpers.With(agents, entry.Key, value, entry.KeyLocation)
                    : (FleetMapping)TreeHelpers.Merge(agents, new FleetMapping([entry with { Key = existing.Key, Value = value }], entry.KeyLocation), namesLevel: true);
            }
        }

        if (machineView is not null && TreeHelpers.Get(machineOverride.Tree, Keys.Settings) is { } overrideSettings)
        {
            settings = TreeHelpers.Merge(settings, overrideSettings);
        }

        tree = TreeHelpers.With(tree, Keys.Machines, machines, machines.Location);
        tree = TreeHelpers.With(tree, Keys.Agents, agents, agents.Location);
        return TreeHelpers.With(tree, Keys.Settings, settings, settings.Location);
    }

    private static FleetDiagnostic Outside(MachineOverride machineOverride, SourceLocation location, string what, IReadOnlyList<string> agents) => new()
    {
        Rule = FleetRules.OverrideOutsideMachine,
        Message = $"{Path.GetFileName(machineOverride.Path)} is the override of machine {machineOverride.Machine} but changes {what}; the change is ignored",
        Location = location,
        Agents = agents,
        Machine = machineOverride.Machine,
        Fix = "move the change to the override of the machine it belongs to, or to the topology file.",
    };

    private static FleetValue NamesToMapping(FleetValue? deprecated) => deprecated switch
    {
        FleetSequence names => new FleetMapping(
            names.Items.OfType<FleetScalar>().Where(s => s.Value is not null).Select(s => new FleetMappingEntry(s.Value!, new FleetMapping([], s.Location), s.Location)),
            names.Location),
        null => FleetMapping.Empty,
        _ => deprecated,
    };

    public static IEnumerable<FleetDiagnostic> DuplicateDiagnostics(FleetTopology topology, List<(ShadowAgent Shadow, FleetAgent? Agent)> duplicates)
    {
        foreach (var (shadow, duplicate) in duplicates)
        {
            if (!topology.TryGetAgent(shadow.Name, out var first))
            {
                continue;
            }

            var where = (FleetAgent a) => a.Group is null ? $"on {a.Machine}" : $"in group {a.Group} on {a.Machine}";
            var second = duplicate is null ? string.Empty : $" {where(duplicate)}";
            var portsOf = (FleetAgent a) => string.Join(", ", FleetTopologyValidator.PortsOf(a).Select(p => $"{p.Kind} {p.Port}"));
            var firstPorts = portsOf(first) is { Length: > 0 } fp ? $", {fp}" : string.Empty;
            var secondPorts = duplicate is not null && portsOf(duplicate) is { Length: > 0 } sp ? $", {sp}" : string.Empty;
            var ports = FleetTopologyValidator.PortsOf(first).Select(p => p.Port)
                .Concat(duplicate is null ? [] : FleetTopologyValidator.PortsOf(duplicate).Select(p => p.Port)).Distinct().ToList();
            var differences = duplicate is null ? [] : Differences(first, duplicate);
            yield return new FleetDiagnostic
            {
                Rule = FleetRules.DuplicateAgent,
                Message = $"agent {shadow.Name} is defined twice: {where(first)} ({first.Location.ToShortString()}{firstPorts}) and{second} ({shadow.KeyLocation.ToShortString()}{secondPorts})" +
                          (differences.Count == 0 ? "; the definitions are identical" : $"; they differ: {string.Join(", ", differences)}") +
                          "; only the first is used",
                Location = shadow.KeyLocation,
                Related = [new FleetRelatedLocation(first.Location, $"{first.Name} first defined here"), new FleetRelatedLocation(shadow.KeyLocation, $"{shadow.Name} defined again here")],
                Agents = [shadow.Name],
                Ports = ports,
                Machine = first.Machine,
                Fix = $"keep one definition of {shadow.Name}; if they are two different agents, rename one.",
            };
        }
    }

    public static IEnumerable<FleetDiagnostic> DriftDiagnostics(FleetTopology topology, Combination combination, List<(VariantAgent Variant, FleetAgent? Agent)> variants)
    {
        foreach (var (machine, primaryFile, variantFile) in combination.VariantPairs)
        {
            var inVariant = variants.Where(v => v.Variant.File == variantFile && string.Equals(v.Variant.Machine, machine, StringComparison.OrdinalIgnoreCase)).ToList();
            foreach (var agent in topology.AgentsOn(machine).Where(a => a.SourceFile == primaryFile || a.Location.Source == primaryFile))
            {
                var twin = inVariant.FirstOrDefault(v => string.Equals(v.Variant.Name, agent.Name, StringComparison.OrdinalIgnoreCase));
                if (twin.Variant is null)
                {
                    yield return Drift(machine, primaryFile, variantFile, agent.Location,
                        $"agent {agent.Name} is in {Path.GetFileName(primaryFile)} but missing from {Path.GetFileName(variantFile)}", [agent.Name], FleetTopologyValidator.PortsOf(agent).Select(p => p.Port).ToList(), []);
                    continue;
                }

                if (twin.Agent is null)
                {
                    continue;
                }

                var differences = Differences(agent, twin.Agent);
                if (differences.Count > 0)
                {
                    yield return Drift(machine, primaryFile, variantFile, twin.Agent.Location,
                        $"agent {agent.Name} differs between {Path.GetFileName(primaryFile)} and {Path.GetFileName(variantFile)}: {string.Join(", ", differences)}",
                        [agent.Name],
                        FleetTopologyValidator.PortsOf(agent).Concat(FleetTopologyValidator.PortsOf(twin.Agent)).Select(p => p.Port).Distinct().ToList(),
                        [new FleetRelatedLocation(agent.Location, $"{agent.Name} in {Path.GetFileName(primaryFile)}"), new FleetRelatedLocation(twin.Agent.Location, $"{agent.Name} in {Path.GetFileName(variantFile)}")]);
                }
            }

            foreach (var (variant, agent) in inVariant)
            {
                if (!topology.AgentsOn(machine).Any(a => string.Equals(a.Name, variant.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    yield return Drift(machine, primaryFile, variantFile, variant.KeyLocation,
                        $"agent {variant.Name} is in {Path.GetFileName(variantFile)} but missing from {Path.GetFileName(primaryFile)}",
                        [variant.Name], agent is null ? [] : FleetTopologyValidator.PortsOf(agent).Select(p => p.Port).ToList(), []);
                }
            }
        }
    }

    private static FleetDiagnostic Drift(string machine, string primaryFile, string variantFile, SourceLocation location, string message, IReadOnlyList<string> agents, IReadOnlyList<int> ports, IReadOnlyList<FleetRelatedLocation> related) => new()
    {
        Rule = FleetRules.Drift,
        Message = $"{machine}: {message} (the first, {Path.GetFileName(primaryFile)}, is used)",
        Location = location,
        Related = related,
        Agents = agents,
        Ports = ports,
        Machine = machine,
        Fix = $"keep one description of {machine}: migrate to the unified topology ('fleet config migrate') and delete the variant files, or make them agree.",
    };

    internal static List<string> Differences(FleetAgent a, FleetAgent b)
    {
        var differences = new List<string>();
        void Compare<T>(string what, T left, T right)
        {
            if (!EqualityComparer<T>.Default.Equals(left, right))
            {
                differences.Add($"{what} {Show(left)} vs {Show(right)}");
            }
        }

        Compare("machine", a.Machine.ToLowerInvariant(), b.Machine.ToLowerInvariant());
        Compare("port", a.Port, b.Port);
        Compare("health port", a.HealthPort, b.HealthPort);
        Compare("required", a.Required, b.Required);
        Compare("host", a.Host, b.Host);
        var left = string.Join(",", a.Dependencies.Select(d => d.Agent).Order(StringComparer.OrdinalIgnoreCase));
        var right = string.Join(",", b.Dependencies.Select(d => d.Agent).Order(StringComparer.OrdinalIgnoreCase));
        if (!string.Equals(left, right, StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"dependencies [{left}] vs [{right}]");
        }

        return differences;
    }

    private static string Show<T>(T value) => value?.ToString()?.ToLowerInvariant() ?? "unset";

    internal sealed class Combination
    {
        public FleetMapping Tree { get; set; } = FleetMapping.Empty;

        public List<ShadowAgent> Shadows { get; } = [];

        public List<VariantAgent> Variants { get; } = [];

        public List<(string Machine, string Primary, string Variant)> VariantPairs { get; } = [];
    }

    internal sealed class VariantAgent
    {
        public required string Name { get; init; }

        public required FleetMapping Definition { get; init; }

        public required string File { get; init; }

        public required string Primary { get; init; }

        public required string Machine { get; init; }

        public required SourceLocation KeyLocation { get; init; }
    }
}
