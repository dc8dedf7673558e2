using System.Diagnostics.CodeAnalysis;

namespace Fleet.Sdk.Config;

/// <summary>
/// The fleet: its machines, the agents that run on them, and the deprecated agents nothing may
/// depend on any more. Read from the unified topology file or the two legacy files, interpolated,
/// with every value's source location. Immutable; agent and machine names are case-insensitive.
/// </summary>
public sealed class FleetTopology
{
    private readonly Dictionary<string, FleetMachine> _machines;
    private readonly Dictionary<string, FleetAgent> _agents;
    private readonly Dictionary<string, FleetDeprecatedAgent> _deprecated;

    /// <summary>Creates a topology. Later duplicates of a name are ignored (the loader reports them).</summary>
    /// <param name="machines">The machines, in order.</param>
    /// <param name="agents">The agents, in order.</param>
    /// <param name="deprecatedAgents">The deprecated agents.</param>
    /// <param name="settings">Fleet-wide free-form settings (configuration keys under <c>Fleet:</c>).</param>
    /// <param name="variables">The default values the topology declares for interpolation variables.</param>
    public FleetTopology(
        IEnumerable<FleetMachine> machines,
        IEnumerable<FleetAgent> agents,
        IEnumerable<FleetDeprecatedAgent>? deprecatedAgents = null,
        FleetMapping? settings = null,
        IReadOnlyDictionary<string, string>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(machines);
        ArgumentNullException.ThrowIfNull(agents);
        _machines = new Dictionary<string, FleetMachine>(StringComparer.OrdinalIgnoreCase);
        _agents = new Dictionary<string, FleetAgent>(StringComparer.OrdinalIgnoreCase);
        _deprecated = new Dictionary<string, FleetDeprecatedAgent>(StringComparer.OrdinalIgnoreCase);
        Machines = Distinct(machines, m => m.Name, _machines);
        Agents = Distinct(agents, a => a.Name, _agents);
        DeprecatedAgents = Distinct(deprecatedAgents ?? [], d => d.Name, _deprecated);
        Settings = settings ?? FleetMapping.Empty;
        Variables = variables ?? new Dictionary<string, string>();
    }

    /// <summary>Gets an empty topology.</summary>
    public static FleetTopology Empty { get; } = new([], []);

    /// <summary>Gets the schema version the topology was read as (the unified schema's <c>version</c>).</summary>
    public int Version { get; init; } = FleetTopologySchema.CurrentVersion;

    /// <summary>Gets the machines, in the order they were declared.</summary>
    public IReadOnlyList<FleetMachine> Machines { get; }

    /// <summary>Gets the agents, in the order they were declared.</summary>
    public IReadOnlyList<FleetAgent> Agents { get; }

    /// <summary>Gets the deprecated agents.</summary>
    public IReadOnlyList<FleetDeprecatedAgent> DeprecatedAgents { get; }

    /// <summary>Gets the fleet-wide settings: configuration keys under <c>Fleet:</c> for every agent, kept as written.</summary>
    public FleetMapping Settings { get; }

    /// <summary>Gets the defaults the topology declares for interpolation variables (the environment and <c>.env</c> files win over them).</summary>
    public IReadOnlyDictionary<string, string> Variables { get; }

    /// <summary>Looks up a machine by name (case-insensitive).</summary>
    /// <param name="name">The machine name.</param>
    /// <param name="machine">The machine, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetMachine(string name, [NotNullWhen(true)] out FleetMachine? machine) => _machines.TryGetValue(name, out machine);

    /// <summary>Looks up an agent by name (case-insensitive).</summary>
    /// <param name="name">The agent name.</param>
    /// <param name="agent">The agent, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetAgent(string name, [NotNullWhen(true)] out FleetAgent? agent) => _agents.TryGetValue(name, out agent);

    /// <summary>Looks up a deprecated agent by name (case-insensitive).</summary>
    /// <param name="name">The agent name.</param>
    /// <param name="deprecated">The deprecation, when found.</param>
    /// <returns><see langword="true"/> when the agent is deprecated.</returns>
    public bool TryGetDeprecated(string name, [NotNullWhen(true)] out FleetDeprecatedAgent? deprecated) => _deprecated.TryGetValue(name, out deprecated);

