using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>How <see cref="NatsServer"/> finds, configures and waits for nats-server.</summary>
public sealed class NatsServerOptions
{
    /// <summary>Gets or sets the nats-server binary to run.</summary>
    /// <value>The default value is <see langword="null"/>: search PATH, then /usr/sbin, /usr/bin and /usr/local/bin.</value>
    public string? ExecutablePath { get; set; }

    /// <summary>Gets or sets the loopback address the server binds (client, cluster and monitoring ports).</summary>
    /// <value>The default value is <c>127.0.0.1</c>.</value>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Gets or sets the client port.</summary>
    /// <value>The default value is 0: a free port.</value>
    public int Port { get; set; }

    /// <summary>Gets or sets the server's name (unique in a cluster).</summary>
    /// <value>The default value is <see langword="null"/>: <c>n</c> and the client port.</value>
    public string? ServerName { get; set; }

    /// <summary>Gets or sets the cluster's name; set it with <see cref="ClusterPort"/> to run the server as a cluster node.</summary>
    /// <value>The default value is <c>fleet</c>.</value>
    public string ClusterName { get; set; } = "fleet";

    /// <summary>Gets or sets the port other nodes' routes dial; 0 runs the server alone.</summary>
    /// <value>The default value is 0.</value>
    public int ClusterPort { get; set; }

    /// <summary>
    /// Gets the routes to the other nodes (<c>nats-route://host:port</c>). Nodes do not advertise their own
    /// addresses (<c>no_advertise</c>), so cluster traffic uses exactly these routes: point them at fault proxies
    /// to make a partition cut the cluster.
    /// </summary>
    public IList<string> Routes { get; } = [];

    /// <summary>Gets or sets how long to wait for the server to accept clients after a start or restart.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets extra lines for the server's configuration file.</summary>
    public IList<string> ExtraConfiguration { get; } = [];

    /// <summary>Gets or sets where the server's lifecycle is logged (event ids 9040-9049).</summary>
    /// <value>The default value is <see langword="null"/>: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock used to poll for readiness.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
