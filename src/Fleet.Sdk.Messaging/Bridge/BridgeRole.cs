namespace Fleet.Sdk.Messaging;

/// <summary>The roles of the two bridges of a pair.</summary>
public enum BridgeRole
{
    /// <summary>Takes the lead when both start together.</summary>
    Primary,

    /// <summary>Takes over when the primary is lost.</summary>
    Backup,
}
