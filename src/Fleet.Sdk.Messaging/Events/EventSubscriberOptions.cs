namespace Fleet.Sdk.Messaging;

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