    /// <summary>Gets the agents that run on <paramref name="machine"/>, in order.</summary>
    /// <param name="machine">The machine name (case-insensitive).</param>
    /// <returns>The agents.</returns>
    public IEnumerable<FleetAgent> AgentsOn(string machine) =>
        Agents.Where(a => string.Equals(a.Machine, machine, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<T> Distinct<T>(IEnumerable<T> items, Func<T, string> name, Dictionary<string, T> index)
    {
        var list = new List<T>();
        foreach (var item in items)
        {
            if (index.TryAdd(name(item), item))
            {
                list.Add(item);
            }
        }

        return list;
    }
}

/// <summary>A machine of the fleet.</summary>
public sealed record FleetMachine
{
    /// <summary>Gets the machine's name, for example <c>mainpc</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the address other machines reach it at, or <see langword="null"/> when not configured.</summary>
    public string? Host { get; init; }

    /// <summary>Gets its GPUs, in device order.</summary>
    public IReadOnlyList<FleetGpu> Gpus { get; init; } = [];

    /// <summary>Gets a value indicating whether the topology declares the machine's GPUs (<c>gpus:</c>, possibly empty); when not, GPU needs are not checked against it.</summary>
    public bool HasGpuInventory { get; init; }

    /// <summary>Gets the default resource limits of each agent on the machine.</summary>
    public FleetResources Limits { get; init; } = FleetResources.None;

    /// <summary>Gets machine-level free-form settings, kept as written.</summary>
    public FleetMapping Settings { get; init; } = FleetMapping.Empty;

    /// <summary>Gets where the machine is declared.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Gets the total VRAM of its GPUs, in MiB.</summary>
    public long TotalVramMib => Gpus.Sum(g => (long)g.VramMib);
}

/// <summary>A GPU of a machine.</summary>
/// <param name="Name">The model, for example <c>RTX 4090</c>.</param>
/// <param name="VramMib">Its memory in MiB.</param>
public sealed record FleetGpu(string Name, int VramMib)
{
    /// <summary>Gets where the GPU is declared.</summary>
    public SourceLocation Location { get; init; }
}

/// <summary>Resource limits or needs; <see langword="null"/> members are unset.</summary>
/// <param name="MemoryMib">Memory in MiB.</param>
/// <param name="CpuPercent">CPU share in percent of one machine.</param>
public sealed record FleetResources(int? MemoryMib, int? CpuPercent)
{
    /// <summary>Gets resources with nothing set.</summary>
    public static FleetResources None { get; } = new(null, null);

    /// <summary>Gets a value indicating whether nothing is set.</summary>
    public bool IsEmpty => MemoryMib is null && CpuPercent is null;
}

/// <summary>What an agent needs of a GPU.</summary>
/// <param name="Required">Whether the agent cannot run without a GPU.</param>
/// <param name="VramMib">The VRAM it needs in MiB, when known.</param>
public sealed record FleetGpuRequirement(bool Required, int? VramMib)
{
    /// <summary>Gets where the requirement is declared.</summary>
    public SourceLocation Location { get; init; }
}

/// <summary>A dependency of an agent on another agent.</summary>
/// <param name="Agent">The agent depended on.</param>
public sealed record FleetDependency(string Agent)
{
    /// <summary>Gets how long to wait for the dependency before degrading, when configured (needed across machines).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets where the dependency is declared.</summary>
    public SourceLocation Location { get; init; }
}

/// <summary>An agent: a long-running process on one machine.</summary>
public sealed record FleetAgent
{
    /// <summary>Gets the agent's name, unique in the fleet (case-insensitive).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the machine it runs on.</summary>
    public required string Machine { get; init; }

    /// <summary>Gets its group (the legacy <c>agent_groups</c> key), if any.</summary>
    public string? Group { get; init; }

    /// <summary>Gets the address it binds to, if configured.</summary>
    public string? Host { get; init; }

    /// <summary>Gets its main port, if it listens.</summary>
    public int? Port { get; init; }

    /// <summary>Gets its health-check port, if any.</summary>
    public int? HealthPort { get; init; }

    /// <summary>Gets a value indicating whether the fleet cannot work without it.</summary>
    public bool Required { get; init; }

    /// <summary>Gets the agents it depends on, in order.</summary>
    public IReadOnlyList<FleetDependency> Dependencies { get; init; } = [];

    /// <summary>Gets the resources it needs.</summary>
    public FleetResources Resources { get; init; } = FleetResources.None;

    /// <summary>Gets what it needs of a GPU, or <see langword="null"/> when it needs none.</summary>
    public FleetGpuRequirement? Gpu { get; init; }

    /// <summary>Gets its own free-form settings (the legacy per-agent <c>config</c>), kept as written.</summary>
    public FleetMapping Settings { get; init; } = FleetMapping.Empty;

    /// <summary>Gets every other key written for the agent (<c>script_path</c>, <c>restart_policy</c>, <c>env</c>...), kept as written, never dropped.</summary>
    public FleetMapping Extra { get; init; } = FleetMapping.Empty;

    /// <summary>Gets where the agent is declared.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Gets where its port is set.</summary>
    public SourceLocation PortLocation { get; init; }

    /// <summary>Gets where its health port is set.</summary>
    public SourceLocation HealthPortLocation { get; init; }

    /// <summary>Gets the source file (or configuration source) the agent comes from.</summary>
    public string? SourceFile { get; init; }
}

/// <summary>An agent that is no longer run and that nothing may depend on.</summary>
/// <param name="Name">The agent's name.</param>
public sealed record FleetDeprecatedAgent(string Name)
{
    /// <summary>Gets the agent that replaces it, if any.</summary>
    public string? ReplacedBy { get; init; }

    /// <summary>Gets why it was deprecated, if recorded.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets where the deprecation is declared.</summary>
    public SourceLocation Location { get; init; }
}
