namespace Fleet.Cli;

/// <summary>The exit codes every <c>fleet</c> command uses.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Success = 0;

    /// <summary>The command ran and found problems (invalid configuration, no reply, refused).</summary>
    public const int Problems = 1;

    /// <summary>The command could not run: bad usage, unreadable or malformed input, I/O errors.</summary>
    public const int UsageError = 2;
}
