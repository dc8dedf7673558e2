namespace Fleet.Sdk.Config;

/// <summary>
/// Loads a fleet topology from files: reads each (YAML or JSON, unified or legacy schema), reads
/// the <c>.env</c> files, interpolates every value strictly, combines the files, applies the
/// per-machine overrides, builds the <see cref="FleetTopology"/> and validates it.
/// </summary>
/// <remarks>
/// Files that cannot be used (missing, unreadable, malformed, unknown schema, wrong types) throw a
/// <see cref="FleetConfigurationException"/> listing every such problem of every file: nothing is
/// loaded partially. Everything else is a <see cref="FleetDiagnostic"/> in the result.
/// </remarks>
public static class FleetTopologyLoader
{
    private static readonly string[] OverrideExtensions = [".yaml", ".yml", ".json"];

    /// <summary>Loads and validates the topology.</summary>
    /// <param name="options">What to load.</param>
    /// <returns>The topology and every finding.</returns>
    /// <exception cref="FleetConfigurationException">A file is missing, unreadable, malformed, of an unknown schema or holds a value of the wrong type.</exception>
    public static FleetTopologyLoadResult Load(FleetTopologyLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Sources.Count == 0)
        {
            throw FleetConfigurationErrors.LoadFailed([new FleetConfigurationError(default,
                "no topology file was given: name one (fleet.yaml, or the legacy startup_config.yaml files), or set FLEET_CONFIG_DIR to the directory that holds it.")]);
        }

        var errors = new List<FleetConfigurationError>();
        var files = new List<FleetLoadedFile>();

        var sources = new List<TopologySourceDocument>();
        foreach (var source in options.Sources)
        {
            var root = DocumentReader.ReadFile(source.Path, errors);
            if (root is null)
            {
                continue;
            }

            var document = TopologySchemaReader.Read(source.Path, root, source.Machine, errors);
            if (document is null)
            {
                continue;
            }

            var skipDuplicates = document.Schema == FleetTopologySchemaKind.Unified ? "agents" : "agent_groups.";
            TreeHelpers.CheckDuplicateKeys(root, string.Empty, p => p == "agents" || (document.Schema == FleetTopologySchemaKind.LegacyAgentGroups && p.StartsWith(skipDuplicates, StringComparison.Ordinal) && p.Count(c => c == '.') == 1), errors);
            sources.Add(document);
            files.Add(new FleetLoadedFile(source.Path, "topology", document.Schema,
                document.Schema == FleetTopologySchemaKind.Unified ? null : Claims(document).FirstOrDefault()));
        }

        var overrides = ReadOverrides(options, errors, files);
        var environment = ReadEnvironment(options, sources, errors, files);

        if (errors.Count > 0)
        {
            throw FleetConfigurationErrors.LoadFailed(errors);
        }

        var pass = new InterpolationPass(new FleetInterpolator(environment, options.Aliases));
        foreach (var document in sources)
        {
            document.Tree = pass.Run(document.Tree);
            foreach (var shadow in document.Shadows)
            {
                shadow.Definition = (FleetMapping)pass.RunValue(shadow.Definition, [Keys.Agents, shadow.Name]);
            }
        }

        foreach (var machineOverride in overrides)
        {
            machineOverride.Tree = pass.Run(machineOverride.Tree);
        }

        var diagnostics = pass.Diagnostics();
        diagnostics.AddRange(AliasDriftCheck.Run(environment, options.Aliases, diagnostics).ToList());
        var combination = TopologyCombiner.Combine(sources, overrides, options.Machine, diagnostics);

        var builder = new TopologyBuilder();
        var topology = builder.Build(combination.Tree, sources.Count == 1 ? sources[0].Path : "topology");
        var duplicates = combination.Shadows.Select(s => (Shadow: s, Agent: builder.BuildAgent(s.Name, s.Definition, s.KeyLocation, null, s.File, []))).ToList();
        var variants = combination.Variants.Select(v => (Variant: v, Agent: builder.BuildAgent(v.Name, v.Definition, v.KeyLocation, v.Machine, v.File, []))).ToList();
        if (builder.Errors.Count > 0)
        {
            throw FleetConfigurationErrors.LoadFailed(builder.Errors);
        }

