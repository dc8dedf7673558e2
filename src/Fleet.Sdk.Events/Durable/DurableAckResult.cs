namespace Fleet.Sdk.Events;

/// <summary>The outcome of an acknowledgement.</summary>
internal enum DurableAckResult
{
    /// <summary>Acknowledged now: the group will not deliver the event again.</summary>
    Acknowledged,

    /// <summary>Pending nowhere any more: an earlier attempt of this acknowledgement got through.</summary>
    AlreadyAcknowledged,

    /// <summary>Not acknowledged by this consumer: the event was (or may have been) handed to another consumer of the group after the claim time.</summary>
    Refused,
}
