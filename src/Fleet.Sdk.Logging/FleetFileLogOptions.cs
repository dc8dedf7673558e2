namespace Fleet.Sdk.Logging;

/// <summary>File sink settings (<c>Fleet:Logging:File</c>): JSON lines under <c>{logs}/{agent}/</c>.</summary>
public sealed class FleetFileLogOptions
{
    /// <summary>Gets or sets a value indicating whether events are written to files.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the size at which a file is closed and a new one started.</summary>
    /// <value>The default value is 10 MiB.</value>
    public long FileSizeLimitBytes { get; set; } = LoggingConstants.DefaultFileSizeLimitBytes;

    /// <summary>Gets or sets how many files are kept, the current one included; older ones are deleted.</summary>
    /// <value>The default value is 10.</value>
    public int RetainedFileCount { get; set; } = LoggingConstants.DefaultRetainedFileCount;

    /// <summary>Gets or sets the cap on the bytes of the agent's log directory; the oldest files are deleted first.</summary>
    /// <value>The default value is 100 MiB.</value>
    public long TotalSizeLimitBytes { get; set; } = LoggingConstants.DefaultTotalSizeLimitBytes;

    /// <summary>Gets or sets how often buffered events are flushed to the file (and a vanished file is noticed).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan FlushInterval { get; set; } = LoggingConstants.DefaultFlushInterval;

    /// <summary>Gets or sets the directory, relative to the PathManager <c>logs</c> location unless absolute.</summary>
    /// <value>The default value is <see langword="null"/>: <c>{logs}/{agent}</c>, one directory per agent so agents never race for a quota.</value>
    public string? Directory { get; set; }
}
