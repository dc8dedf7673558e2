namespace Fleet.Sdk.Messaging;

/// <summary>Whether a bridge forwards events.</summary>
public enum BridgeState
{
    /// <summary>Receives, but forwards nothing; ready to take over.</summary>
    Passive,

    /// <summary>Forwards events from publishers to subscribers.</summary>
    Active,
}
