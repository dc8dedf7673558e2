using System.Text;

namespace Fleet.Sdk.Config;

/// <summary>How serious a finding is.</summary>
public enum FleetDiagnosticSeverity
{
    /// <summary>Worth knowing; nothing to fix necessarily.</summary>
    Info,

    /// <summary>Works, but is risky or deprecated: fix it.</summary>
    Warning,

    /// <summary>The configuration is wrong and must not be used.</summary>
    Error,
}

/// <summary>A validation rule: a stable id, a severity, and what to do about a violation.</summary>
/// <param name="Id">The stable id, <c>FLEET0xx</c>.</param>
/// <param name="Name">A short kebab-case name, for example <c>port-conflict</c>.</param>
/// <param name="Severity">How serious a violation is.</param>
/// <param name="Summary">What the rule checks, one sentence.</param>
public sealed record FleetRule(string Id, string Name, FleetDiagnosticSeverity Severity, string Summary)
{
    /// <inheritdoc />
    public override string ToString() => $"{Id} {Name}";
}

/// <summary>Another location involved in a finding, with what is there.</summary>
/// <param name="Location">The location.</param>
/// <param name="Note">What is at that location, for example <c>ServiceRegistry port 7200</c>.</param>
public readonly record struct FleetRelatedLocation(SourceLocation Location, string Note);

/// <summary>One finding of validation: which rule, where, what is wrong, and how to fix it.</summary>
public sealed record FleetDiagnostic
{
    /// <summary>Gets the rule that was violated.</summary>
    public required FleetRule Rule { get; init; }

    /// <summary>Gets what is wrong, naming the agents, ports and machines involved.</summary>
    public required string Message { get; init; }

    /// <summary>Gets the main location.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>Gets the other locations involved (every occurrence of an undefined variable, the other side of a conflict...).</summary>
    public IReadOnlyList<FleetRelatedLocation> Related { get; init; } = [];

    /// <summary>Gets how to fix it.</summary>
    public string Fix { get; init; } = string.Empty;

    /// <summary>Gets the agents involved.</summary>
    public IReadOnlyList<string> Agents { get; init; } = [];

    /// <summary>Gets the ports involved.</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    /// <summary>Gets the machine involved, if one.</summary>
    public string? Machine { get; init; }

    /// <summary>Gets the rule's id.</summary>
    public string Id => Rule.Id;

    /// <summary>Gets the rule's severity.</summary>
    public FleetDiagnosticSeverity Severity => Rule.Severity;

    /// <summary>Formats the diagnostic as lines: <c>error FLEET020 file:line:col: message</c>, then each related location, then the fix.</summary>
    /// <remarks>Control characters of each part are escaped (<c>\e</c>, <c>\n</c>...): only the lines above are ever printed.</remarks>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(SeverityName(Severity)).Append(' ').Append(Id).Append(' ');
        if (!Location.IsUnknown)
        {
            builder.Append(FleetConfigurationErrors.Printable(Location.ToString())).Append(": ");
        }

        builder.Append(FleetConfigurationErrors.Printable(Message));
        foreach (var related in Related)
        {
            builder.Append('\n').Append("    at ").Append(FleetConfigurationErrors.Printable(related.Location.ToString())).Append(": ").Append(FleetConfigurationErrors.Printable(related.Note));
        }

        if (Fix.Length > 0)
        {
            builder.Append('\n').Append("    fix: ").Append(FleetConfigurationErrors.Printable(Fix));
        }

        return builder.ToString();
    }

    /// <summary>Gets the lower-case name of a severity: <c>error</c>, <c>warning</c>, <c>info</c>.</summary>
    /// <param name="severity">The severity.</param>
    /// <returns>The name.</returns>
    public static string SeverityName(FleetDiagnosticSeverity severity) => severity switch
    {
        FleetDiagnosticSeverity.Error => "error",
        FleetDiagnosticSeverity.Warning => "warning",
        _ => "info",
    };
}
