namespace Fleet.Sdk.Hosting;

/// <summary>
/// The agent host's settings, bound from <c>Fleet:Hosting</c>: its health port, how long it waits
/// for its dependencies, how long shutdown may drain, and who may use the admin endpoints.
/// Validated at start-up; every error names its key.
/// </summary>
public sealed class FleetHostingOptions
{
    /// <summary>
    /// Gets or sets the service name the agent registers in discovery and reports in <c>health_check</c>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the fleet identity's agent (<c>Fleet:Agent:Name</c>, else the host's application name; see <c>FleetIdentity</c>).</value>
    public string? ServiceName { get; set; }

    /// <summary>Gets or sets the instance id registered in discovery.</summary>
    /// <value>The default value is <see langword="null"/>: <c>{machine}-{process id}</c>.</value>
    public string? InstanceId { get; set; }

    /// <summary>
    /// Gets or sets the HTTP port of <c>/health</c>, <c>/alive</c>, <c>/metrics</c> and the admin
    /// endpoints; 0 picks a free port. <see langword="null"/> uses <c>Fleet:Agent:HealthPort</c>,
    /// and without it the agent serves no HTTP (health stays available over ZeroMQ).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? HealthPort { get; set; }

    /// <summary>Gets or sets the address the health port binds to.</summary>
    /// <value>The default value is <see langword="null"/>: <c>Fleet:Agent:Host</c>, else <c>127.0.0.1</c> (loopback only).</value>
    public string? HealthAddress { get; set; }

    /// <summary>Gets or sets how long start-up waits for a dependency that gives no timeout of its own.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan DependencyTimeout { get; set; } = HostingConstants.DefaultDependencyTimeout;

    /// <summary>Gets or sets how often the dependencies are probed once the agent runs (a lost one turns the agent degraded, a returning one healthy again).</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan DependencyCheckInterval { get; set; } = HostingConstants.DefaultDependencyCheckInterval;

    /// <summary>
    /// Gets the agent's dependencies by name, beside those the topology lists under
    /// <c>Fleet:Agent:Dependencies</c> (<c>Fleet:Hosting:Dependencies:&lt;name&gt;</c> wins for the same name).
    /// </summary>
    public IDictionary<string, FleetHostDependencyOptions> Dependencies { get; } =
        new Dictionary<string, FleetHostDependencyOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how long shutdown waits for in-flight requests before cancelling them.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan ShutdownTimeout { get; set; } = HostingConstants.DefaultShutdownTimeout;

    /// <summary>
    /// Gets or sets a value indicating whether the admin endpoints (<c>/admin/loglevels</c>,
    /// <c>/admin/drain</c>) answer callers that are not on loopback. They still need the bearer
    /// token (<see cref="AdminTokenSecret"/>), which then crosses the network in clear text over
    /// HTTP: keep this off unless the health port is on a trusted network.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowRemoteAdmin { get; set; }

    /// <summary>
    /// Gets or sets the name of the secret holding the admin endpoints' bearer token, read through
    /// the agent's secret store: the file named by <c>Fleet:Security:Secrets:&lt;name&gt;</c>, else
    /// <c>/run/secrets/&lt;name&gt;</c>. Without that secret (or with one shorter than 16
    /// characters) the admin endpoints are disabled; <c>/health</c>, <c>/alive</c> and
    /// <c>/metrics</c> stay open.
    /// </summary>
    /// <value>The default value is <c>admin-token</c>.</value>
    public string AdminTokenSecret { get; set; } = HostingConstants.DefaultAdminTokenSecret;

    /// <summary>Gets the meter name prefixes exported on <c>/metrics</c>.</summary>
    /// <value>The default value is <c>Fleet.</c> and <c>System.Runtime</c>.</value>
    public IList<string> Meters { get; } = [];
}
