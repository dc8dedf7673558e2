using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Fleet.Sdk.Config;

/// <summary>
/// Builds the <see cref="FleetTopology"/> from a unified-schema tree whose scalars are already
/// interpolated. A value of the wrong type is a load error when it was written so, and a FLEET004
/// diagnostic when interpolation produced it; a value whose interpolation failed is skipped
/// (its problem is already reported).
/// </summary>
internal sealed class TopologyBuilder
{
    /// <summary>The sections under <c>Fleet:</c> the topology itself fills, which a setting may not hide.</summary>
    public static readonly string[] ReservedSettings = ["Topology", "Agent", "Machine"];

    public List<FleetConfigurationError> Errors { get; } = [];

    public List<FleetDiagnostic> Diagnostics { get; } = [];

    public FleetTopology Build(FleetMapping root, string sourceName)
    {
        var version = TreeHelpers.Get(root, Keys.Version);
        if (version is not null)
        {
            TopologySchemaReader.CheckVersion(version, Errors);
        }

        var variables = ReadVariables(TreeHelpers.Get(root, Keys.Variables));
        var settings = Mapping(TreeHelpers.Get(root, Keys.Settings), Keys.Settings);
        CheckSettings(settings);
        var machines = ReadMachines(TreeHelpers.Get(root, Keys.Machines));
        var deprecated = ReadDeprecated(TreeHelpers.Get(root, Keys.Deprecated));

        var agents = new List<FleetAgent>();
        var agentsValue = TreeHelpers.Get(root, Keys.Agents);
        var agentMapping = Mapping(agentsValue, Keys.Agents);
        var onlyMachine = machines.Count == 1 ? machines[0].Name : null;
        foreach (var entry in agentMapping.Entries)
        {
            var agent = BuildAgent(entry.Key, entry.Value, entry.KeyLocation, onlyMachine, sourceName, machines.Select(m => m.Name).ToList());
            if (agent is not null)
            {
                agents.Add(agent);
            }
        }

        return new FleetTopology(machines, agents, deprecated, settings, variables);
    }

    public FleetAgent? BuildAgent(string name, FleetValue value, SourceLocation keyLocation, string? defaultMachine, string? sourceFile, IReadOnlyList<string> knownMachines)
    {
        var path = $"{Keys.Agents}.{name}";
        CheckName(name, "agent", keyLocation);
        if (value is FleetScalar { IsNull: true })
        {
            value = new FleetMapping([], keyLocation);
        }

        if (value is not FleetMapping definition)
        {
            Invalid(value, path, "a mapping of the agent's settings");
            return null;
        }

        var extra = new List<FleetMappingEntry>();
        string? machine = null;
        string? group = null, host = null;
        int? port = null, healthPort = null;
        SourceLocation portLocation = default, healthLocation = default;
        var required = false;
        IReadOnlyList<FleetDependency> dependencies = [];
        var resources = FleetResources.None;
        FleetGpuRequirement? gpu = null;
        var settings = FleetMapping.Empty;
        var machineUnknown = false;

        foreach (var entry in definition.Entries)
        {
            var known = Keys.Known(entry.Key, Keys.AgentKeys);
            var keyPath = $"{path}.{entry.Key}";
            var v = entry.Value;
            switch (known)
            {
                case Keys.Machine:
                    machineUnknown |= v is FleetScalar { InterpolationFailed: true };
                    machine = Text(v, keyPath, "the machine name");
                    break;
                case Keys.Group:
                    group = Text(v, keyPath, "a group name");
                    break;
                case Keys.Host:
                    host = Text(v, keyPath, "a host name or address");
                    break;
                case Keys.Port:
                    port = Integer(v, keyPath, "a port number");
                    portLocation = v.Location;
                    break;
                case Keys.HealthPort:
                    healthPort = Integer(v, keyPath, "a port number");
                    healthLocation = v.Location;
                    break;
                case Keys.Required:
                    required = Boolean(v, keyPath) ?? false;
                    break;
                case Keys.Dependencies:
                    dependencies = ReadDependencies(v, keyPath);
                    break;
                case Keys.Resources:
                    resources = ReadResources(v, keyPath);
                    break;
                case Keys.Gpu:
                    gpu = ReadGpuNeed(v, keyPath);
                    break;
                case Keys.Settings:
                    settings = Mapping(v, keyPath);
                    CheckSettingKeys(settings, keyPath);
                    break;
                default:
                    extra.Add(entry);
                    CheckSettingKeys(new FleetMapping([entry], entry.KeyLocation), path);
                    var closest = Keys.Closest(entry.Key, Keys.AgentKeys);
                    if (closest is not null)
                    {
                        Diagnostics.Add(new FleetDiagnostic
                        {
                            Rule = FleetRules.UnknownKey,
                            Message = $"agent {name} has the key '{entry.Key}', which is not part of the schema; did you mean '{closest}'? It is kept as written and has no effect",
                            Location = entry.KeyLocation,
                            Agents = [name],
                            Fix = $"rename '{entry.Key}' to '{closest}', or remove it.",
                        });
                    }

                    break;
            }
        }

        if (machine is null && !machineUnknown)
        {
            if (defaultMachine is null)
            {
                Errors.Add(new FleetConfigurationError(keyLocation,
                    $"agent {name} does not say which machine it runs on: set '{path}.machine' to one of " +
                    (knownMachines.Count == 0 ? "the machines declared under 'machines:' (none are declared)." : string.Join(", ", knownMachines) + ".")));
                return null;
            }

            machine = defaultMachine;
        }

        return new FleetAgent
        {
            Name = name,
            Machine = machine ?? "(unresolved)",
            Group = group,
            Host = host,
            Port = port,
            HealthPort = healthPort,
            Required = required,
            Dependencies = dependencies,
            Resources = resources,
            Gpu = gpu,
            Settings = settings,
            Extra = new FleetMapping(extra, definition.Location),
            Location = keyLocation,
            PortLocation = portLocation.IsUnknown ? keyLocation : portLocation,
            HealthPortLocation = healthLocation.IsUnknown ? keyLocation : healthLocation,
            SourceFile = keyLocation.IsUnknown ? sourceFile : keyLocation.Source,
        };
    }

