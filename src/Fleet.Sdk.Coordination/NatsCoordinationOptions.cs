namespace Fleet.Sdk.Coordination;

/// <summary>How to reach the fleet's NATS JetStream servers (<c>Fleet:Coordination:Nats</c>).</summary>
public sealed class NatsCoordinationOptions
{
    /// <summary>
    /// Gets or sets the servers, comma-separated (<c>nats://10.0.0.2:4222,nats://10.0.0.3:4223,nats://10.0.0.4:4222</c>).
    /// The client connects to one and moves to another when it is lost.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Servers { get; set; }

    /// <summary>Gets or sets the user name, when the servers require one (its password is the secret <see cref="PasswordSecret"/>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? User { get; set; }

    /// <summary>Gets or sets the name of the secret holding the password (or the token when <see cref="User"/> is not set).</summary>
    /// <value>The default value is <c>nats-password</c>; a missing secret means no password.</value>
    public string PasswordSecret { get; set; } = "nats-password";

    /// <summary>Gets or sets a value indicating whether connections require TLS.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Tls { get; set; }

    /// <summary>Gets or sets how many servers keep a copy of each stream and bucket.</summary>
    /// <value>The default value is <see langword="null"/>: 3 when <see cref="Servers"/> lists three or more servers, otherwise 1.</value>
    public int? Replicas { get; set; }

    /// <summary>Gets or sets how long connecting may take before a call fails.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long one operation may wait for the servers.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how often the client pings its server. With <see cref="MaxPingsOut"/> pings unanswered the
    /// connection counts as lost (a silent link or a hung server is noticed within about that many intervals) and the
    /// client moves to another server in the list.
    /// </summary>
    /// <value>The default value is 1 second (NATS.Net's own default is 2 minutes).</value>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many pings may go unanswered before the connection counts as lost.</summary>
    /// <value>The default value is 2.</value>
    public int MaxPingsOut { get; set; } = 2;

    /// <summary>Gets the servers as a list.</summary>
    public IReadOnlyList<string> ServerList =>
        (Servers ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Gets the replicas of each stream and bucket.</summary>
    public int EffectiveReplicas => Replicas ?? (ServerList.Count >= 3 ? 3 : 1);

    internal bool IsConfigured => ServerList.Count > 0;
}
