using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>How <see cref="NatsCluster"/> lays out and starts its nodes.</summary>
public sealed class NatsClusterOptions
{
    /// <summary>Gets the machines that each run one node (created in the <see cref="FleetCluster"/> when missing).</summary>
    /// <value>The default value is <c>mainpc</c>, <c>pc2</c> and <c>pc3</c>: three voters, so one can be lost.</value>
    public IList<string> Machines { get; } = ["mainpc", "pc2", "pc3"];

    /// <summary>Gets or sets the nats-server binary to run.</summary>
    /// <value>The default value is <see langword="null"/>: search PATH, then /usr/sbin, /usr/bin and /usr/local/bin.</value>
    public string? ExecutablePath { get; set; }

    /// <summary>Gets or sets the cluster's name.</summary>
    /// <value>The default value is <c>fleet</c>.</value>
    public string ClusterName { get; set; } = "fleet";

    /// <summary>
    /// Gets or sets how often a node pings its clients and routes (<c>ping_interval</c>); with <c>ping_max: 2</c>
    /// unanswered a silent link (a dropped partition keeps TCP open) is closed within about three intervals.
    /// </summary>
    /// <value>The default value is 1 second (nats-server's own default is 2 minutes).</value>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long one node may take to accept clients, and the cluster to elect its JetStream leader.</summary>
    /// <value>The default value is 60 seconds (a loaded 2-core machine is slow).</value>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets extra lines for every node's configuration file.</summary>
    public IList<string> ExtraConfiguration { get; } = [];

    /// <summary>Gets or sets where the cluster's lifecycle is logged (event ids 9040-9059).</summary>
    /// <value>The default value is <see langword="null"/>: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock used to poll.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
