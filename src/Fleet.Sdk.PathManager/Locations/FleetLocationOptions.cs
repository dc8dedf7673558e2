namespace Fleet.Sdk.PathManager;

/// <summary>How one named location is found and what the agent needs of it.</summary>
public sealed class FleetLocationOptions
{
    /// <summary>
    /// Gets or sets the directory set in code. It wins over the environment and configuration;
    /// leave it <see langword="null"/> to let deployments decide.
    /// Relative paths are relative to the root location (the root itself: to the content root).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Path { get; set; }

    /// <summary>
    /// Gets or sets the directory used when nothing else sets this location, relative to the root
    /// location unless absolute. Never hard-code an absolute default: it is what broke containers.
    /// </summary>
    /// <value>The default value is the location's name, for example <c>models</c>.</value>
    public string? DefaultPath { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the agent writes here. A writable location is created
    /// when missing and checked for write access at start-up; a read-only one is never written to,
    /// so read-only roots with mounted volumes work.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Writable { get; set; }
}
