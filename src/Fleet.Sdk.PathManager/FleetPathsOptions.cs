using System.Diagnostics.CodeAnalysis;

namespace Fleet.Sdk.PathManager;

/// <summary>
/// What an agent sets in code about its directories. Values set here win over the environment
/// (<c>FLEET_&lt;NAME&gt;_DIR</c>) and configuration (<c>Fleet:Paths:&lt;Name&gt;</c>).
/// </summary>
public sealed class FleetPathsOptions
{
    private readonly Dictionary<string, FleetLocationOptions> _locations = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates options holding the built-in locations with their defaults.</summary>
    public FleetPathsOptions()
    {
        foreach (var name in FleetLocations.BuiltIn)
        {
            _locations[name] = new FleetLocationOptions
            {
                DefaultPath = FleetPathsConstants.DefaultRelativePath(name),
                Writable = FleetPathsConstants.IsWritableByDefault(name),
            };
        }
    }

    /// <summary>Gets every location by name (case-insensitive): the built-in ones and those added with <see cref="AddLocation"/>.</summary>
    public IReadOnlyDictionary<string, FleetLocationOptions> Locations => _locations;

    /// <summary>
    /// Gets or sets a value indicating whether missing writable locations are created at start-up.
    /// When <see langword="false"/>, a missing writable location is a start-up error.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CreateDirectories { get; set; } = true;

    /// <summary>Gets or sets the root directory in code. See <see cref="FleetLocations.Root"/>.</summary>
    public string? Root { get => Get(FleetLocations.Root); set => Set(FleetLocations.Root, value); }

    /// <summary>Gets or sets the configuration directory in code. See <see cref="FleetLocations.Config"/>.</summary>
    public string? Config { get => Get(FleetLocations.Config); set => Set(FleetLocations.Config, value); }

    /// <summary>Gets or sets the data directory in code. See <see cref="FleetLocations.Data"/>.</summary>
    public string? Data { get => Get(FleetLocations.Data); set => Set(FleetLocations.Data, value); }

    /// <summary>Gets or sets the models directory in code. See <see cref="FleetLocations.Models"/>.</summary>
    public string? Models { get => Get(FleetLocations.Models); set => Set(FleetLocations.Models, value); }

    /// <summary>Gets or sets the logs directory in code. See <see cref="FleetLocations.Logs"/>.</summary>
    public string? Logs { get => Get(FleetLocations.Logs); set => Set(FleetLocations.Logs, value); }

    /// <summary>Gets or sets the cache directory in code. See <see cref="FleetLocations.Cache"/>.</summary>
    public string? Cache { get => Get(FleetLocations.Cache); set => Set(FleetLocations.Cache, value); }

    /// <summary>Gets or sets the certificates directory in code. See <see cref="FleetLocations.Certificates"/>.</summary>
    public string? Certificates { get => Get(FleetLocations.Certificates); set => Set(FleetLocations.Certificates, value); }

    /// <summary>Gets or sets the temp directory in code. See <see cref="FleetLocations.Temp"/>.</summary>
    public string? Temp { get => Get(FleetLocations.Temp); set => Set(FleetLocations.Temp, value); }

    /// <summary>
    /// Adds a location of the agent's own, found like the built-in ones: <c>FLEET_&lt;NAME&gt;_DIR</c>,
    /// then <c>Fleet:Paths:&lt;Name&gt;</c>, then <paramref name="defaultPath"/>.
    /// </summary>
    /// <param name="name">Letters, digits and underscores, starting with a letter, for example <c>embeddings</c>.</param>
    /// <param name="defaultPath">The default, relative to the root location unless absolute; the name when <see langword="null"/>.</param>
    /// <param name="writable">Whether the agent writes there (created and checked at start-up).</param>
    /// <returns>The location's options, to set more of them.</returns>
    /// <exception cref="ArgumentException">The name is not valid or is already declared.</exception>
    public FleetLocationOptions AddLocation(string name, string? defaultPath = null, bool writable = false)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid location name: use letters, digits and underscores, starting with a letter (for example 'embeddings').",
                nameof(name));
        }

        if (_locations.ContainsKey(name))
        {
            throw new ArgumentException($"A location named '{name}' is already declared; set its options through Locations[\"{name}\"] instead.", nameof(name));
        }

        var location = new FleetLocationOptions { DefaultPath = defaultPath ?? name.ToLowerInvariant(), Writable = writable };
        _locations[name] = location;
        return location;
    }

    /// <summary>Gets a value indicating whether <paramref name="name"/> is a valid location name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when it is letters, digits and underscores, starting with a letter.</returns>
    public static bool IsValidName([NotNullWhen(true)] string? name) =>
        !string.IsNullOrEmpty(name) && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private string? Get(string name) => _locations[name].Path;

    private void Set(string name, string? value) => _locations[name].Path = value;
}
