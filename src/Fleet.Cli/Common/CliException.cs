namespace Fleet.Cli;

/// <summary>An error a command reports to the user as one line, with the exit code to end with.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.UsageError)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException(string message, Exception innerException, int exitCode = ExitCodes.UsageError)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>Gets the exit code the command ends with.</summary>
    public int ExitCode { get; }
}
