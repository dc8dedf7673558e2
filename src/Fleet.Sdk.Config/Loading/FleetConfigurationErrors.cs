using System.Buffers;
using System.Globalization;
using System.Text;

namespace Fleet.Sdk.Config;

/// <summary>Builds every exception and load error message of the package, so wording stays consistent.</summary>
internal static class FleetConfigurationErrors
{
    public const string SchemaHint =
        "A topology file is either the unified schema (top-level 'version: 1' with 'machines:' and 'agents:'), " +
        "or a legacy file with 'agent_groups:' (MainPC) or 'pc2_services:' (PC2). See docs/config.md.";

    public static FleetConfigurationException LoadFailed(IReadOnlyList<FleetConfigurationError> errors)
    {
        var lines = errors.Select(e => "  " + e);
        return new FleetConfigurationException(
            $"The fleet configuration could not be loaded ({Count(errors.Count, "problem")}); nothing was loaded:{Environment.NewLine}" +
            string.Join(Environment.NewLine, lines),
            errors,
            []);
    }

    public static FleetConfigurationException Invalid(IReadOnlyList<FleetDiagnostic> errors)
    {
        var lines = errors.Select(d => "  " + d.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
        return new FleetConfigurationException(
            $"The fleet configuration is invalid ({Count(errors.Count, "error")}); fix every one, then start again:{Environment.NewLine}" +
            string.Join(Environment.NewLine, lines),
            [],
            errors);
    }

    public static FleetConfigurationError FileNotFound(string path) =>
        new(SourceLocation.Of(path), "file not found: check the path, or set FLEET_CONFIG_DIR (legacy CONFIG_DIR) to the directory that holds it.");

    public static FleetConfigurationError IsDirectory(string path) =>
        new(SourceLocation.Of(path), "is a directory, not a file: give the topology file inside it (for example fleet.yaml).");

    public static FleetConfigurationError Unreadable(string path, Exception ex) =>
        new(SourceLocation.Of(path), $"cannot be read: {ex.Message} Check its permissions (the agent's user needs read access).");

    public static FleetConfigurationError Empty(string path) =>
        new(new SourceLocation(path, 1, 1), "is empty. " + SchemaHint);

    public static FleetConfigurationError EmptyOrNotRegular(string path) =>
        new(SourceLocation.Of(path), "is not a regular file with content: it is empty, or a FIFO, socket or device (such as /dev/zero), which is never read. " +
            "Give the topology file itself (a symbolic link to one is fine).");

    public static FleetConfigurationError TooLarge(string path, int maxBytes) =>
        new(SourceLocation.Of(path), $"is larger than {maxBytes / (1024 * 1024)} MiB, the limit for a configuration file: " +
            "split the topology into several files (see 'Input limits' in docs/config.md).");

    public static FleetConfigurationError TooManyValues(SourceLocation location, long max) =>
        new(location, $"holds more than {max.ToString("N0", CultureInfo.InvariantCulture)} values (not counting aliases), the limit for one file: " +
            "a topology holds far fewer; split it into several files (see 'Input limits' in docs/config.md).");

    public static FleetConfigurationError NotUtf8(string path) =>
        new(new SourceLocation(path, 1, 1), "is not UTF-8 text: save it as UTF-8.");

    public static FleetConfigurationError Malformed(SourceLocation location, string format, string detail) =>
        new(location, $"malformed {format}: {detail}");

    public static FleetConfigurationError WrongType(FleetValue value, string path, string expected) =>
        new(value.Location, $"'{path}' must be {expected}, but is {Describe(value)}.");

    public static FleetConfigurationError Describe(SourceLocation location, string message) => new(location, message);

    public static string Describe(FleetValue value) => value switch
    {
        FleetScalar { IsNull: true } => "null",
        FleetScalar s => $"'{Truncate(s.Value!)}'",
        _ => value.KindName,
    };

    public static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    /// <summary>
    /// Makes text safe to print on a terminal or in a line-based log: control characters (ESC, CR, LF...),
    /// line and paragraph separators and bidirectional overrides are written as escapes (<c>\e</c>, <c>\n</c>,
    /// <c>\u202E</c>), so a name in a file can neither forge a line of output nor recolour it.
    /// </summary>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.AsSpan().ContainsAny(Unprintable))
        {
            return text ?? string.Empty;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\u001b':
                    builder.Append("\\e");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    if (Unprintable.Contains(c))
                    {
                        builder.Append(c <= '\u00ff' ? $"\\x{(int)c:X2}" : $"\\u{(int)c:X4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    private static readonly SearchValues<char> Unprintable = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(i => (char)i)) + "\u007f" +
        string.Concat(Enumerable.Range(0x80, 0x20).Select(i => (char)i)) +
        "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069");

    public static string Truncate(string text, int max = 80) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "...");
}
