namespace Fleet.Sdk.Hosting;

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
