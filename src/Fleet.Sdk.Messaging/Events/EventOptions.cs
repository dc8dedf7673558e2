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

/// <summary>Where and how an <see cref="EventPublisher"/> publishes.</summary>
public sealed class EventPublisherOptions
{
    /// <summary>Gets the endpoints to bind (the usual case: subscribers connect to the publisher).</summary>
    public IList<string> BindEndpoints { get; } = [];

    /// <summary>Gets the endpoints to connect to (for example an XSUB/XPUB proxy).</summary>
    public IList<string> ConnectEndpoints { get; } = [];

    /// <summary>Gets or sets the framing.</summary>
    /// <value>The default value is <see cref="EventFormat.Fleet"/>.</value>
    public EventFormat Format { get; set; } = EventFormat.Fleet;

    /// <summary>Gets or sets a value indicating whether bound endpoints are CURVE servers (the agent's certificate; subscribers must be in the allow-list).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UseCurve { get; set; }

    /// <summary>Gets or sets the CURVE key of the server the connect endpoints lead to (certificate name, path or Z85 key).</summary>
    /// <value>The default value is <see langword="null"/>: plaintext.</value>
    public string? ServerKey { get; set; }
}

/// <summary>What an <see cref="EventSubscriber"/> listens to.</summary>
public sealed class EventSubscriberOptions
{
    /// <summary>Gets the publishers' endpoints; libzmq connects, and reconnects after failures, in the background.</summary>
    public IList<string> Endpoints { get; } = [];

    /// <summary>Gets the topic prefixes to receive; empty receives everything.</summary>
    public IList<string> Topics { get; } = [];

    /// <summary>Gets or sets the publishers' CURVE key (certificate name, path or Z85 key); the subscriber uses the agent's own certificate.</summary>
    /// <value>The default value is <see langword="null"/>: plaintext.</value>
    public string? ServerKey { get; set; }
}
