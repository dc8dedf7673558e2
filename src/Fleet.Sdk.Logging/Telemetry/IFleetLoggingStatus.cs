namespace Fleet.Sdk.Logging;

/// <summary>What the logging pipeline could not do, since the agent started. Health checks and admin endpoints read it.</summary>
public interface IFleetLoggingStatus
{
    /// <summary>Gets the number of events dropped because the background queue was full.</summary>
    long DroppedEvents { get; }

    /// <summary>Gets the number of exceptions sinks threw (each one contained; the other sinks kept writing).</summary>
    long SinkFailures { get; }

    /// <summary>Gets the number of events the file sink could not write (disk full, directory gone).</summary>
    long LostEvents { get; }

    /// <summary>Gets the number of times a log file was reopened after it or its directory vanished.</summary>
    long FilesReopened { get; }

    /// <summary>Gets the number of old log files deleted to keep within the count and size caps.</summary>
    long FilesDeleted { get; }
}
