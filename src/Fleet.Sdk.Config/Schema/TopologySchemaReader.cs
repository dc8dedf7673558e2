using System.Globalization;

namespace Fleet.Sdk.Config;

/// <summary>
/// Recognises the schema of a topology file and converts the two legacy schemas to the unified
/// schema's tree, keeping every unknown key: per agent under the agent, per file under the
/// machine's <c>settings</c>. Nothing is interpolated here.
/// </summary>
internal static class TopologySchemaReader
{
    private const string AgentGroups = "agent_groups";
    private const string Pc2Services = "pc2_services";
    private const string GlobalSettings = "global_settings";
    private const string ResourceLimits = "resource_limits";

    public static TopologySourceDocument? Read(string path, FleetValue root, string? machineOverride, List<FleetConfigurationError> errors)
    {
        if (root is not FleetMapping mapping)
        {
            errors.Add(new FleetConfigurationError(root.Location, $"the top level is {root.KindName}, not a mapping. {FleetConfigurationErrors.SchemaHint}"));
            return null;
        }

        var version = TreeHelpers.GetEntry(mapping, Keys.Version);
        var groups = mapping[AgentGroups];
        var services = mapping[Pc2Services];
        if (version is not null)
        {
            return ReadUnified(path, mapping, version.Value.Value, errors);
        }

        if (groups is not null && services is not null)
        {
            errors.Add(new FleetConfigurationError(mapping.Location,
                $"holds both '{AgentGroups}' (MainPC schema) and '{Pc2Services}' (PC2 schema): a legacy file describes one machine; split it in two."));
            return null;
        }

        if (groups is not null)
        {
            return ConvertAgentGroups(path, mapping, groups, machineOverride, errors);
        }

        if (services is not null)
        {
            return ConvertPc2Services(path, mapping, services, machineOverride, errors);
        }

        var found = mapping.Entries.Count == 0 ? "no keys" : "top-level keys " + string.Join(", ", mapping.Entries.Take(6).Select(e => $"'{e.Key}'"));
        var hint = TreeHelpers.Get(mapping, Keys.Agents) is not null || TreeHelpers.Get(mapping, Keys.Machines) is not null
            ? "It looks like the unified schema but has no 'version:': add 'version: 1' at the top."
            : FleetConfigurationErrors.SchemaHint;
        errors.Add(new FleetConfigurationError(mapping.Location, $"unknown schema (found {found}). {hint}"));
        return null;
    }

    /// <summary>Checks the unified file's version and top-level keys, and removes repeated agent names (keeping the first).</summary>
    public static TopologySourceDocument? ReadUnified(string path, FleetMapping mapping, FleetValue version, List<FleetConfigurationError> errors)
    {
        if (!CheckVersion(version, errors))
        {
            return null;
        }

        var before = errors.Count;
        foreach (var entry in mapping.Entries)
        {
            if (Keys.Known(entry.Key, Keys.TopLevel) is null)
            {
                var closest = Keys.Closest(entry.Key, Keys.TopLevel);
                errors.Add(new FleetConfigurationError(entry.KeyLocation,
                    $"unknown top-level key '{entry.Key}'{(closest is null ? string.Empty : $" (did you mean '{closest}'?)")}: " +
                    $"the unified schema has {string.Join(", ", Keys.TopLevel)}. Put free-form values under 'settings:'."));
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        var document = new TopologySourceDocument { Path = path, Schema = FleetTopologySchemaKind.Unified, Tree = mapping };
        var agents = TreeHelpers.GetEntry(mapping, Keys.Agents);
        if (agents?.Value is FleetMapping agentMapping)
        {
            var kept = new List<FleetMappingEntry>();
            var keptNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in agentMapping.Entries)
            {
                if (!keptNames.Add(entry.Key))
                {
                    document.Shadows.Add(new ShadowAgent { Name = entry.Key, Definition = TreeHelpers.AsMappingOrEmpty(entry.Value), File = path, KeyLocation = entry.KeyLocation });
                    continue;
                }

                kept.Add(entry);
            }

            document.Tree = TreeHelpers.With(mapping, agents.Value.Key, new FleetMapping(kept, agentMapping.Location), agents.Value.KeyLocation);
        }

        return document;
    }

    public static bool CheckVersion(FleetValue version, List<FleetConfigurationError> errors)
    {
        if (version is FleetScalar { Value: { } text } && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number == FleetTopologySchema.CurrentVersion)
            {
                return true;
            }

            errors.Add(new FleetConfigurationError(version.Location,
                $"unknown schema version {number}: this version of Fleet.Sdk.Config reads version {FleetTopologySchema.CurrentVersion}. " +
                "Upgrade the fleet tool and packages, or write the file in version 1."));
            return false;
        }

        errors.Add(new FleetConfigurationError(version.Location,
            $"'version' must be the schema version number ({FleetTopologySchema.CurrentVersion}), but is {FleetConfigurationErrors.Describe(version)}."));
        return false;
    }

