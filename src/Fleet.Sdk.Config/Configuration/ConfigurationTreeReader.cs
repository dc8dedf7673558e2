using Microsoft.Extensions.Configuration;

namespace Fleet.Sdk.Config;

/// <summary>Reads a configuration section back into a <see cref="FleetValue"/> tree, with each key's source when known.</summary>
internal static class ConfigurationTreeReader
{
    public static FleetMapping Read(IConfiguration configuration, string sectionPath)
    {
        var root = configuration as IConfigurationRoot;
        SourceLocation Locate(string path)
        {
            if (root is not null)
            {
                foreach (var provider in root.Providers.Reverse())
                {
                    if (!provider.TryGet(path, out _))
                    {
                        continue;
                    }

                    return provider switch
                    {
                        FleetTopologyConfigurationProvider topology when topology.GetLocation(path) is { } location => location,
                        Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider =>
                            SourceLocation.Of($"environment variable {path.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()}"),
                        _ => SourceLocation.Of($"configuration key {path} (from {provider})"),
                    };
                }
            }

            return SourceLocation.Of($"configuration key {path}");
        }

        // Keys keep the topology file's spelling (an environment variable FLEET__TOPOLOGY__AGENTS__CACHEMANAGER__PORT must not rename CacheManager).
        var topologyProviders = root?.Providers.OfType<FleetTopologyConfigurationProvider>().ToList() ?? [];
        var spellings = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        string Spelling(string parentPath, string key)
        {
            if (!spellings.TryGetValue(parentPath, out var known))
            {
                known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var child in topologyProviders.SelectMany(p => p.GetChildKeys([], parentPath)))
                {
                    known.TryAdd(child, child);
                }

                spellings[parentPath] = known;
            }

            return known.TryGetValue(key, out var spelt) ? spelt : key;
        }

        var section = configuration.GetSection(sectionPath);
        return ReadNode(section, Locate, Spelling) as FleetMapping ?? new FleetMapping([], Locate(sectionPath));
    }

    private static FleetValue ReadNode(IConfigurationSection section, Func<string, SourceLocation> locate, Func<string, string, string> spelling)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return new FleetScalar(section.Value, FleetScalarStyle.Plain, locate(section.Path));
        }

        return new FleetMapping(
            children.Select(c => new FleetMappingEntry(spelling(section.Path, c.Key), ReadNode(c, locate, spelling), locate(c.Path))),
            locate(section.Path));
    }
}
