namespace Fleet.Sdk.Config;

/// <summary>A topology file to load.</summary>
/// <param name="Path">The file: unified (<c>fleet.yaml</c>) or legacy (<c>startup_config.yaml</c>), YAML or JSON.</param>
public sealed record FleetTopologySource(string Path)
{
    /// <summary>
    /// Gets the machine a legacy file describes, instead of the one its schema implies
    /// (<c>agent_groups</c>: <c>mainpc</c>, <c>pc2_services</c>: <c>pc2</c>) or its top-level <c>machine:</c> key.
    /// Ignored for unified files, which name the machine of each agent.
    /// </summary>
    public string? Machine { get; init; }
}

/// <summary>What <see cref="FleetTopologyLoader"/> loads, and how.</summary>
public sealed class FleetTopologyLoadOptions
{
    /// <summary>Gets the topology files, in order. When two describe the same machine, the first is used and the others are compared with it (rule FLEET050).</summary>
    public IList<FleetTopologySource> Sources { get; } = [];

    /// <summary>
    /// Gets or sets the machine whose view to load: only its override (<c>overrides/{machine}.yaml</c>)
    /// applies, and its override's <c>settings</c> join the fleet-wide ones. When <see langword="null"/>,
    /// the fleet view: every machine's override applies to that machine's part.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Machine { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>overrides/{machine}.yaml</c> (or <c>.yml</c>, <c>.json</c>) beside each topology file is applied.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ApplyOverrides { get; set; } = true;

    /// <summary>Gets override files given explicitly; the machine is the file name without extension.</summary>
    public IList<string> OverrideFiles { get; } = [];

    /// <summary>Gets or sets the environment variables interpolation reads first.</summary>
    /// <value>The default value is the process environment.</value>
    public IEnvironmentVariables Environment { get; set; } = ProcessEnvironmentVariables.Instance;

    /// <summary>Gets <c>.env</c> files given explicitly, read after the environment, in order.</summary>
    public IList<string> EnvFiles { get; } = [];

    /// <summary>Gets or sets a value indicating whether a <c>.env</c> file beside each topology file is read (after explicit ones).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LoadDotEnv { get; set; } = true;

    /// <summary>Gets or sets the variables known by several names.</summary>
    /// <value>The default value is <see cref="LegacyEnvironmentAliases.All"/>.</value>
    public IReadOnlyList<AliasedEnvironmentVariable> Aliases { get; set; } = LegacyEnvironmentAliases.All;

    /// <summary>Gets or sets variables that rank below <c>.env</c> files and above the topology's <c>variables:</c> (a migration's <c>--define</c>).</summary>
    internal IReadOnlyDictionary<string, string>? Defines { get; set; }

    /// <summary>Adds topology files.</summary>
    /// <param name="paths">The files.</param>
    /// <returns>These options, for chaining.</returns>
    public FleetTopologyLoadOptions AddFiles(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            Sources.Add(new FleetTopologySource(path));
        }

        return this;
    }
}

/// <summary>A file the loader read, and as what.</summary>
/// <param name="Path">The path as given.</param>
/// <param name="Role">What it was read as: <c>topology</c>, <c>override</c> or <c>env</c>.</param>
/// <param name="Schema">The schema of a topology file.</param>
/// <param name="Machine">The machine of an override, or the machine a legacy file describes.</param>
public sealed record FleetLoadedFile(string Path, string Role, FleetTopologySchemaKind? Schema, string? Machine);

/// <summary>The outcome of <see cref="FleetTopologyLoader.Load(FleetTopologyLoadOptions)"/>: the topology and every finding.</summary>
public sealed class FleetTopologyLoadResult
{
    internal FleetTopologyLoadResult(FleetTopology topology, IReadOnlyList<FleetDiagnostic> diagnostics, IReadOnlyList<FleetLoadedFile> files)
    {
        Topology = topology;
        Diagnostics = diagnostics;
        Files = files;
    }

    /// <summary>Gets the topology. When <see cref="HasErrors"/>, values whose interpolation failed are missing from it: do not run agents from it.</summary>
    public FleetTopology Topology { get; }

    /// <summary>Gets every finding, ordered by location.</summary>
    public IReadOnlyList<FleetDiagnostic> Diagnostics { get; }

    /// <summary>Gets every file read: topology files, overrides and <c>.env</c> files.</summary>
    public IReadOnlyList<FleetLoadedFile> Files { get; }

    /// <summary>Gets a value indicating whether any finding is an error.</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == FleetDiagnosticSeverity.Error);

    /// <summary>Throws when any finding is an error, listing every error.</summary>
    /// <returns>The topology, for chaining.</returns>
    /// <exception cref="FleetConfigurationException">At least one finding is an error.</exception>
    public FleetTopology ThrowIfErrors()
    {
        var errors = Diagnostics.Where(d => d.Severity == FleetDiagnosticSeverity.Error).ToList();
        return errors.Count == 0 ? Topology : throw FleetConfigurationErrors.Invalid(errors);
    }
}
