using System.Globalization;

namespace Fleet.Sdk.Config;

/// <summary>One file written by a migration.</summary>
/// <param name="RelativePath">The path relative to the output directory: <c>fleet.yaml</c> or <c>overrides/{machine}.yaml</c>.</param>
/// <param name="Content">The YAML text.</param>
public sealed record FleetMigratedFile(string RelativePath, string Content);

/// <summary>The outcome of <see cref="FleetTopologyMigrator.Migrate(FleetTopologyLoadOptions, IReadOnlyDictionary{string, string}?)"/>.</summary>
public sealed class FleetMigrationResult
{
    internal FleetMigrationResult(IReadOnlyList<FleetMigratedFile> files, FleetTopologyLoadResult input)
    {
        Files = files;
        Input = input;
    }

    /// <summary>Gets the files to write: the unified topology, then one override per machine.</summary>
    public IReadOnlyList<FleetMigratedFile> Files { get; }

    /// <summary>Gets the validation of the input files (the problems the migration carries over unchanged).</summary>
    public FleetTopologyLoadResult Input { get; }

    /// <summary>Writes the files under <paramref name="directory"/>.</summary>
    /// <param name="directory">The output directory; created when missing.</param>
    /// <param name="overwrite">Whether existing files may be replaced.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="IOException">A file exists and <paramref name="overwrite"/> is false, or writing failed.</exception>
    public IReadOnlyList<string> WriteTo(string directory, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var paths = Files.Select(f => Path.Combine(directory, f.RelativePath)).ToList();
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count > 0 && !overwrite)
        {
            throw new IOException($"{string.Join(", ", existing)} already exist{(existing.Count == 1 ? "s" : string.Empty)}: choose an empty output directory, or pass --force to replace them.");
        }

        for (var i = 0; i < Files.Count; i++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(paths[i])!);
            var temporary = paths[i] + ".tmp";
            File.WriteAllText(temporary, Files[i].Content);
            File.Move(temporary, paths[i], overwrite: true);
        }

        return paths;
    }
}

/// <summary>
/// Migrates legacy topology files (and unified ones) to one unified topology file plus one override
/// per machine (<c>overrides/{machine}.yaml</c>, holding the machine's limits and settings).
/// Values are written as they were, <c>${...}</c> expressions included, so the migrated files
/// resolve to the same agents, ports and dependencies under the same environment.
/// </summary>
public static class FleetTopologyMigrator
{
    /// <summary>The name of the unified topology file a migration writes.</summary>
    public const string TopologyFileName = "fleet.yaml";

    /// <summary>Converts the files of <paramref name="options"/>.</summary>
    /// <param name="options">The files to migrate and the environment to validate them with.</param>
    /// <param name="defines">Variables to declare under <c>variables:</c> in the unified file (for example <c>PORT_OFFSET=0</c>).</param>
    /// <returns>The files to write, and the validation of the input.</returns>
    /// <exception cref="FleetConfigurationException">A file cannot be read, or the input defines an agent twice or in drifted variants (the migration would have to guess which definition is meant).</exception>
    public static FleetMigrationResult Migrate(FleetTopologyLoadOptions options, IReadOnlyDictionary<string, string>? defines = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Defines = defines;
        FleetTopologyLoadResult input;
        try
        {
            input = FleetTopologyLoader.Load(options);
        }
        finally
        {
            options.Defines = null;
        }

        var ambiguous = input.Diagnostics.Where(d => d.Rule == FleetRules.DuplicateAgent || d.Rule == FleetRules.Drift).ToList();
        if (ambiguous.Count > 0)
        {
            throw new FleetConfigurationException(
                $"Cannot migrate: {FleetConfigurationErrors.Count(ambiguous.Count, "agent definition")} would have to be guessed. " +
                $"Fix these first (keep one definition of each agent, migrate one variant file per machine):{Environment.NewLine}" +
                string.Join(Environment.NewLine, ambiguous.Select(d => "  " + d.ToString().Split('\n')[0])),
                [],
                ambiguous);
        }

        var errors = new List<FleetConfigurationError>();
        var sources = new List<TopologySourceDocument>();
        foreach (var source in options.Sources)
        {
            var root = DocumentReader.ReadFile(source.Path, errors);
            var document = root is null ? null : TopologySchemaReader.Read(source.Path, root, source.Machine, errors);
            if (document is not null)
            {
                sources.Add(document);
            }
        }

        if (errors.Count > 0)
        {
            throw FleetConfigurationErrors.LoadFailed(errors);
        }

        var combined = TopologyCombiner.Combine(sources, [], machineView: null, []).Tree;
        var files = Split(combined, options, defines);
        if (EnvironmentFile(options) is { } environmentFile)
        {
            files.Add(environmentFile);
        }

        return new FleetMigrationResult(files, input);
    }

