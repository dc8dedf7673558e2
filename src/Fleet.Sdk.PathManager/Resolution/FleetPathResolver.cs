using Fleet.Sdk.Config;
using Microsoft.Extensions.Configuration;

namespace Fleet.Sdk.PathManager;

/// <summary>
/// Turns options, environment and configuration into absolute locations. Pure apart from reading
/// its inputs: it touches no file; <see cref="FleetPathAccessCheck"/> does the I/O.
/// </summary>
internal static class FleetPathResolver
{
    public static FleetPathResolution Resolve(
        FleetPathsOptions options,
        IConfiguration? configuration,
        IEnvironmentVariables environment,
        string contentRoot)
    {
        var problems = new List<string>();
        var legacyUses = new List<LegacyAliasUse>();
        var locations = new List<FleetPathInfo>(options.Locations.Count);

        var ordered = FleetLocations.BuiltIn.Concat(
            options.Locations.Keys.Where(k => !FleetLocations.BuiltIn.Contains(k, StringComparer.OrdinalIgnoreCase)));

        var root = Path.GetFullPath(contentRoot);
        foreach (var name in ordered)
        {
            var location = options.Locations[name];
            var isRoot = string.Equals(name, FleetLocations.Root, StringComparison.OrdinalIgnoreCase);
            if (!TryPick(name, location, configuration, environment, problems, legacyUses, out var raw, out var source, out var sourceName))
            {
                continue;
            }

            if (!TryNormalize(raw, isRoot ? Path.GetFullPath(contentRoot) : root, environment, out var full, out var error))
            {
                problems.Add($"Location '{name}' ({sourceName}) {error} {HowToSet(name)}");
                continue;
            }

            if (isRoot)
            {
                root = full;
            }

            locations.Add(new FleetPathInfo(name, full, source, sourceName, location.Writable));
        }

        if (configuration is not null)
        {
            foreach (var child in configuration.GetChildren())
            {
                if (!options.Locations.ContainsKey(child.Key))
                {
                    problems.Add(
                        $"Configuration key {FleetPathsConstants.SectionName}:{child.Key} does not name a location. " +
                        $"Known locations: {string.Join(", ", options.Locations.Keys)}. " +
                        "Fix the spelling, or declare the location in code with FleetPathsOptions.AddLocation.");
                }
                else if (child.Value is null && child.GetChildren().Any())
                {
                    problems.Add($"Configuration key {FleetPathsConstants.SectionName}:{child.Key} must be a directory path, not a section.");
                }
            }
        }

        return new FleetPathResolution(locations, problems, legacyUses);
    }

    public static string HowToSet(string name) =>
        $"Set {FleetPathsConstants.ConfigurationKey(name)} or {FleetPathsConstants.EnvironmentName(name)} to a directory.";

    private static bool TryPick(
        string name,
        FleetLocationOptions location,
        IConfiguration? configuration,
        IEnvironmentVariables environment,
        List<string> problems,
        List<LegacyAliasUse> legacyUses,
        out string raw,
        out FleetPathSource source,
        out string sourceName)
    {
        raw = string.Empty;
        source = FleetPathSource.Default;
        sourceName = string.Empty;

        if (location.Path is not null)
        {
            return Accept(location.Path, FleetPathSource.Code, CodeName(name), problems, out raw, out source, out sourceName);
        }

        var canonical = FleetPathsConstants.EnvironmentName(name);
        var variable = LegacyEnvironmentAliases.FindByCanonicalName(canonical) ?? new AliasedEnvironmentVariable(canonical);
        var fromEnvironment = variable.Read(environment);
        if (fromEnvironment.IsConflict)
        {
            problems.Add($"Location '{name}': {fromEnvironment.Conflict}");
            return false;
        }

        if (fromEnvironment.HasValue)
        {
            if (fromEnvironment.IsFromLegacyAlias)
            {
                legacyUses.Add(new LegacyAliasUse(name, fromEnvironment.SourceName!, canonical));
            }

            return Accept(fromEnvironment.Value!, FleetPathSource.Environment, fromEnvironment.SourceName!, problems, out raw, out source, out sourceName);
        }

        var configured = configuration?[name];
        if (configured is not null)
        {
            return Accept(configured, FleetPathSource.Configuration, FleetPathsConstants.ConfigurationKey(name), problems, out raw, out source, out sourceName);
        }

        raw = location.DefaultPath ?? FleetPathsConstants.DefaultRelativePath(name);
        source = FleetPathSource.Default;
        sourceName = string.Equals(name, FleetLocations.Root, StringComparison.OrdinalIgnoreCase)
            ? "default: the content root"
            : $"default: {raw} under the root";
        return true;
    }

    private static bool Accept(
        string value,
        FleetPathSource candidateSource,
        string candidateName,
        List<string> problems,
        out string raw,
        out FleetPathSource source,
        out string sourceName)
    {
        raw = value;
        source = candidateSource;
        sourceName = candidateName;
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{candidateName} is set but empty: give it a directory, or unset it to use the next source.");
            return false;
        }

        return true;
    }

    private static string CodeName(string name) =>
        FleetLocations.BuiltIn.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? $"FleetPathsOptions.{char.ToUpperInvariant(name[0])}{name[1..]}"
            : $"FleetPathsOptions.Locations[\"{name}\"].Path";

    private static bool TryNormalize(string raw, string baseDirectory, IEnvironmentVariables environment, out string full, out string error)
    {
        full = string.Empty;
        error = string.Empty;
        var value = raw.Trim();

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            error = "contains a NUL character.";
            return false;
        }

        if (value.Contains("${", StringComparison.Ordinal) || value.Contains("$(", StringComparison.Ordinal))
        {
            error = $"is '{value}', which holds an unexpanded variable reference: define the variable, or give a literal path.";
            return false;
        }

        if (value == "~" || value.StartsWith("~/", StringComparison.Ordinal))
        {
            var home = environment.Get("HOME");
            if (string.IsNullOrEmpty(home))
            {
                error = $"is '{value}', but HOME is not set so '~' cannot be expanded: give an absolute path.";
                return false;
            }

            value = home + value[1..];
        }

        try
        {
            full = Path.GetFullPath(Path.IsPathRooted(value) ? value : Path.Combine(baseDirectory, value));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"is '{value}', which is not a valid path: {ex.Message}";
            return false;
        }

        full = Path.TrimEndingDirectorySeparator(full);
        return true;
    }
}
