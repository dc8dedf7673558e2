namespace Fleet.Sdk.PathManager;

internal static class FleetPathsConstants
{
    public const string SectionName = "Fleet:Paths";

    public const string EnvironmentPrefix = "FLEET_";

    public const string EnvironmentSuffix = "_DIR";

    private static readonly HashSet<string> WritableByDefault = new(StringComparer.OrdinalIgnoreCase)
    {
        FleetLocations.Data, FleetLocations.Logs, FleetLocations.Cache, FleetLocations.Temp,
    };

    public static string DefaultRelativePath(string name) => name switch
    {
        FleetLocations.Root => ".",
        FleetLocations.Temp => "tmp",
        _ => name,
    };

    public static bool IsWritableByDefault(string name) => WritableByDefault.Contains(name);

    public static string EnvironmentName(string location) =>
        EnvironmentPrefix + location.ToUpperInvariant() + EnvironmentSuffix;

    public static string ConfigurationKey(string location) =>
        SectionName + ":" + char.ToUpperInvariant(location[0]) + location[1..];
}
