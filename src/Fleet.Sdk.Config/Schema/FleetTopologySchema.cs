namespace Fleet.Sdk.Config;

/// <summary>The schemas a topology file can be written in.</summary>
public enum FleetTopologySchemaKind
{
    /// <summary>The unified schema: <c>version: 1</c>, <c>machines:</c>, <c>agents:</c> (docs/config.md).</summary>
    Unified,

    /// <summary>The legacy MainPC <c>startup_config.yaml</c>: <c>agent_groups:</c> of agents; machine <c>mainpc</c> unless overridden.</summary>
    LegacyAgentGroups,

    /// <summary>The legacy PC2 <c>startup_config.yaml</c>: a <c>pc2_services:</c> list; machine <c>pc2</c> unless overridden.</summary>
    LegacyPc2Services,
}

/// <summary>Names and versions of the unified topology schema.</summary>
public static class FleetTopologySchema
{
    /// <summary>The unified schema version this package reads and writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The machine a legacy <c>agent_groups</c> file describes unless told otherwise.</summary>
    public const string LegacyAgentGroupsMachine = "mainpc";

    /// <summary>The machine a legacy <c>pc2_services</c> file describes unless told otherwise.</summary>
    public const string LegacyPc2ServicesMachine = "pc2";

    /// <summary>The topology file names looked for in a configuration directory, in order.</summary>
    public static IReadOnlyList<string> DefaultFileNames { get; } =
        ["fleet.yaml", "fleet.yml", "fleet.json", "startup_config.yaml", "startup_config.yml"];

    /// <summary>The folder beside a topology file that holds the per-machine overrides (<c>overrides/{machine}.yaml</c>).</summary>
    public const string OverridesFolder = "overrides";
}

/// <summary>Key names of the unified schema and helpers to match keys written in any casing.</summary>
internal static class Keys
{
    public const string Version = "version";
    public const string Variables = "variables";
    public const string Settings = "settings";
    public const string Machines = "machines";
    public const string Agents = "agents";
    public const string Deprecated = "deprecated";

    public const string Host = "host";
    public const string Gpus = "gpus";
    public const string Limits = "limits";
    public const string Name = "name";
    public const string VramMib = "vram_mib";
    public const string MemoryMib = "memory_mib";
    public const string CpuPercent = "cpu_percent";

    public const string Machine = "machine";
    public const string Group = "group";
    public const string Port = "port";
    public const string HealthPort = "health_port";
    public const string Required = "required";
    public const string Dependencies = "dependencies";
    public const string Resources = "resources";
    public const string Gpu = "gpu";
    public const string Agent = "agent";
    public const string TimeoutSeconds = "timeout_seconds";
    public const string ReplacedBy = "replaced_by";
    public const string Reason = "reason";

    public static readonly string[] TopLevel = [Version, Variables, Settings, Machines, Agents, Deprecated];
    public static readonly string[] MachineKeys = [Host, Gpus, Limits, Settings];
    public static readonly string[] GpuKeys = [Name, VramMib];
    public static readonly string[] ResourceKeys = [MemoryMib, CpuPercent];
    public static readonly string[] AgentKeys = [Machine, Group, Host, Port, HealthPort, Required, Dependencies, Resources, Gpu, Settings];
    public static readonly string[] DependencyKeys = [Agent, TimeoutSeconds];
    public static readonly string[] GpuNeedKeys = [Required, VramMib];
    public static readonly string[] DeprecatedKeys = [ReplacedBy, Reason];

    /// <summary>Keys match ignoring case, '_' and '-': health_port, healthPort, HealthPort and health-port are one key.</summary>
    public static string Normalize(string key)
    {
        Span<char> buffer = key.Length <= 128 ? stackalloc char[key.Length] : new char[key.Length];
        var length = 0;
        foreach (var c in key)
        {
            if (c is '_' or '-')
            {
                continue;
            }

            buffer[length++] = char.ToLowerInvariant(c);
        }

        return new string(buffer[..length]);
    }

    public static bool Match(string key, string known) => string.Equals(Normalize(key), Normalize(known), StringComparison.Ordinal);

    public static string? Known(string key, string[] known)
    {
        var normalized = Normalize(key);
        foreach (var candidate in known)
        {
            if (string.Equals(normalized, Normalize(candidate), StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The known key within edit distance 2 of <paramref name="key"/>, for "did you mean" hints.</summary>
    public static string? Closest(string key, IEnumerable<string> known)
    {
        var normalized = Normalize(key);
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in known)
        {
            var distance = Distance(normalized, Normalize(candidate), bestDistance);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return normalized.Length >= 4 ? best : null;
    }

    private static int Distance(string a, string b, int cap)
    {
        if (Math.Abs(a.Length - b.Length) >= cap)
        {
            return cap;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
