using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Logging;

/// <summary>Logging settings of an agent, bound from <c>Fleet:Logging</c>.</summary>
public sealed class FleetLoggingOptions
{
    /// <summary>Gets or sets the level below which nothing is logged, unless <see cref="Levels"/> says otherwise for a category.</summary>
    /// <value>The default value is <see cref="LogLevel.Information"/>.</value>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Information;

    /// <summary>Gets the levels of category prefixes, for example <c>Fleet:Logging:Levels:Fleet.Sdk.Messaging = Debug</c>. The longest matching prefix wins.</summary>
    public IDictionary<string, LogLevel> Levels { get; } = new Dictionary<string, LogLevel>(StringComparer.Ordinal);

    /// <summary>Gets or sets the agent name written on every event.</summary>
    /// <value>The default value is <see langword="null"/>: the fleet identity's agent (<c>Fleet:Agent:Name</c>, else the host's application name; see <c>FleetIdentity</c>).</value>
    public string? AgentName { get; set; }

    /// <summary>Gets or sets the machine name written on every event.</summary>
    /// <value>The default value is <see langword="null"/>: the fleet identity's machine (<c>Fleet:Machine:Name</c>, <c>Fleet:Agent:Machine</c>, else the OS host name; see <c>FleetIdentity</c>).</value>
    public string? MachineName { get; set; }

    /// <summary>Gets or sets the longest message or string property written, in characters; longer ones are cut and marked.</summary>
    /// <value>The default value is 32768.</value>
    public int MaxFieldLength { get; set; } = LoggingConstants.DefaultMaxFieldLength;

    /// <summary>Gets the console sink settings.</summary>
    public FleetConsoleLogOptions Console { get; } = new();

    /// <summary>Gets the file sink settings.</summary>
    public FleetFileLogOptions File { get; } = new();

    /// <summary>Gets the background queue settings.</summary>
    public FleetAsyncLogOptions Queue { get; } = new();

    /// <summary>Gets the redaction settings.</summary>
    public FleetRedactionOptions Redaction { get; } = new();
}

/// <summary>How events are written to the console.</summary>
public enum FleetConsoleFormat
{
    /// <summary>Readable text in the Development environment, JSON elsewhere.</summary>
    Auto,

    /// <summary>One readable line per event.</summary>
    Text,

    /// <summary>One JSON object per line, the same fields as the files.</summary>
    Json,
}

/// <summary>Console sink settings (<c>Fleet:Logging:Console</c>).</summary>
public sealed class FleetConsoleLogOptions
{
    /// <summary>Gets or sets a value indicating whether events go to standard output.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the console format.</summary>
    /// <value>The default value is <see cref="FleetConsoleFormat.Auto"/>.</value>
    public FleetConsoleFormat Format { get; set; } = FleetConsoleFormat.Auto;
}

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

/// <summary>Redaction settings (<c>Fleet:Logging:Redaction</c>).</summary>
public sealed class FleetRedactionOptions
{
    /// <summary>Gets or sets a value indicating whether secrets are masked. Turning it off is logged as a warning.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets more property-name fragments whose values are always masked, besides password, passwd, pwd, token, secret, credential, connection string and names ending in <c>key</c>.</summary>
    public IList<string> AdditionalPropertyNames { get; } = new List<string>();
}
