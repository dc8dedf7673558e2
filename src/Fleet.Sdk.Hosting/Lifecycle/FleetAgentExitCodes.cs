namespace Fleet.Sdk.Hosting;

/// <summary>
/// The process exit codes of <c>RunFleetAgentAsync</c>, so that a supervisor (systemd, Docker,
/// the legacy launcher) can tell what happened without reading the logs.
/// </summary>
public static class FleetAgentExitCodes
{
    /// <summary>Stopped on request (SIGTERM, Ctrl+C, <c>StopApplication</c>) after every request in flight finished.</summary>
    public const int Success = 0;

    /// <summary>An unexpected error stopped the agent; the log has the exception.</summary>
    public const int UnexpectedError = 1;

    /// <summary>The configuration is invalid (every problem is listed on standard error and in the log). Fix it; restarting will not help.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>A required dependency did not answer within its deadline; the message names it. A supervisor may restart later.</summary>
    public const int RequiredDependencyUnavailable = 3;

    /// <summary>An endpoint could not be bound (address in use, address not on this machine).</summary>
    public const int EndpointUnavailable = 4;

    /// <summary>Stopped, but requests still running at the shutdown deadline (<c>Fleet:Hosting:ShutdownTimeout</c>) were cancelled.</summary>
    public const int ShutdownTimedOut = 5;

    /// <summary>The security policy refused to start (missing or exposed certificate, plaintext on a public address...).</summary>
    public const int SecurityPolicy = 6;
}
