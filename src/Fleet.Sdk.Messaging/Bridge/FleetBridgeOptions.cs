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

/// <summary>The bridges of a pair as a client sees them, bound from <c>Fleet:Bridge:Client</c>.</summary>
public sealed class FleetBridgeClientOptions
{
    /// <summary>Gets the bridges, usually the primary and the backup.</summary>
    public IList<BridgeEndpoint> Bridges { get; } = [];

    /// <summary>Gets the topic prefixes a subscriber receives; empty for every topic.</summary>
    public IList<string> Topics { get; } = [];

    /// <summary>Gets or sets how often a publisher tells the bridges it is there (and, with no active bridge, votes for a take-over).</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan HeartbeatInterval { get; set; } = BridgeDefaults.BeaconInterval;

    /// <summary>Gets or sets how long the followed bridge may stay silent before the publisher counts it as lost.</summary>
    /// <value>The default value is 600 milliseconds.</value>
    public TimeSpan BridgeTimeout { get; set; } = BridgeDefaults.Timeout;

    /// <summary>Gets or sets how long a publisher keeps sent events to send again after a fail-over (subscribers drop the duplicates).</summary>
    /// <value>The default value is 3 seconds: more than detection plus take-over.</value>
    public TimeSpan ResendWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets or sets the most events a publisher holds while no bridge is active; beyond it the oldest are dropped and counted.</summary>
    /// <value>The default value is 10,000.</value>
    public int MaxBuffered { get; set; } = 10_000;

    /// <summary>Checks the options; returns every problem.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>();
        if (Bridges.Count == 0)
        {
            problems.Add("Fleet:Bridge:Client:Bridges is empty: list the primary and backup bridges (Frontend and Backend endpoints of each).");
        }

        for (var i = 0; i < Bridges.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Bridges[i].Frontend) || string.IsNullOrWhiteSpace(Bridges[i].Backend))
            {
                problems.Add($"Fleet:Bridge:Client:Bridges:{i} needs both Frontend (where publishers connect) and Backend (where subscribers connect).");
            }
        }

        if (HeartbeatInterval <= TimeSpan.Zero || BridgeTimeout < 3 * HeartbeatInterval)
        {
            problems.Add($"Fleet:Bridge:Client: HeartbeatInterval ({HeartbeatInterval}) must be positive and BridgeTimeout ({BridgeTimeout}) at least three of them.");
        }

        if (ResendWindow < BridgeTimeout)
        {
            problems.Add($"Fleet:Bridge:Client:ResendWindow ({ResendWindow}) must be at least BridgeTimeout ({BridgeTimeout}), or events sent to a bridge that died are not sent again.");
        }

        if (MaxBuffered < 1)
        {
            problems.Add($"Fleet:Bridge:Client:MaxBuffered is {MaxBuffered}; it must be at least 1 (for example 10000).");
        }

        return problems;
    }
}

/// <summary>Where a client reaches one bridge.</summary>
public sealed class BridgeEndpoint
{
    /// <summary>Gets or sets the bridge's frontend, where publishers connect.</summary>
    public string Frontend { get; set; } = string.Empty;

    /// <summary>Gets or sets the bridge's backend, where subscribers connect.</summary>
    public string Backend { get; set; } = string.Empty;

    /// <summary>Gets or sets the bridge's public CURVE key (Z85, or a certificate name in the trusted directory), or <see langword="null"/> for plaintext on loopback.</summary>
    public string? ServerKey { get; set; }
}

/// <summary>The one way bridge option problems are reported: all at once, to start-up or to a constructor.</summary>
internal static class BridgeProblems
{
    public static Microsoft.Extensions.Options.ValidateOptionsResult ToResult(List<string> problems) =>
        problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);

    /// <summary>Throws when there are problems, listing every one.</summary>
    public static void ThrowIfAny(List<string> problems, string what, string parameter)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException($"The {what} is not configured correctly:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems), parameter);
        }
    }
}

/// <summary>The bridge's default timings.</summary>
internal static class BridgeDefaults
{
    public static readonly TimeSpan BeaconInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(600);
}
