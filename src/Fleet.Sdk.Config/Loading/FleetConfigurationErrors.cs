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

    public static string Truncate(string text, int max = 80) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "...");
}