    private static List<FleetMigratedFile> Split(FleetMapping combined, FleetTopologyLoadOptions options, IReadOnlyDictionary<string, string>? defines)
    {
        var variables = TreeHelpers.AsMappingOrEmpty(TreeHelpers.Get(combined, Keys.Variables));
        if (defines is { Count: > 0 })
        {
            foreach (var (name, value) in defines)
            {
                variables = TreeHelpers.With(variables, name, new FleetScalar(value, Plain(value) ? FleetScalarStyle.Plain : FleetScalarStyle.Quoted, default), default);
            }
        }

        var machines = TreeHelpers.AsMappingOrEmpty(TreeHelpers.Get(combined, Keys.Machines));
        var settings = TreeHelpers.AsMappingOrEmpty(TreeHelpers.Get(combined, Keys.Settings));
        var agents = TreeHelpers.AsMappingOrEmpty(TreeHelpers.Get(combined, Keys.Agents));
        var deprecated = TreeHelpers.AsMappingOrEmpty(TreeHelpers.Get(combined, Keys.Deprecated));

        var top = new List<FleetMappingEntry>
        {
            new(Keys.Version, new FleetScalar(FleetTopologySchema.CurrentVersion.ToString(CultureInfo.InvariantCulture), FleetScalarStyle.Plain, default), default),
        };
        if (variables.Count > 0)
        {
            top.Add(new FleetMappingEntry(Keys.Variables, variables, default));
        }

        if (settings.Count > 0)
        {
            top.Add(new FleetMappingEntry(Keys.Settings, settings, default));
        }

        top.Add(new FleetMappingEntry(Keys.Machines, new FleetMapping(machines.Entries.Select(m => new FleetMappingEntry(m.Key, FleetMapping.Empty, default)), default), default));
        top.Add(new FleetMappingEntry(Keys.Agents, agents, default));
        if (deprecated.Count > 0)
        {
            top.Add(new FleetMappingEntry(Keys.Deprecated, deprecated, default));
        }

        var sourceList = string.Join(", ", options.Sources.Select(s => s.Path));
        var files = new List<FleetMigratedFile>
        {
            new(TopologyFileName, YamlTreeWriter.Write(new FleetMapping(top, default),
            [
                "The fleet's topology in the unified schema (version 1); see docs/config.md.",
                $"Migrated by 'fleet config migrate' from: {sourceList}.",
                "Facts about each machine (address, GPUs, limits, settings) are in overrides/{machine}.yaml.",
            ])),
        };

        foreach (var machine in machines.Entries)
        {
            var body = TreeHelpers.AsMappingOrEmpty(machine.Value);
            var content = new FleetMapping([new FleetMappingEntry(Keys.Machines, new FleetMapping([new FleetMappingEntry(machine.Key, body, default)], default), default)], default);
            var header = new List<string> { $"Machine {machine.Key}: its address, GPUs, limits and machine-wide settings, layered over {TopologyFileName}." };
            if (TreeHelpers.Get(body, Keys.Host) is null)
            {
                header.Add($"Set its address for the other machines: machines.{machine.Key}.host (for example ${{{machine.Key.ToUpperInvariant()}_IP}}).");
            }

            files.Add(new FleetMigratedFile($"{FleetTopologySchema.OverridesFolder}/{machine.Key}.yaml", YamlTreeWriter.Write(content, header)));
        }

        return files;
    }

    /// <summary>The variables of the .env files beside the inputs, gathered into one .env for the output (the first value of a name wins).</summary>
    private static FleetMigratedFile? EnvironmentFile(FleetTopologyLoadOptions options)
    {
        if (!options.LoadDotEnv)
        {
            return null;
        }

        var entries = new List<DotEnvEntry>();
        var paths = options.Sources.Select(s => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(s.Path))!, ".env")).Distinct(StringComparer.Ordinal).Where(File.Exists).ToList();
        foreach (var path in paths)
        {
            entries.AddRange(DotEnvFile.Load(path).Entries.Where(e => !entries.Any(x => x.Name == e.Name)));
        }

        if (entries.Count == 0)
        {
            return null;
        }

        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Variables gathered by 'fleet config migrate' from: {string.Join(", ", paths)}.");
        foreach (var entry in entries)
        {
            var quoted = entry.Value.Any(c => char.IsWhiteSpace(c) || c is '#' or '"' or '\\' or '\'');
            text.AppendLine(CultureInfo.InvariantCulture, $"{entry.Name}={(quoted ? "\"" + entry.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : entry.Value)}");
        }

        return new FleetMigratedFile(".env", text.ToString());
    }

    private static bool Plain(string value) => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);

    /// <summary>Compares what two topologies resolve to: agents, machines, ports, health ports, required flags and dependencies.</summary>
    /// <param name="before">The topology migrated from.</param>
    /// <param name="after">The topology migrated to.</param>
    /// <returns>Every difference, empty when they are the same.</returns>
    public static IReadOnlyList<string> Compare(FleetTopology before, FleetTopology after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var differences = new List<string>();
        foreach (var agent in before.Agents)
        {
            if (!after.TryGetAgent(agent.Name, out var migrated))
            {
                differences.Add($"agent {agent.Name} is missing after migration");
                continue;
            }

            differences.AddRange(TopologyCombiner.Differences(agent, migrated).Select(d => $"agent {agent.Name}: {d}"));
        }

        differences.AddRange(after.Agents.Where(a => !before.TryGetAgent(a.Name, out _)).Select(a => $"agent {a.Name} appeared after migration"));
        differences.AddRange(before.DeprecatedAgents.Where(d => !after.TryGetDeprecated(d.Name, out _)).Select(d => $"deprecated agent {d.Name} is missing after migration"));
        return differences;
    }
}
