namespace Fleet.Sdk.Config;

/// <summary>One reason a configuration could not be loaded, with where it is.</summary>
/// <param name="Location">Where the problem is: a file with line and column, or a key.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record FleetConfigurationError(SourceLocation Location, string Message)
{
    /// <inheritdoc />
    /// <remarks>Control characters are escaped (<c>\e</c>, <c>\n</c>...), so a name in a file cannot forge a line of output.</remarks>
    public override string ToString() => FleetConfigurationErrors.Printable(Location.IsUnknown ? Message : $"{Location}: {Message}");
}

/// <summary>
/// The fleet configuration could not be loaded, or holds errors: every problem found is listed,
/// each with its location and how to fix it. Nothing of the configuration was loaded.
/// </summary>
public sealed class FleetConfigurationException : Exception
{
    /// <summary>Creates the exception with a message only.</summary>
    public FleetConfigurationException()
        : this("The fleet configuration is invalid.")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">The message.</param>
    public FleetConfigurationException(string message)
        : this(message, [], [])
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FleetConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
        Diagnostics = [];
    }

    /// <summary>Creates the exception listing every problem.</summary>
    /// <param name="message">The whole message, listing the problems.</param>
    /// <param name="errors">The load errors (malformed files, wrong types, unknown schema, missing files).</param>
    /// <param name="diagnostics">The validation errors, when the files loaded but the configuration is invalid.</param>
    public FleetConfigurationException(string message, IReadOnlyList<FleetConfigurationError> errors, IReadOnlyList<FleetDiagnostic> diagnostics)
        : base(message)
    {
        Errors = errors;
        Diagnostics = diagnostics;
    }

    /// <summary>Gets the load errors: files that are missing, unreadable, malformed, of an unknown schema, or hold values of the wrong type.</summary>
    public IReadOnlyList<FleetConfigurationError> Errors { get; }

    /// <summary>Gets the validation errors (rule violations of severity <see cref="FleetDiagnosticSeverity.Error"/>).</summary>
    public IReadOnlyList<FleetDiagnostic> Diagnostics { get; }
}