    private static TopologySourceDocument? ConvertAgentGroups(string path, FleetMapping root, FleetValue groups, string? machineOverride, List<FleetConfigurationError> errors)
    {
        if (groups is FleetScalar { IsNull: true })
        {
            groups = new FleetMapping([], groups.Location);
        }

        if (groups is not FleetMapping groupMapping)
        {
            errors.Add(FleetConfigurationErrors.WrongType(groups, AgentGroups, "a mapping of group names to agents"));
            return null;
        }

        var machine = MachineName(root, machineOverride, FleetTopologySchema.LegacyAgentGroupsMachine, errors);
        var document = new TopologySourceDocument { Path = path, Schema = FleetTopologySchemaKind.LegacyAgentGroups, Tree = FleetMapping.Empty };
        var agents = new List<FleetMappingEntry>();
        var deprecated = new List<FleetMappingEntry>();
        foreach (var group in groupMapping.Entries)
        {
            var members = group.Value;
            if (members is FleetScalar { IsNull: true })
            {
                continue;
            }

            if (members is not FleetMapping memberMapping)
            {
                errors.Add(FleetConfigurationErrors.WrongType(members, $"{AgentGroups}.{group.Key}", "a mapping of agent names to their settings"));
                continue;
            }

            foreach (var agent in memberMapping.Entries)
            {
                var converted = ConvertAgent(agent.Key, agent.Value, agent.KeyLocation, machine, group.Key, group.KeyLocation, $"{AgentGroups}.{group.Key}.{agent.Key}", nameIsKey: false, deprecated, errors);
                if (converted is not null)
                {
                    AddAgent(document, agents, agent.Key, converted, agent.KeyLocation);
                }
            }
        }

        document.Tree = UnifiedTree(root, [AgentGroups], machine, agents, deprecated);
        return document;
    }

    private static TopologySourceDocument? ConvertPc2Services(string path, FleetMapping root, FleetValue services, string? machineOverride, List<FleetConfigurationError> errors)
    {
        if (services is FleetScalar { IsNull: true })
        {
            services = new FleetSequence([], services.Location);
        }

        if (services is not FleetSequence sequence)
        {
            errors.Add(FleetConfigurationErrors.WrongType(services, Pc2Services, "a list of services, each with a 'name'"));
            return null;
        }

        var machine = MachineName(root, machineOverride, FleetTopologySchema.LegacyPc2ServicesMachine, errors);
        var document = new TopologySourceDocument { Path = path, Schema = FleetTopologySchemaKind.LegacyPc2Services, Tree = FleetMapping.Empty };
        var agents = new List<FleetMappingEntry>();
        var deprecated = new List<FleetMappingEntry>();
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = sequence.Items[i];
            if (item is not FleetMapping service)
            {
                errors.Add(FleetConfigurationErrors.WrongType(item, $"{Pc2Services}[{i}]", "a mapping with 'name', 'port'..."));
                continue;
            }

            var nameValue = service[Keys.Name];
            if (nameValue is not FleetScalar { Value: { Length: > 0 } name })
            {
                errors.Add(new FleetConfigurationError(nameValue?.Location ?? service.Location,
                    $"'{Pc2Services}[{i}]' has no 'name': every service needs one (its agent name)."));
                continue;
            }

            var group = TreeHelpers.ScalarText(service[Keys.Group]);
            var converted = ConvertAgent(name, service, nameValue.Location, machine, group, service.Location, $"{Pc2Services}[{i}]", nameIsKey: true, deprecated, errors);
            if (converted is not null)
            {
                AddAgent(document, agents, name, converted, nameValue.Location);
            }
        }

