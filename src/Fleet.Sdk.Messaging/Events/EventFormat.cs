namespace Fleet.Sdk.Messaging;

/// <summary>How events are framed on the wire.</summary>
public enum EventFormat
{
    /// <summary>
    /// <c>[topic][fleet.event/1 header][payload]</c>: the header carries the publisher's id and a
    /// sequence number per topic, so subscribers detect missed messages. Fleet.Sdk subscribers only.
    /// </summary>
    Fleet,

    /// <summary>
    /// <c>[topic][payload]</c>, as the Python agents publish and expect (<c>topic, data = recv_multipart()</c>).
    /// Use it for topics Python agents subscribe to; no gap detection.
    /// </summary>
    Legacy,
}
