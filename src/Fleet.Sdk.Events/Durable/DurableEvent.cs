namespace Fleet.Sdk.Events;

/// <summary>An event read from a durable stream by one consumer of a group.</summary>
/// <param name="Stream">The stream's name.</param>
/// <param name="Id">The event's id in the stream : the Redis entry id (for example <c>1700000000000-0</c>), or the JetStream or in-process sequence number (for example <c>42</c>); increasing with append order.</param>
/// <param name="Payload">The payload as appended.</param>
/// <param name="DeliveryCount">How many times the group delivered it: 1 the first time, more when it was taken over from a consumer that did not acknowledge it in time.</param>
public sealed record DurableEvent(string Stream, string Id, string Payload, long DeliveryCount)
{
    /// <summary>Gets a value indicating whether an earlier delivery was not acknowledged, so the work may have been partly done before.</summary>
    public bool IsRedelivery => DeliveryCount > 1;
}
