namespace Fleet.Sdk.Config;

/// <summary>Every validation rule, with its stable id. docs/config.md shows an example of each.</summary>
public static class FleetRules
{
    /// <summary>FLEET001: <c>${NAME}</c> names a variable that is set nowhere.</summary>
    public static FleetRule UndefinedVariable { get; } = new("FLEET001", "undefined-variable", FleetDiagnosticSeverity.Error,
        "A ${NAME} expression names a variable set neither in the environment, a .env file, nor the topology's variables.");

    /// <summary>FLEET002: an interpolation expression is malformed.</summary>
    public static FleetRule InterpolationSyntax { get; } = new("FLEET002", "interpolation-syntax", FleetDiagnosticSeverity.Error,
        "A ${...} expression is malformed: never closed, no variable name, or an unknown operator.");

    /// <summary>FLEET003: <c>${NAME:?message}</c> found its variable missing.</summary>
    public static FleetRule RequiredVariable { get; } = new("FLEET003", "required-variable", FleetDiagnosticSeverity.Error,
        "A ${NAME:?message} or ${NAME?message} expression found its variable missing.");

    /// <summary>FLEET004: a value is of the wrong type once interpolated (a port that is not a number...).</summary>
    public static FleetRule InvalidValue { get; } = new("FLEET004", "invalid-value", FleetDiagnosticSeverity.Error,
        "A value is of the wrong type once interpolated, or the legacy ${NAME}+N form found a value that is not an integer.");

    /// <summary>FLEET005: a variable's canonical name and a legacy alias hold different values.</summary>
    public static FleetRule AliasConflict { get; } = new("FLEET005", "environment-alias-conflict", FleetDiagnosticSeverity.Error,
        "An environment variable and its legacy alias (MAINPC_IP and MAIN_PC_IP...) are set to different values.");

    /// <summary>FLEET006: a legacy alias of an environment variable is used.</summary>
    public static FleetRule LegacyAlias { get; } = new("FLEET006", "legacy-environment-alias", FleetDiagnosticSeverity.Warning,
        "A legacy environment variable name is used, in the file or in the environment; it works, but use the canonical name.");

    /// <summary>FLEET007: a variable's canonical name and a legacy alias hold different values, though the topology does not read it.</summary>
    public static FleetRule AliasDrift { get; } = new("FLEET007", "environment-alias-drift", FleetDiagnosticSeverity.Warning,
        "An environment variable and its legacy alias are set to different values; the topology does not read it, but legacy agents that read the other name get another value.");

    /// <summary>FLEET010: two agents have the same name.</summary>
    public static FleetRule DuplicateAgent { get; } = new("FLEET010", "duplicate-agent", FleetDiagnosticSeverity.Error,
        "An agent name is defined more than once: in two groups, twice in one group, or in files of two machines.");

    /// <summary>FLEET011: a dependency names no agent.</summary>
    public static FleetRule UnknownDependency { get; } = new("FLEET011", "unknown-dependency", FleetDiagnosticSeverity.Error,
        "An agent depends on an agent that is defined nowhere.");

    /// <summary>FLEET012: dependencies form a cycle.</summary>
    public static FleetRule DependencyCycle { get; } = new("FLEET012", "dependency-cycle", FleetDiagnosticSeverity.Error,
        "Dependencies form a cycle, so no agent of the cycle can start first.");

    /// <summary>FLEET013: an agent depends on a deprecated agent.</summary>
    public static FleetRule DeprecatedDependency { get; } = new("FLEET013", "deprecated-dependency", FleetDiagnosticSeverity.Error,
        "An agent depends on a deprecated agent, which no longer runs.");

    /// <summary>FLEET014: a required agent depends on an optional one.</summary>
    public static FleetRule RequiredOnOptional { get; } = new("FLEET014", "required-depends-on-optional", FleetDiagnosticSeverity.Warning,
        "A required agent depends on an optional agent: when the optional one is not running, the required one cannot work.");

    /// <summary>FLEET015: an agent runs on a machine the topology does not declare.</summary>
    public static FleetRule UnknownMachine { get; } = new("FLEET015", "unknown-machine", FleetDiagnosticSeverity.Error,
        "An agent names a machine that the topology does not declare under 'machines:'.");

    /// <summary>FLEET016: a deprecated agent is still defined as a running agent.</summary>
    public static FleetRule DeprecatedAgentDefined { get; } = new("FLEET016", "deprecated-agent-defined", FleetDiagnosticSeverity.Warning,
        "An agent listed as deprecated is still defined as a running agent.");

    /// <summary>FLEET020: two ports of one machine are the same.</summary>
    public static FleetRule PortConflict { get; } = new("FLEET020", "port-conflict", FleetDiagnosticSeverity.Error,
        "Two agents of one machine (main and health ports together) use the same port once interpolated.");

    /// <summary>FLEET021: a port is outside 1-65535.</summary>
    public static FleetRule PortOutOfRange { get; } = new("FLEET021", "port-out-of-range", FleetDiagnosticSeverity.Error,
        "A port is outside 1-65535.");

