namespace Fleet.Sdk.Messaging;

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
