using System.Text;

namespace Fleet.Sdk.Config;

/// <summary>
/// A <c>.env</c> file: <c>NAME=value</c> lines, <c>export NAME=value</c>, <c>#</c> comments, values
/// unquoted (trimmed, a <c> #</c> starts a comment), single-quoted (literal) or double-quoted
/// (<c>\n</c>, <c>\t</c>, <c>\"</c>, <c>\\</c> escapes). Values are not interpolated.
/// </summary>
public sealed class DotEnvFile : IEnvironmentVariables
{
    private readonly Dictionary<string, string> _values;

    private DotEnvFile(string path, IReadOnlyList<DotEnvEntry> entries)
    {
        Path = path;
        Entries = entries;
        _values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            _values[entry.Name] = entry.Value;
        }
    }

    /// <summary>Gets the path the file was read from.</summary>
    public string Path { get; }

    /// <summary>Gets the variables in file order; a later line for the same name wins.</summary>
    public IReadOnlyList<DotEnvEntry> Entries { get; }

    /// <inheritdoc />
    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Reads and parses a <c>.env</c> file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The variables.</returns>
    /// <exception cref="FleetConfigurationException">The file is missing, unreadable, or has a malformed line (every one is listed with its line).</exception>
    public static DotEnvFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new List<FleetConfigurationError>();
        var file = TryLoad(path, errors);
        return file ?? throw FleetConfigurationErrors.LoadFailed(errors);
    }

    /// <summary>Parses the text of a <c>.env</c> file.</summary>
    /// <param name="path">The name to give in locations.</param>
    /// <param name="text">The text.</param>
    /// <returns>The variables.</returns>
    /// <exception cref="FleetConfigurationException">A line is malformed (every one is listed with its line).</exception>
    public static DotEnvFile Parse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<FleetConfigurationError>();
        var file = Parse(path, text, errors);
        return errors.Count == 0 ? file : throw FleetConfigurationErrors.LoadFailed(errors);
    }

    internal static DotEnvFile? TryLoad(string path, List<FleetConfigurationError> errors)
    {
        if (DocumentReader.ReadBounded(path, errors, allowEmpty: true) is not { } bytes)
        {
            return null;
        }

        string text;
        try
        {
            text = DocumentReader.StrictUtf8.GetString(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(FleetConfigurationErrors.NotUtf8(path));
            return null;
        }

        var before = errors.Count;
        var file = Parse(path, text, errors);
        return errors.Count == before ? file : null;
    }

    private static DotEnvFile Parse(string path, string text, List<FleetConfigurationError> errors)
    {
        var entries = new List<DotEnvEntry>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            var location = new SourceLocation(path, i + 1, line.Length - trimmed.Length + 1);
            if (trimmed.StartsWith("export ", StringComparison.Ordinal))
            {
                trimmed = trimmed[7..].TrimStart();
            }

            var equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.Add(new FleetConfigurationError(location, $"'{FleetConfigurationErrors.Truncate(trimmed, 40)}' is not NAME=value: every line of a .env file sets one variable (or is a # comment)."));
                continue;
            }

            var name = trimmed[..equals].TrimEnd();
            if (!IsValidName(name))
            {
                errors.Add(new FleetConfigurationError(location, $"'{FleetConfigurationErrors.Truncate(name, 40)}' is not a valid variable name: use letters, digits and '_', not starting with a digit."));
                continue;
            }

            if (TryParseValue(trimmed[(equals + 1)..], out var value, out var error))
            {
                entries.Add(new DotEnvEntry(name, value, location));
            }
            else
            {
                errors.Add(new FleetConfigurationError(location, $"{name}: {error}"));
            }
        }

        return new DotEnvFile(path, entries);
    }

    /// <summary>Gets a value indicating whether <paramref name="name"/> is a valid variable name: letters, digits and <c>_</c>, not starting with a digit.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool TryParseValue(string raw, out string value, out string error)
    {
        error = string.Empty;
        var text = raw.Trim();
        if (text.Length > 0 && (text[0] == '\'' || text[0] == '"'))
        {
            var quote = text[0];
            var builder = new StringBuilder();
            for (var i = 1; i < text.Length; i++)
            {
                var c = text[i];
                if (c == quote)
                {
                    var rest = text[(i + 1)..].TrimStart();
                    if (rest.Length > 0 && rest[0] != '#')
                    {
                        value = string.Empty;
                        error = $"unexpected text after the closing quote: '{FleetConfigurationErrors.Truncate(rest, 40)}'.";
                        return false;
                    }

                    value = builder.ToString();
                    return true;
                }

                if (quote == '"' && c == '\\' && i + 1 < text.Length)
                {
                    i++;
                    builder.Append(text[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => text[i] });
                    continue;
                }

                builder.Append(c);
            }

            value = string.Empty;
            error = $"the value opens a {quote} quote that is never closed on this line.";
            return false;
        }

        var comment = text.IndexOf(" #", StringComparison.Ordinal);
        value = (comment >= 0 ? text[..comment] : text).Trim();
        return true;
    }
}

/// <summary>One variable of a <see cref="DotEnvFile"/>.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Value">The value, unquoted.</param>
/// <param name="Location">Where it is set.</param>
public readonly record struct DotEnvEntry(string Name, string Value, SourceLocation Location);