        diagnostics.AddRange(builder.Diagnostics);
        diagnostics.AddRange(TopologyCombiner.DuplicateDiagnostics(topology, duplicates));
        diagnostics.AddRange(TopologyCombiner.DriftDiagnostics(topology, combination, variants));
        diagnostics.AddRange(FleetTopologyValidator.Validate(topology));
        return new FleetTopologyLoadResult(topology, FleetTopologyValidator.Sort(diagnostics), files);
    }

    /// <summary>
    /// Rebuilds the topology from the <c>Fleet:Topology</c> section of a configuration, after every
    /// layer (so environment and command-line values count), and validates it.
    /// </summary>
    /// <param name="configuration">The configuration, usually holding a <see cref="FleetTopologyConfigurationSource"/>.</param>
    /// <returns>The topology and every finding; locations name the file and line when the value came from a topology file.</returns>
    /// <exception cref="FleetConfigurationException">A value has the wrong type (a port that is not a number...).</exception>
    public static FleetTopologyLoadResult LoadFromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var (topology, errors, diagnostics) = BuildFromConfiguration(configuration);
        return errors.Count > 0
            ? throw FleetConfigurationErrors.LoadFailed(errors)
            : new FleetTopologyLoadResult(topology, FleetTopologyValidator.Sort(diagnostics), []);
    }

    internal static (FleetTopology Topology, List<FleetConfigurationError> Errors, List<FleetDiagnostic> Diagnostics) BuildFromConfiguration(
        Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var tree = ConfigurationTreeReader.Read(configuration, TopologyFlattener.TopologySection);
        var builder = new TopologyBuilder();
        var topology = builder.Build(tree, TopologyFlattener.TopologySection);
        var diagnostics = builder.Diagnostics.Concat(FleetTopologyValidator.Validate(topology)).ToList();
        return (topology, builder.Errors, diagnostics);
    }

    /// <summary>Finds the topology file of a configuration directory: the first of <see cref="FleetTopologySchema.DefaultFileNames"/> that exists.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The file, or <see langword="null"/> when there is none.</returns>
    public static string? FindTopologyFile(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return FleetTopologySchema.DefaultFileNames.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
    }

    internal static IEnumerable<string> Claims(TopologySourceDocument document)
    {
        var agents = TreeHelpers.Get(document.Tree, Keys.Agents) as FleetMapping;
        var machines = TreeHelpers.Get(document.Tree, Keys.Machines) as FleetMapping;
        var only = machines is { Count: 1 } ? machines.Entries[0].Key : null;
        var claims = new List<string>();
        foreach (var agent in agents?.Entries ?? [])
        {
            var machine = agent.Value is FleetMapping definition ? TreeHelpers.ScalarText(TreeHelpers.Get(definition, Keys.Machine)) ?? only : only;
            if (machine is not null && !claims.Contains(machine, StringComparer.OrdinalIgnoreCase))
            {
                claims.Add(machine);
            }
        }

        if (claims.Count == 0 && only is not null && document.Schema != FleetTopologySchemaKind.Unified)
        {
            claims.Add(only);
        }

        return claims;
    }

    private static List<MachineOverride> ReadOverrides(FleetTopologyLoadOptions options, List<FleetConfigurationError> errors, List<FleetLoadedFile> files)
    {
        var paths = new List<string>(options.OverrideFiles);
        if (options.ApplyOverrides)
        {
            foreach (var directory in SourceDirectories(options))
            {
                var folder = Path.Combine(directory, FleetTopologySchema.OverridesFolder);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                paths.AddRange(Directory.EnumerateFiles(folder)
                    .Where(f => OverrideExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
        }

        var overrides = new List<MachineOverride>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            var machine = Path.GetFileNameWithoutExtension(path);
            if (options.Machine is not null && !string.Equals(machine, options.Machine, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var root = DocumentReader.ReadFile(path, errors);
            if (root is null)
            {
                continue;
            }

            if (root is not FleetMapping mapping)
            {
                errors.Add(new FleetConfigurationError(root.Location, $"an override's top level must be a mapping (machines:, agents:, settings:), not {root.KindName}."));
                continue;
            }

            var before = errors.Count;
            foreach (var entry in mapping.Entries)
            {
                switch (Keys.Known(entry.Key, Keys.TopLevel))
                {
                    case Keys.Version:
                        TopologySchemaReader.CheckVersion(entry.Value, errors);
                        break;
                    case Keys.Machines or Keys.Agents or Keys.Settings:
                        break;
                    case Keys.Variables or Keys.Deprecated:
                        errors.Add(new FleetConfigurationError(entry.KeyLocation,
                            $"'{entry.Key}' cannot be set in a machine override: declare it in the topology file (variables can also come from the environment or a .env file)."));
                        break;
                    default:
                        var closest = Keys.Closest(entry.Key, [Keys.Machines, Keys.Agents, Keys.Settings]);
                        errors.Add(new FleetConfigurationError(entry.KeyLocation,
                            $"unknown top-level key '{entry.Key}' in a machine override{(closest is null ? string.Empty : $" (did you mean '{closest}'?)")}: " +
                            "an override holds machines:, agents: and settings:, in the unified schema."));
                        break;
                }
            }

            TreeHelpers.CheckDuplicateKeys(mapping, string.Empty, _ => false, errors);
            if (errors.Count == before)
            {
                overrides.Add(new MachineOverride { Machine = machine, Path = path, Tree = mapping });
                files.Add(new FleetLoadedFile(path, "override", null, machine));
            }
        }

        return overrides;
    }

    private static IEnvironmentVariables ReadEnvironment(
        FleetTopologyLoadOptions options, List<TopologySourceDocument> sources, List<FleetConfigurationError> errors, List<FleetLoadedFile> files)
    {
        var layers = new List<IEnvironmentVariables> { options.Environment };
        var envPaths = new List<string>(options.EnvFiles);
        if (options.LoadDotEnv)
        {
            envPaths.AddRange(SourceDirectories(options).Select(d => Path.Combine(d, ".env")).Where(File.Exists));
        }

        foreach (var path in envPaths.Distinct(StringComparer.Ordinal))
        {
            var file = DotEnvFile.TryLoad(path, errors);
            if (file is not null)
            {
                layers.Add(file);
                files.Add(new FleetLoadedFile(path, "env", null, null));
            }
        }

        if (options.Defines is { Count: > 0 } defines)
        {
            layers.Add(new DictionaryEnvironmentVariables(defines));
        }

        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var document in sources)
        {
            if (TreeHelpers.Get(document.Tree, Keys.Variables) is FleetMapping variables)
            {
                foreach (var entry in variables.Entries)
                {
                    if (entry.Value is FleetScalar { RawValue: { } value })
                    {
                        defaults.TryAdd(entry.Key, value);
                    }
                }
            }
        }

        layers.Add(new DictionaryEnvironmentVariables(defaults));
        return new LayeredEnvironmentVariables([.. layers]);
    }

    private static IEnumerable<string> SourceDirectories(FleetTopologyLoadOptions options) =>
        options.Sources
            .Select(s => Path.GetDirectoryName(Path.GetFullPath(s.Path)) ?? ".")
            .Distinct(StringComparer.Ordinal);
}

/// <summary>An <c>overrides/{machine}.yaml</c> file.</summary>
internal sealed class MachineOverride
{
    public required string Machine { get; init; }

    public required string Path { get; init; }

    public required FleetMapping Tree { get; set; }
}
