namespace Fleet.Sdk.Logging;

/// <summary>Background queue settings (<c>Fleet:Logging:Queue</c>).</summary>
public sealed class FleetAsyncLogOptions
{
    /// <summary>Gets or sets the number of events the queue holds before it drops (or blocks).</summary>
    /// <value>The default value is 10000.</value>
    public int Capacity { get; set; } = LoggingConstants.DefaultQueueCapacity;

    /// <summary>Gets or sets a value indicating whether a full queue blocks the logging thread instead of dropping (drops are counted and reported).</summary>
    /// <value>The default value is <see langword="false"/>: logging never slows the agent down.</value>
    public bool BlockWhenFull { get; set; }
}
