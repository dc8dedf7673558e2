namespace Fleet.Sdk.Config;

/// <summary>Where <c>AddFleetConfiguration</c> finds the fleet topology, and how it loads it.</summary>
public sealed class FleetConfigurationOptions
{
    /// <summary>
    /// Gets or sets the configuration directory holding the topology file, <c>overrides/</c> and <c>.env</c>.
    /// Relative paths are relative to the content root.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <c>FLEET_CONFIG_DIR</c> (legacy <c>CONFIG_DIR</c>), else <c>{content root}/config</c>.</value>
    public string? Directory { get; set; }

    /// <summary>Gets the topology files, relative to <see cref="Directory"/> unless absolute; several legacy files may be listed.</summary>
    /// <value>The default value is empty: the first of <c>fleet.yaml</c>, <c>fleet.yml</c>, <c>fleet.json</c>, <c>startup_config.yaml</c>, <c>startup_config.yml</c> in the directory.</value>
    public IList<string> Files { get; } = [];

    /// <summary>Gets or sets the machine this process runs on: its override applies and its definition is under <c>Fleet:Machine</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the configuration key <c>Fleet:Machine:Name</c> (environment <c>FLEET__MACHINE__NAME</c>), else the agent's machine.</value>
    public string? Machine { get; set; }

    /// <summary>Gets or sets the agent this process runs: its definition is copied under <c>Fleet:Agent</c>.</summary>
    /// <value>The default value is <see langword="null"/>: the configuration key <c>Fleet:Agent:Name</c> (environment <c>FLEET__AGENT__NAME</c>).</value>
    public string? Agent { get; set; }

    /// <summary>Gets or sets a value indicating whether the files are watched and reloaded on change (through <c>IOptionsMonitor</c>).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the directory's <c>.env</c> file is read, for interpolation and as configuration below the environment.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LoadDotEnv { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a missing topology file is accepted (an agent on its own, with no fleet).</summary>
    /// <value>The default value is <see langword="false"/>: a missing topology file fails start-up.</value>
    public bool Optional { get; set; }

    /// <summary>Gets or sets the environment variables to read; for tests and tools.</summary>
    /// <value>The default value is <see langword="null"/>: the process environment.</value>
    public IEnvironmentVariables? Environment { get; set; }
}

/// <summary>The agent this process runs, bound from <c>Fleet:Agent</c> (its topology definition, then the environment and command line over it).</summary>
public sealed class FleetAgentOptions
{
    /// <summary>Gets or sets the agent's name.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the machine it runs on.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Machine { get; set; }

    /// <summary>Gets or sets its group.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Group { get; set; }

    /// <summary>Gets or sets the address it binds to.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Host { get; set; }

    /// <summary>Gets or sets its main port.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? Port { get; set; }

    /// <summary>Gets or sets its health port.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? HealthPort { get; set; }

    /// <summary>Gets or sets a value indicating whether the fleet cannot work without it.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Required { get; set; }

    /// <summary>Gets the agents it depends on.</summary>
    public IList<FleetDependencyOptions> Dependencies { get; } = [];
}

/// <summary>A dependency of the agent, bound from <c>Fleet:Agent:Dependencies:N</c>.</summary>
public sealed class FleetDependencyOptions
{
    /// <summary>Gets or sets the agent depended on.</summary>
    /// <value>The default value is an empty string.</value>
    public string Agent { get; set; } = string.Empty;

    /// <summary>Gets or sets how long to wait for it, in seconds.</summary>
    /// <value>The default value is <see langword="null"/>: no timeout configured.</value>
    public double? TimeoutSeconds { get; set; }
}

/// <summary>The machine this process runs on, bound from <c>Fleet:Machine</c>.</summary>
public sealed class FleetMachineOptions
{
    /// <summary>Gets or sets the machine's name.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets its address.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Host { get; set; }
}

/// <summary>The whole fleet topology, rebuilt from the <c>Fleet:Topology</c> configuration section (so the environment and command line can override any value) and validated at start-up.</summary>
public sealed class FleetTopologyOptions
{
    /// <summary>Gets or sets the topology.</summary>
    /// <value>The default value is <see cref="FleetTopology.Empty"/>.</value>
    public FleetTopology Topology { get; set; } = FleetTopology.Empty;

    /// <summary>Gets the problems found while rebuilding and validating the topology (errors fail start-up).</summary>
    public IList<FleetDiagnostic> Diagnostics { get; } = [];

    internal List<FleetConfigurationError> BuildErrors { get; } = [];
}
