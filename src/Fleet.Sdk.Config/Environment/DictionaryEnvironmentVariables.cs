namespace Fleet.Sdk.Config;

/// <summary>
/// Environment variables held in a dictionary: for tests, and for tools that resolve
/// configuration for another machine than the one they run on.
/// </summary>
public sealed class DictionaryEnvironmentVariables : IEnvironmentVariables
{
    private readonly Dictionary<string, string> _values;

    /// <summary>Creates a set of variables from name/value pairs.</summary>
    /// <param name="values">The variables; later duplicates replace earlier ones.</param>
    public DictionaryEnvironmentVariables(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            _values[name] = value;
        }
    }

    /// <summary>Creates an empty set of variables.</summary>
    public DictionaryEnvironmentVariables()
        : this([])
    {
    }

    /// <inheritdoc />
    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;
}