        document.Tree = UnifiedTree(root, [Pc2Services], machine, agents, deprecated);
        return document;
    }

    private static void AddAgent(TopologySourceDocument document, List<FleetMappingEntry> agents, string name, FleetMapping converted, SourceLocation keyLocation)
    {
        // Legacy files hold tens of agents; a linear scan keeps the converted order simple.
        if (agents.Any(a => string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase)))
        {
            document.Shadows.Add(new ShadowAgent { Name = name, Definition = converted, File = document.Path, KeyLocation = keyLocation });
            return;
        }

        agents.Add(new FleetMappingEntry(name, converted, keyLocation));
    }

    private static string MachineName(FleetMapping root, string? machineOverride, string fallback, List<FleetConfigurationError> errors)
    {
        if (!string.IsNullOrWhiteSpace(machineOverride))
        {
            return machineOverride;
        }

        var written = root[Keys.Machine];
        if (written is null)
        {
            return fallback;
        }

        if (written is FleetScalar { Value: { Length: > 0 } name })
        {
            return name;
        }

        errors.Add(FleetConfigurationErrors.WrongType(written, Keys.Machine, "the machine name"));
        return fallback;
    }

    /// <summary>Converts one legacy agent to the unified schema's agent mapping.</summary>
    private static FleetMapping? ConvertAgent(
        string name, FleetValue value, SourceLocation keyLocation, string machine, string? group, SourceLocation groupLocation,
        string legacyPath, bool nameIsKey, List<FleetMappingEntry> deprecated, List<FleetConfigurationError> errors)
    {
        if (value is FleetScalar { IsNull: true })
        {
            value = new FleetMapping([], keyLocation);
        }

        if (value is not FleetMapping legacy)
        {
            errors.Add(FleetConfigurationErrors.WrongType(value, legacyPath, "a mapping of the agent's settings"));
            return null;
        }

        var entries = new List<FleetMappingEntry>
        {
            new(Keys.Machine, TreeHelpers.Synthetic(machine, keyLocation), keyLocation),
        };
        if (group is not null)
        {
            entries.Add(new FleetMappingEntry(Keys.Group, TreeHelpers.Synthetic(group, groupLocation), groupLocation));
        }

        var gpu = new List<FleetMappingEntry>();
        var resources = new List<FleetMappingEntry>();
        FleetValue? isDeprecated = null;
        FleetValue? replacedBy = null;
        foreach (var entry in legacy.Entries)
        {
            switch (Keys.Normalize(entry.Key))
            {
                case "name" when nameIsKey:
                    break;
                case "port":
                    entries.Add(entry with { Key = Keys.Port });
                    break;
                case "healthcheckport" or "healthport":
                    entries.Add(entry with { Key = Keys.HealthPort });
                    break;
                case "required":
                    entries.Add(entry with { Key = Keys.Required });
                    break;
                case "dependencies":
                    entries.Add(entry with { Key = Keys.Dependencies });
                    break;
                case "host":
                    entries.Add(entry with { Key = Keys.Host });
                    break;
                case "group":
                    break;
                case "config":
                    entries.Add(entry with { Key = Keys.Settings });
                    break;
                case "gpurequired":
                    gpu.Add(entry with { Key = Keys.Required });
                    break;
                case "vrammb" or "vrammib":
                    gpu.Add(entry with { Key = Keys.VramMib });
                    break;
                case "memorymb" or "memorymib":
                    resources.Add(entry with { Key = Keys.MemoryMib });
                    break;
                case "cpupercent":
                    resources.Add(entry with { Key = Keys.CpuPercent });
                    break;
                case "deprecated":
                    isDeprecated = entry.Value;
                    break;
                case "replacedby":
                    replacedBy = entry.Value;
                    break;
                default:
                    entries.Add(entry);
                    break;
            }
        }

        if (gpu.Count > 0)
        {
            entries.Add(new FleetMappingEntry(Keys.Gpu, new FleetMapping(gpu, gpu[0].KeyLocation), gpu[0].KeyLocation));
        }

        if (resources.Count > 0)
        {
            entries.Add(new FleetMappingEntry(Keys.Resources, new FleetMapping(resources, resources[0].KeyLocation), resources[0].KeyLocation));
        }

        if (isDeprecated is not null)
        {
            if (isDeprecated is not FleetScalar { Value: { } flag } || !bool.TryParse(flag, out var yes))
            {
                errors.Add(FleetConfigurationErrors.WrongType(isDeprecated, legacyPath + ".deprecated", "true or false"));
                return null;
            }

            if (yes)
            {
                var deprecation = new List<FleetMappingEntry>();
                if (replacedBy is not null)
                {
                    deprecation.Add(new FleetMappingEntry(Keys.ReplacedBy, replacedBy, replacedBy.Location));
                }

                // The agent stays defined (it is still started by the legacy launcher): FLEET016 reports it.
                deprecated.Add(new FleetMappingEntry(name, new FleetMapping(deprecation, keyLocation), keyLocation));
            }
        }

        return new FleetMapping(entries, legacy.Location);
    }

    /// <summary>Builds the unified tree of a legacy file: its machine (limits and every other top-level key kept as settings), agents and deprecations.</summary>
    private static FleetMapping UnifiedTree(
        FleetMapping root, string[] consumed, string machine, List<FleetMappingEntry> agents, List<FleetMappingEntry> deprecated)
    {
        var machineEntries = new List<FleetMappingEntry>();
        var settings = new List<FleetMappingEntry>();
        foreach (var entry in root.Entries)
        {
            if (consumed.Contains(entry.Key, StringComparer.Ordinal) || Keys.Match(entry.Key, Keys.Machine))
            {
                continue;
            }

            if (string.Equals(entry.Key, GlobalSettings, StringComparison.Ordinal) && entry.Value is FleetMapping global)
            {
                foreach (var setting in global.Entries)
                {
                    if (string.Equals(setting.Key, ResourceLimits, StringComparison.Ordinal) && setting.Value is FleetMapping limits)
                    {
                        machineEntries.Add(new FleetMappingEntry(Keys.Limits, ConvertLimits(limits), setting.KeyLocation));
                    }
                    else
                    {
                        settings.Add(setting);
                    }
                }

                continue;
            }

            settings.Add(entry);
        }

        if (settings.Count > 0)
        {
            machineEntries.Add(new FleetMappingEntry(Keys.Settings, new FleetMapping(settings, settings[0].KeyLocation), settings[0].KeyLocation));
        }

        var location = root.Location;
        var entries = new List<FleetMappingEntry>
        {
            new(Keys.Version, TreeHelpers.SyntheticPlain(FleetTopologySchema.CurrentVersion.ToString(CultureInfo.InvariantCulture), location), location),
            new(Keys.Machines, new FleetMapping([new FleetMappingEntry(machine, new FleetMapping(machineEntries, location), location)], location), location),
            new(Keys.Agents, new FleetMapping(agents, location), location),
        };
        if (deprecated.Count > 0)
        {
            entries.Add(new FleetMappingEntry(Keys.Deprecated, new FleetMapping(deprecated, location), location));
        }

        return new FleetMapping(entries, location);
    }

    private static FleetMapping ConvertLimits(FleetMapping limits) =>
        new(limits.Entries.Select(e => Keys.Normalize(e.Key) switch
        {
            "memorymb" => e with { Key = Keys.MemoryMib },
            "cpupercent" => e with { Key = Keys.CpuPercent },
            _ => e,
        }), limits.Location);
}
