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

/// <summary>A dependency of the agent (<c>Fleet:Hosting:Dependencies:&lt;name&gt;</c>).</summary>
public sealed class FleetHostDependencyOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the agent cannot start without it. A missing required
    /// dependency fails start-up naming it; a missing optional one starts the agent degraded.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the <c>required</c> flag of that agent in the topology, else optional.</value>
    public bool? Required { get; set; }

    /// <summary>Gets or sets how long start-up waits for it.</summary>
    /// <value>The default value is <see langword="null"/>: the topology's <c>timeout_seconds</c>, else <see cref="FleetHostingOptions.DependencyTimeout"/>.</value>
    public TimeSpan? Timeout { get; set; }

    /// <summary>
    /// Gets or sets the endpoint probed with <c>health_check</c>, for example <c>tcp://10.0.0.5:7200</c>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the endpoints of <c>Fleet:Messaging:Services:&lt;name&gt;</c>, else the <c>rpc</c> endpoint discovery resolves.</value>
    public string? Endpoint { get; set; }
}

internal static class HostingConstants
{
    public const string SectionName = "Fleet:Hosting";

    public const string DefaultAdminTokenSecret = "admin-token";

    public static readonly TimeSpan DefaultDependencyTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultDependencyCheckInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static readonly string[] DefaultMeters = ["Fleet.", "System.Runtime"];
}
