using System.Diagnostics.CodeAnalysis;

namespace Fleet.Sdk.PathManager;

/// <summary>
/// The agent's resolved directories. Resolved once at start-up, validated, then cached:
/// reading them is free and thread-safe. Every path is absolute and normalized.
/// </summary>
public interface IFleetPaths
{
    /// <summary>Gets the root directory.</summary>
    string Root { get; }

    /// <summary>Gets the configuration directory.</summary>
    string Config { get; }

    /// <summary>Gets the data directory.</summary>
    string Data { get; }

    /// <summary>Gets the models directory.</summary>
    string Models { get; }

    /// <summary>Gets the logs directory.</summary>
    string Logs { get; }

    /// <summary>Gets the cache directory.</summary>
    string Cache { get; }

    /// <summary>Gets the certificates directory.</summary>
    string Certificates { get; }

    /// <summary>Gets the temp directory.</summary>
    string Temp { get; }

    /// <summary>Gets every location, built-in ones first, with where its value came from.</summary>
    IReadOnlyList<FleetPathInfo> Locations { get; }

    /// <summary>Gets the directory of the location <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="name">A location name such as <c>models</c> or one the agent added.</param>
    /// <returns>The absolute directory.</returns>
    /// <exception cref="KeyNotFoundException">No location has that name; the message lists the known ones.</exception>
    string this[string name] { get; }

    /// <summary>Looks up the location <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="name">A location name.</param>
    /// <param name="location">The location, when found.</param>
    /// <returns><see langword="true"/> when the location exists.</returns>
    bool TryGetLocation(string name, [NotNullWhen(true)] out FleetPathInfo? location);

    /// <summary>
    /// Combines a location with a relative path, refusing any path that would leave the location
    /// (absolute paths, <c>..</c> segments that climb out).
    /// </summary>
    /// <param name="name">A location name such as <c>models</c>.</param>
    /// <param name="relativePath">A path inside the location, for example <c>llama/weights.gguf</c>.</param>
    /// <returns>The absolute, normalized path.</returns>
    /// <exception cref="ArgumentException">The path is absolute or leaves the location.</exception>
    /// <exception cref="KeyNotFoundException">No location has that name.</exception>
    string Combine(string name, string relativePath);
}
