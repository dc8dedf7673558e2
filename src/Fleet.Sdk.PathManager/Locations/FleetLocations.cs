namespace Fleet.Sdk.PathManager;

/// <summary>The names of the locations every agent has.</summary>
/// <remarks>
/// Names are case-insensitive. Each location is set, highest precedence first, by code
/// (<see cref="FleetPathsOptions"/>), the environment variable <c>FLEET_&lt;NAME&gt;_DIR</c>,
/// the configuration key <c>Fleet:Paths:&lt;Name&gt;</c>, or its default relative to <see cref="Root"/>.
/// </remarks>
public static class FleetLocations
{
    /// <summary>The agent's root directory; the other defaults are relative to it. Defaults to the host's content root.</summary>
    public const string Root = "root";

    /// <summary>Configuration files (topology, overrides). Default <c>{root}/config</c>; read-only.</summary>
    public const string Config = "config";

    /// <summary>Persistent agent data. Default <c>{root}/data</c>; writable.</summary>
    public const string Data = "data";

    /// <summary>Model weights and other large read-mostly files. Default <c>{root}/models</c>; read-only.</summary>
    public const string Models = "models";

    /// <summary>Log files. Default <c>{root}/logs</c>; writable.</summary>
    public const string Logs = "logs";

    /// <summary>Disposable caches. Default <c>{root}/cache</c>; writable.</summary>
    public const string Cache = "cache";

    /// <summary>CURVE certificates and other key material. Default <c>{root}/certificates</c>; read-only.</summary>
    public const string Certificates = "certificates";

    /// <summary>Scratch files. Default <c>{root}/tmp</c>; writable.</summary>
    public const string Temp = "temp";

    /// <summary>Gets the built-in location names in their canonical order.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } = [Root, Config, Data, Models, Logs, Cache, Certificates, Temp];
}
