using Microsoft.Extensions.Configuration;

namespace Fleet.Sdk.Config;

/// <summary>
/// A Microsoft.Extensions.Configuration source for the fleet topology: the topology files and
/// the machine's override, interpolated and validated, as keys under <c>Fleet:Topology</c>,
/// <c>Fleet:Agent</c>, <c>Fleet:Machine</c> and the topology's <c>settings</c> under <c>Fleet:</c>.
/// </summary>
/// <remarks>
/// Loading fails with a <see cref="FleetConfigurationException"/> listing every problem when a file
/// is unusable or the topology has errors: nothing is loaded. With <see cref="ReloadOnChange"/>,
/// a change to a topology, override or <c>.env</c> file reloads it; a reload that fails keeps the
/// last good data and raises <see cref="FleetTopologyConfigurationProvider.ReloadFailed"/>.
/// </remarks>
public sealed class FleetTopologyConfigurationSource : IConfigurationSource
{
    /// <summary>Gets or sets what to load: the files, the machine whose view to load, the environment.</summary>
    /// <value>The default value is options with no files.</value>
    public FleetTopologyLoadOptions LoadOptions { get; set; } = new();

    /// <summary>Gets or sets the agent this process runs, whose definition is copied under <c>Fleet:Agent</c>.</summary>
    /// <value>The default value is <see langword="null"/>: no <c>Fleet:Agent</c> keys.</value>
    public string? Agent { get; set; }

    /// <summary>Gets or sets a value indicating whether the files are watched and reloaded when they change.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>Gets or sets how long to wait after a change before reloading, so a file being written is read whole.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the time provider used to delay reloads.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets a value indicating whether a failed first load is kept for the host to report at
    /// start (<c>AddFleetConfiguration</c> sets it) instead of thrown while the configuration is built.
    /// </summary>
    internal bool DeferLoadErrors { get; set; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new FleetTopologyConfigurationProvider(this);
}
