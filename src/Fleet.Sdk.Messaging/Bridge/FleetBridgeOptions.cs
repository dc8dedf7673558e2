namespace Fleet.Sdk.Messaging;

/// <summary>One bridge of a primary/backup pair, bound from <c>Fleet:Bridge</c>.</summary>
public sealed class FleetBridgeOptions
{
    /// <summary>Gets or sets the bridge's name, shown to clients and in logs.</summary>
    /// <value>The default value is <see langword="null"/>: <c>bridge-</c> and the role.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the bridge's role in its pair.</summary>
    /// <value>The default value is <see cref="BridgeRole.Primary"/>.</value>
    public BridgeRole Role { get; set; } = BridgeRole.Primary;

    /// <summary>Gets or sets the endpoint publishers connect to (an XSUB socket binds it), for example <c>tcp://10.0.0.5:5600</c>.</summary>
    public string FrontendEndpoint { get; set; } = string.Empty;

    /// <summary>Gets or sets the endpoint subscribers connect to (an XPUB socket binds it), for example <c>tcp://10.0.0.5:5601</c>.</summary>
    public string BackendEndpoint { get; set; } = string.Empty;

    /// <summary>Gets or sets the peer bridge's backend endpoint, where its beacons are heard; <see langword="null"/> for a bridge without a peer.</summary>
    public string? PeerEndpoint { get; set; }

    /// <summary>Gets or sets the peer's public CURVE key (Z85, or a certificate name in the trusted directory) when the peer's endpoints use CURVE.</summary>
    public string? PeerServerKey { get; set; }

    /// <summary>Gets or sets a value indicating whether the frontend and backend are CURVE servers (required for endpoints other machines reach).</summary>
    /// <value>The default value is <see langword="false"/>; the security policy refuses plaintext beyond loopback.</value>
    public bool UseCurve { get; set; }

    /// <summary>Gets or sets how often the bridge announces its state.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan BeaconInterval { get; set; } = BridgeDefaults.BeaconInterval;

    /// <summary>Gets or sets how long the peer may stay silent before it counts as lost.</summary>
    /// <value>The default value is 600 milliseconds; at least three beacon intervals.</value>
    public TimeSpan PeerTimeout { get; set; } = BridgeDefaults.Timeout;

    /// <summary>Gets or sets how long forwarded <c>fleet.event/1</c> events are kept to send again to a subscriber that connects or reconnects (it drops the ones it had).</summary>
    /// <value>The default value is 3 seconds; <see cref="TimeSpan.Zero"/> turns replay off.</value>
    public TimeSpan ReplayWindow { get; set; } = TimeSpan.FromSeconds(3);

    internal string EffectiveName => string.IsNullOrWhiteSpace(Name) ? $"bridge-{Role.ToString().ToLowerInvariant()}" : Name;

    /// <summary>Checks the options; returns every problem, each naming the setting and a working value.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(FrontendEndpoint))
        {
            problems.Add("Fleet:Bridge:FrontendEndpoint is not set: give the endpoint publishers connect to, for example tcp://10.0.0.5:5600.");
        }

        if (string.IsNullOrWhiteSpace(BackendEndpoint))
        {
            problems.Add("Fleet:Bridge:BackendEndpoint is not set: give the endpoint subscribers connect to, for example tcp://10.0.0.5:5601.");
        }

        if (BeaconInterval <= TimeSpan.Zero)
        {
            problems.Add($"Fleet:Bridge:BeaconInterval is {BeaconInterval}; it must be positive (for example 00:00:00.100).");
        }
        else if (PeerTimeout < 3 * BeaconInterval)
        {
            problems.Add($"Fleet:Bridge:PeerTimeout ({PeerTimeout}) must be at least three beacon intervals ({3 * BeaconInterval}), or one late beacon causes a take-over.");
        }

        if (ReplayWindow < TimeSpan.Zero)
        {
            problems.Add($"Fleet:Bridge:ReplayWindow is {ReplayWindow}; it must be zero (no replay) or positive (for example 00:00:03).");
        }

        return problems;
    }
}
