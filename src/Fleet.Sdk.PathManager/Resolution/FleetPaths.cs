using System.Diagnostics.CodeAnalysis;

namespace Fleet.Sdk.PathManager;

/// <summary>The immutable, validated set of locations behind <see cref="IFleetPaths"/>.</summary>
internal sealed class FleetPaths : IFleetPaths
{
    private readonly Dictionary<string, FleetPathInfo> _byName;

    public FleetPaths(IReadOnlyList<FleetPathInfo> locations)
    {
        Locations = locations;
        _byName = locations.ToDictionary(l => l.Name, StringComparer.OrdinalIgnoreCase);
        Root = this[FleetLocations.Root];
        Config = this[FleetLocations.Config];
        Data = this[FleetLocations.Data];
        Models = this[FleetLocations.Models];
        Logs = this[FleetLocations.Logs];
        Cache = this[FleetLocations.Cache];
        Certificates = this[FleetLocations.Certificates];
        Temp = this[FleetLocations.Temp];
    }

    public string Root { get; }

    public string Config { get; }

    public string Data { get; }

    public string Models { get; }

    public string Logs { get; }

    public string Cache { get; }

    public string Certificates { get; }

    public string Temp { get; }

    public IReadOnlyList<FleetPathInfo> Locations { get; }

    public string this[string name] => Find(name).Path;

    public bool TryGetLocation(string name, [NotNullWhen(true)] out FleetPathInfo? location)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out location);
    }

    public string Combine(string name, string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var location = Find(name).Path;
        if (Path.IsPathRooted(relativePath))
        {
            throw new ArgumentException(
                $"'{relativePath}' is absolute; give a path relative to the '{name}' location ({location}).", nameof(relativePath));
        }

        var full = Path.GetFullPath(Path.Combine(location, relativePath));
        var inside = string.Equals(full, location, StringComparison.Ordinal) ||
                     full.StartsWith(location.EndsWith(Path.DirectorySeparatorChar) ? location : location + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        if (!inside)
        {
            throw new ArgumentException(
                $"'{relativePath}' leaves the '{name}' location ({location}); paths given to Combine must stay inside it.", nameof(relativePath));
        }

        return full;
    }

    private FleetPathInfo Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.TryGetValue(name, out var location))
        {
            return location;
        }

        throw new KeyNotFoundException(
            $"No location is named '{name}'. Known locations: {string.Join(", ", Locations.Select(l => l.Name))}. " +
            "Declare new ones with FleetPathsOptions.AddLocation.");
    }
}