    /// <summary>FLEET022: a port is privileged (below 1024).</summary>
    public static FleetRule PrivilegedPort { get; } = new("FLEET022", "privileged-port", FleetDiagnosticSeverity.Warning,
        "A port is below 1024, which needs root or CAP_NET_BIND_SERVICE.");

    /// <summary>FLEET030: a value binds every interface (<c>0.0.0.0</c>).</summary>
    public static FleetRule BindAllInterfaces { get; } = new("FLEET030", "bind-all-interfaces", FleetDiagnosticSeverity.Warning,
        "A value binds every network interface (0.0.0.0, ::, tcp://*), exposing the agent to every network the machine is on.");

    /// <summary>FLEET031: a private IP address is written literally.</summary>
    public static FleetRule HardCodedAddress { get; } = new("FLEET031", "hard-coded-private-address", FleetDiagnosticSeverity.Warning,
        "A private IP address (10.x, 172.16-31.x, 192.168.x) is written literally instead of coming from the machine's host or a variable.");

    /// <summary>FLEET032: an agent depends on an agent of another machine without a timeout.</summary>
    public static FleetRule CrossMachineDependency { get; } = new("FLEET032", "cross-machine-dependency", FleetDiagnosticSeverity.Info,
        "An agent depends on an agent of another machine without 'timeout_seconds': cross-machine calls need a timeout and a degraded mode.");

    /// <summary>FLEET040: an agent needs a GPU its machine does not have.</summary>
    public static FleetRule GpuUnavailable { get; } = new("FLEET040", "gpu-unavailable", FleetDiagnosticSeverity.Error,
        "An agent needs a GPU, or more VRAM than any GPU, that its machine does not have.");

    /// <summary>FLEET041: the required agents of a machine need more VRAM than it has.</summary>
    public static FleetRule GpuOversubscribed { get; } = new("FLEET041", "gpu-oversubscribed", FleetDiagnosticSeverity.Warning,
        "The agents of a machine that require a GPU need more VRAM in total than its GPUs have.");

    /// <summary>FLEET050: two topology sources describe the same machine differently.</summary>
    public static FleetRule Drift { get; } = new("FLEET050", "drift", FleetDiagnosticSeverity.Warning,
        "Two topology sources describe the same machine differently: an agent only in one of them, or different ports, dependencies or flags.");

    /// <summary>FLEET051: a machine override changes something of another machine.</summary>
    public static FleetRule OverrideOutsideMachine { get; } = new("FLEET051", "override-outside-machine", FleetDiagnosticSeverity.Error,
        "overrides/{machine}.yaml changes an agent or machine other than its own machine.");

    /// <summary>FLEET052: a key looks like a misspelt known key.</summary>
    public static FleetRule UnknownKey { get; } = new("FLEET052", "unknown-key", FleetDiagnosticSeverity.Warning,
        "A key is not part of the schema but is close to a key that is (a likely typo); it is kept as written.");

    /// <summary>FLEET060: a required agent names neither an image nor a build context, so it cannot be deployed.</summary>
    public static FleetRule NoDeploySource { get; } = new("FLEET060", "no-image-or-build", FleetDiagnosticSeverity.Info,
        "A required agent has neither 'image:' nor 'build:'; `fleet deploy render` refuses it unless --default-image is given.");

    /// <summary>FLEET061: an extra volume mounts the Docker socket.</summary>
    public static FleetRule DockerSocketMount { get; } = new("FLEET061", "docker-socket-mount", FleetDiagnosticSeverity.Error,
        "An agent's 'volumes:' mounts the Docker socket (docker.sock), which gives it root on the machine.");

    /// <summary>FLEET062: a secret is written as a plain environment value.</summary>
    public static FleetRule SecretInEnvironment { get; } = new("FLEET062", "secret-in-environment", FleetDiagnosticSeverity.Error,
        "An agent's 'env:' sets a secret-looking variable (PASSWORD, SECRET, TOKEN, PRIVATE_KEY, API_KEY...) to a plain value, visible in process lists.");

    /// <summary>Gets every rule, by id.</summary>
    public static IReadOnlyList<FleetRule> All { get; } =
    [
        UndefinedVariable, InterpolationSyntax, RequiredVariable, InvalidValue, AliasConflict, LegacyAlias, AliasDrift,
        DuplicateAgent, UnknownDependency, DependencyCycle, DeprecatedDependency, RequiredOnOptional, UnknownMachine, DeprecatedAgentDefined,
        PortConflict, PortOutOfRange, PrivilegedPort,
        BindAllInterfaces, HardCodedAddress, CrossMachineDependency,
        GpuUnavailable, GpuOversubscribed,
        Drift, OverrideOutsideMachine, UnknownKey,
        NoDeploySource, DockerSocketMount, SecretInEnvironment,
    ];

    /// <summary>Finds a rule by id (<c>FLEET020</c>, case-insensitive).</summary>
    /// <param name="id">The id.</param>
    /// <returns>The rule, or <see langword="null"/>.</returns>
    public static FleetRule? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
}
