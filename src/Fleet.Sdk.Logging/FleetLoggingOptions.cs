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
