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

                    return provider is FleetTopologyConfigurationProvider topology && topology.GetLocation(path) is { } location
                        ? location
                        : SourceLocation.Of($"configuration key {path} (from {provider})");
                }
            }

            return SourceLocation.Of($"configuration key {path}");
        }

        var section = configuration.GetSection(sectionPath);
        return ReadNode(section, Locate) as FleetMapping ?? new FleetMapping([], Locate(sectionPath));
    }

    private static FleetValue ReadNode(IConfigurationSection section, Func<string, SourceLocation> locate)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return new FleetScalar(section.Value, FleetScalarStyle.Plain, locate(section.Path));
        }

        return new FleetMapping(children.Select(c => new FleetMappingEntry(c.Key, ReadNode(c, locate), locate(c.Path))), locate(section.Path));
    }
}
