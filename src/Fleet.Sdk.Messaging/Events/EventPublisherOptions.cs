namespace Fleet.Sdk.Messaging;

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
