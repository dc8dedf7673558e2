using Microsoft.Extensions.Logging;

namespace Fleet.Sdk.Testing;

/// <summary>The machines of a <see cref="FleetCluster"/> and the Toxiproxy server that carries its links.</summary>
public sealed class FleetClusterOptions
{
    /// <summary>Gets the machines to create at start, in order (addresses 127.0.0.2, 127.0.0.3...).</summary>
    /// <value>The default value is empty.</value>
    public IList<string> Machines { get; } = [];

    /// <summary>Gets or sets a Toxiproxy server to create the links on instead of an in-process <see cref="FaultProxyServer"/>.</summary>
    /// <value>The default value is <see langword="null"/>: <c>TOXIPROXY_URL</c> when set, else an in-process server.</value>
    public Uri? ToxiproxyUrl { get; set; }

    /// <summary>Gets or sets a value indicating whether <c>TOXIPROXY_URL</c> is honoured when <see cref="ToxiproxyUrl"/> is not set.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseToxiproxyFromEnvironment { get; set; } = true;

    /// <summary>Gets or sets where the cluster and its in-process proxy log (event ids 9000-9039).</summary>
    /// <value>The default value is <see langword="null"/>: nothing is logged.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock for <see cref="FleetCluster.FlapAsync"/> and the in-process proxy's toxics.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
