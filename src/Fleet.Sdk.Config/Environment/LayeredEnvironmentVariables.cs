namespace Fleet.Sdk.Config;

/// <summary>Variables read from several sources in order: the first source that sets a name wins.</summary>
/// <remarks>
/// The topology loader reads the process environment first, then <c>.env</c> files, then the
/// <c>variables:</c> defaults of the topology file.
/// </remarks>
public sealed class LayeredEnvironmentVariables : IEnvironmentVariables
{
    private readonly IEnvironmentVariables[] _layers;

    /// <summary>Creates the layers, highest precedence first.</summary>
    /// <param name="layers">The sources, highest precedence first.</param>
    public LayeredEnvironmentVariables(params IEnvironmentVariables[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = [.. layers];
    }

    /// <summary>Gets the layers, highest precedence first.</summary>
    public IReadOnlyList<IEnvironmentVariables> Layers => _layers;

    /// <inheritdoc />
    public string? Get(string name)
    {
        foreach (var layer in _layers)
        {
            var value = layer.Get(name);
            if (value is not null)
            {
                return value;
            }
        }

        return null;
    }
}