    private Dictionary<string, string> ReadVariables(FleetValue? value)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Mapping(value, Keys.Variables).Entries)
        {
            if (!DotEnvFile.IsValidName(entry.Key))
            {
                Errors.Add(new FleetConfigurationError(entry.KeyLocation, $"'{entry.Key}' under 'variables' is not a variable name: use letters, digits and '_', not starting with a digit."));
                continue;
            }

            if (entry.Value is FleetScalar scalar)
            {
                variables[entry.Key] = scalar.RawValue ?? string.Empty;
            }
            else
            {
                Invalid(entry.Value, $"{Keys.Variables}.{entry.Key}", "a single value");
            }
        }

        return variables;
    }

    private List<FleetMachine> ReadMachines(FleetValue? value)
    {
        var machines = new List<FleetMachine>();
        foreach (var entry in Mapping(value, Keys.Machines).Entries)
        {
            var path = $"{Keys.Machines}.{entry.Key}";
            CheckName(entry.Key, "machine", entry.KeyLocation);
            var body = entry.Value is FleetScalar { Value: null or "" } ? FleetMapping.Empty : entry.Value as FleetMapping;
            if (body is null)
            {
                Invalid(entry.Value, path, "a mapping (host, gpus, limits, settings)");
                continue;
            }

            string? host = null;
            IReadOnlyList<FleetGpu> gpus = [];
            var hasGpus = false;
            var limits = FleetResources.None;
            var settings = FleetMapping.Empty;
            foreach (var field in body.Entries)
            {
                var keyPath = $"{path}.{field.Key}";
                switch (Keys.Known(field.Key, Keys.MachineKeys))
                {
                    case Keys.Host:
                        host = Text(field.Value, keyPath, "a host name or address");
                        break;
                    case Keys.Gpus:
                        gpus = ReadGpus(field.Value, keyPath);
                        hasGpus = true;
                        break;
                    case Keys.Limits:
                        limits = ReadResources(field.Value, keyPath);
                        break;
                    case Keys.Settings:
                        settings = Mapping(field.Value, keyPath);
                        CheckSettingKeys(settings, keyPath);
                        break;
                    default:
                        UnknownKey(field, path, Keys.MachineKeys, "Put free-form machine values under 'settings:'.");
                        break;
                }
            }

            machines.Add(new FleetMachine { Name = entry.Key, Host = host, Gpus = gpus, HasGpuInventory = hasGpus, Limits = limits, Settings = settings, Location = entry.KeyLocation });
        }

        return machines;
    }

    private List<FleetGpu> ReadGpus(FleetValue value, string path)
    {
        var gpus = new List<FleetGpu>();
        var items = List(value, path, "a list of GPUs, each with 'name' and 'vram_mib'");
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (items[i] is not FleetMapping gpu)
            {
                Invalid(items[i], itemPath, "a mapping with 'name' and 'vram_mib'");
                continue;
            }

            string? name = null;
            int? vram = null;
            foreach (var field in gpu.Entries)
            {
                switch (Keys.Known(field.Key, Keys.GpuKeys))
                {
                    case Keys.Name:
                        name = Text(field.Value, $"{itemPath}.name", "the GPU model");
                        break;
                    case Keys.VramMib:
                        vram = Integer(field.Value, $"{itemPath}.vram_mib", "the VRAM in MiB");
                        break;
                    default:
                        UnknownKey(field, itemPath, Keys.GpuKeys, string.Empty);
                        break;
                }
            }

            if (vram is null or <= 0)
            {
                Errors.Add(new FleetConfigurationError(gpu.Location, $"'{itemPath}' needs 'vram_mib', its memory in MiB (for example 24576 for 24 GB)."));
                continue;
            }

            gpus.Add(new FleetGpu(name ?? $"gpu{i}", vram.Value) { Location = gpu.Location });
        }

        return gpus;
    }

    private List<FleetDeprecatedAgent> ReadDeprecated(FleetValue? value)
    {
        var result = new List<FleetDeprecatedAgent>();
        if (value is null or FleetScalar { IsNull: true })
        {
            return result;
        }

        if (value is FleetSequence names)
        {
            for (var i = 0; i < names.Items.Count; i++)
            {
                var name = Text(names.Items[i], $"{Keys.Deprecated}[{i}]", "an agent name");
                if (name is not null)
                {
                    result.Add(new FleetDeprecatedAgent(name) { Location = names.Items[i].Location });
                }
            }

            return result;
        }

        foreach (var entry in Mapping(value, Keys.Deprecated).Entries)
        {
            var path = $"{Keys.Deprecated}.{entry.Key}";
            CheckName(entry.Key, "deprecated agent", entry.KeyLocation);
            var body = entry.Value is FleetScalar { Value: null or "" } ? FleetMapping.Empty : entry.Value as FleetMapping;
            if (body is null)
            {
                Invalid(entry.Value, path, "a mapping with 'replaced_by' and 'reason', or nothing");
                continue;
            }

            string? replacedBy = null, reason = null;
            foreach (var field in body.Entries)
            {
                switch (Keys.Known(field.Key, Keys.DeprecatedKeys))
                {
                    case Keys.ReplacedBy:
                        replacedBy = Text(field.Value, $"{path}.replaced_by", "an agent name");
                        break;
                    case Keys.Reason:
                        reason = Text(field.Value, $"{path}.reason", "a sentence");
                        break;
                    default:
                        UnknownKey(field, path, Keys.DeprecatedKeys, string.Empty);
                        break;
                }
            }

            result.Add(new FleetDeprecatedAgent(entry.Key) { ReplacedBy = replacedBy, Reason = reason, Location = entry.KeyLocation });
        }

        return result;
    }

    private List<FleetDependency> ReadDependencies(FleetValue value, string path)
    {
        var dependencies = new List<FleetDependency>();
        var items = List(value, path, "a list of agent names (or of mappings with 'agent' and 'timeout_seconds')");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var itemPath = $"{path}[{i}]";
            if (item is FleetScalar)
            {
                var name = Text(item, itemPath, "an agent name");
                if (name is not null)
                {
                    dependencies.Add(new FleetDependency(name) { Location = item.Location });
                }

                continue;
            }

            if (item is not FleetMapping mapping)
            {
                Invalid(item, itemPath, "an agent name, or a mapping with 'agent' and 'timeout_seconds'");
                continue;
            }

            string? agent = null;
            TimeSpan? timeout = null;
            foreach (var field in mapping.Entries)
            {
                switch (Keys.Known(field.Key, Keys.DependencyKeys))
                {
                    case Keys.Agent:
                        agent = Text(field.Value, $"{itemPath}.agent", "an agent name");
                        break;
                    case Keys.TimeoutSeconds:
                        var seconds = Number(field.Value, $"{itemPath}.timeout_seconds", "a number of seconds greater than 0");
                        if (seconds is > 0 and < 86_400)
                        {
                            timeout = TimeSpan.FromSeconds(seconds.Value);
                        }
                        else if (seconds is not null)
                        {
                            Invalid(field.Value, $"{itemPath}.timeout_seconds", "a number of seconds greater than 0 and less than a day");
                        }

                        break;
                    default:
                        UnknownKey(field, itemPath, Keys.DependencyKeys, string.Empty);
                        break;
                }
            }

            if (agent is null)
            {
                if (!mapping.Entries.Any(e => e.Value is FleetScalar { InterpolationFailed: true }))
                {
                    Errors.Add(new FleetConfigurationError(mapping.Location, $"'{itemPath}' needs 'agent', the name of the agent depended on."));
                }

                continue;
            }

            dependencies.Add(new FleetDependency(agent) { Timeout = timeout, Location = mapping.Location });
        }

        return dependencies;
    }

    private FleetResources ReadResources(FleetValue value, string path)
    {
        if (value is FleetScalar { IsNull: true })
        {
            return FleetResources.None;
        }

        if (value is not FleetMapping mapping)
        {
            Invalid(value, path, "a mapping with 'memory_mib' and 'cpu_percent'");
            return FleetResources.None;
        }

        int? memory = null, cpu = null;
        foreach (var field in mapping.Entries)
        {
            switch (Keys.Known(field.Key, Keys.ResourceKeys))
            {
                case Keys.MemoryMib:
                    memory = Integer(field.Value, $"{path}.memory_mib", "memory in MiB");
                    break;
                case Keys.CpuPercent:
                    cpu = Integer(field.Value, $"{path}.cpu_percent", "a percentage");
                    break;
                default:
                    UnknownKey(field, path, Keys.ResourceKeys, string.Empty);
                    break;
            }
        }

        return new FleetResources(memory, cpu);
    }

    private FleetGpuRequirement? ReadGpuNeed(FleetValue value, string path)
    {
        switch (value)
        {
            case FleetScalar { IsNull: true }:
                return null;
            case FleetScalar:
                var flag = Boolean(value, path);
                return flag == true ? new FleetGpuRequirement(true, null) { Location = value.Location } : null;
            case FleetMapping mapping:
                bool? required = null;
                int? vram = null;
                foreach (var field in mapping.Entries)
                {
                    switch (Keys.Known(field.Key, Keys.GpuNeedKeys))
                    {
                        case Keys.Required:
                            required = Boolean(field.Value, $"{path}.required");
                            break;
                        case Keys.VramMib:
                            vram = Integer(field.Value, $"{path}.vram_mib", "VRAM in MiB");
                            break;
                        default:
                            UnknownKey(field, path, Keys.GpuNeedKeys, string.Empty);
                            break;
                    }
                }

                return required == false && vram is null ? null : new FleetGpuRequirement(required ?? true, vram) { Location = mapping.Location };
            default:
                Invalid(value, path, "true, or a mapping with 'required' and 'vram_mib'");
                return null;
        }
    }

    private void UnknownKey(FleetMappingEntry field, string path, string[] known, string hint)
    {
        var closest = Keys.Closest(field.Key, known);
        Errors.Add(new FleetConfigurationError(field.KeyLocation,
            $"unknown key '{field.Key}' in '{path}'{(closest is null ? string.Empty : $" (did you mean '{closest}'?)")}: expected {string.Join(", ", known)}. {hint}".TrimEnd()));
    }

    private FleetMapping Mapping(FleetValue? value, string path)
    {
        switch (value)
        {
            case null:
            case FleetScalar { IsNull: true }:
                return FleetMapping.Empty;
            case FleetMapping mapping:
                return mapping;
            default:
                Invalid(value, path, "a mapping");
                return FleetMapping.Empty;
        }
    }

    private IReadOnlyList<FleetValue> List(FleetValue value, string path, string expected)
    {
        switch (value)
        {
            case FleetScalar { IsNull: true }:
                return [];
            case FleetSequence sequence:
                return sequence.Items;
            case FleetMapping mapping when mapping.Count > 0 && mapping.Entries.All(e => int.TryParse(e.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)):
                // A list read back from Microsoft.Extensions.Configuration is a mapping with keys 0, 1, 2...
                return mapping.Entries.OrderBy(e => int.Parse(e.Key, CultureInfo.InvariantCulture)).Select(e => e.Value).ToList();
            default:
                Invalid(value, path, expected);
                return [];
        }
    }

    private string? Text(FleetValue value, string path, string expected)
    {
        if (value is FleetScalar scalar)
        {
            return scalar.Value is { Length: > 0 } text ? text : null;
        }

        Invalid(value, path, expected);
        return null;
    }

    private int? Integer(FleetValue value, string path, string expected)
    {
        if (value is FleetScalar { Value: null })
        {
            return null;
        }

        if (value is FleetScalar { Value: { } text } && int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Invalid(value, path, $"{expected} (a whole number)");
        return null;
    }

    private double? Number(FleetValue value, string path, string expected)
    {
        if (value is FleetScalar { Value: null })
        {
            return null;
        }

        if (value is FleetScalar { Value: { } text } &&
            double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        Invalid(value, path, expected);
        return null;
    }

    private bool? Boolean(FleetValue value, string path)
    {
        if (value is FleetScalar { Value: null })
        {
            return null;
        }

        if (value is FleetScalar { Value: { } text })
        {
            switch (text.Trim().ToLowerInvariant())
            {
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
            }
        }

        Invalid(value, path, "true or false");
        return null;
    }

    /// <summary>
    /// The rules of configuration keys, which decide what <c>fleet config validate</c> and an agent
    /// accept alike: the topology becomes Microsoft.Extensions.Configuration keys, where ':' separates
    /// sections, and the fleet-wide settings sit under <c>Fleet:</c> beside the sections the topology fills.
    /// </summary>
    private void CheckName(string name, string what, SourceLocation location)
    {
        if (name.Contains(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal))
        {
            Errors.Add(new FleetConfigurationError(location,
                $"{what} name '{name}' contains ':', which separates configuration keys: an agent would read it as '{name.Split(':')[0]}' " +
                "with a child key, not as this name. Rename it (letters, digits, '-', '_' and '.' are safe)."));
        }
    }

    private void CheckSettings(FleetMapping settings)
    {
        foreach (var entry in settings.Entries)
        {
            if (ReservedSettings.Contains(entry.Key, StringComparer.OrdinalIgnoreCase))
            {
                Errors.Add(new FleetConfigurationError(entry.KeyLocation,
                    $"'settings.{entry.Key}' would hide Fleet:{entry.Key}, which the topology itself fills: rename the setting " +
                    $"(an agent's own values go under agents.<name>, a machine's under machines.<name>)."));
            }
        }

        CheckSettingKeys(settings, Keys.Settings);
    }

    private void CheckSettingKeys(FleetValue value, string path)
    {
        switch (value)
        {
            case FleetMapping mapping:
                foreach (var entry in mapping.Entries)
                {
                    if (entry.Key.Contains(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal))
                    {
                        Errors.Add(new FleetConfigurationError(entry.KeyLocation,
                            $"the key '{entry.Key}' under '{path}' contains ':', which separates configuration keys: write it as nested keys instead."));
                    }

                    CheckSettingKeys(entry.Value, $"{path}.{entry.Key}");
                }

                break;
            case FleetSequence sequence:
                foreach (var item in sequence.Items)
                {
                    CheckSettingKeys(item, path);
                }

                break;
        }
    }

    private void Invalid(FleetValue value, string path, string expected)
    {
        if (value is FleetScalar { InterpolationFailed: true })
        {
            return;
        }

        if (value is FleetScalar { WasInterpolated: true } scalar)
        {
            Diagnostics.Add(new FleetDiagnostic
            {
                Rule = FleetRules.InvalidValue,
                Message = $"'{path}' is '{FleetConfigurationErrors.Truncate(scalar.Value ?? "null")}' once interpolated from '{FleetConfigurationErrors.Truncate(scalar.RawValue ?? string.Empty)}', but must be {expected}",
                Location = scalar.Location,
                Agents = path.StartsWith(Keys.Agents + ".", StringComparison.Ordinal) ? [path.Split('.')[1]] : [],
                Fix = "check the variables the value uses.",
            });
            return;
        }

        Errors.Add(FleetConfigurationErrors.WrongType(value, path, expected));
    }
}
