namespace Fleet.Sdk.Coordination;

/// <summary>How to reach the fleet's Redis (<c>Fleet:Coordination:Redis</c>): standalone servers, or Sentinel.</summary>
public sealed class RedisCoordinationOptions
{
    /// <summary>
    /// Gets or sets the servers without secrets, StackExchange.Redis style: <c>10.0.0.2:6379</c>, or several
    /// comma-separated. Leave it empty when <see cref="Sentinels"/> is set. A StackExchange.Redis Sentinel
    /// string (sentinels plus <c>serviceName=NAME</c>) also works and is treated as Sentinel.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets the Sentinel endpoints, comma-separated (<c>10.0.0.2:26379,10.0.0.3:26379,10.0.0.4:26379</c>).
    /// The connection asks them for the master of <see cref="ServiceName"/> and follows it when it switches.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no Sentinel.</value>
    public string? Sentinels { get; set; }

    /// <summary>
    /// Gets or sets addresses the servers hand out (Sentinel's answer for the master, the replicas a master lists)
    /// that this machine must dial at another address, for NAT, port forwarding or a proxy:
    /// <c>announced=dialled</c>, comma-separated, each <c>host:port</c>
    /// (<c>10.0.0.5:6379=203.0.113.5:16379</c>). Other addresses are dialled as they are.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: no mapping.</value>
    public string? AddressMap { get; set; }

    /// <summary>Gets or sets the master's name in Sentinel (<c>sentinel monitor NAME ...</c>).</summary>
    /// <value>The default value is <c>fleet</c>.</value>
    public string ServiceName { get; set; } = "fleet";

    /// <summary>Gets or sets the name of the secret holding the password (read through <c>ISecretStore</c>: a file, never the command line).</summary>
    /// <value>The default value is <c>redis-password</c>; a missing secret means no password.</value>
    public string PasswordSecret { get; set; } = "redis-password";

    /// <summary>Gets or sets a value indicating whether connections use TLS.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Tls { get; set; }

    /// <summary>Gets or sets how long connecting may take before a call fails.</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long one operation may wait for Redis (registrations, lease changes, appends).</summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how many replicas must confirm a GPU lease grant or a durable append (<c>WAIT</c>) before it
    /// is acknowledged. A write no replica confirmed in <see cref="ReplicaAckTimeout"/> fails with the
    /// coordination error (it may still be applied on the master, and retried appends are idempotent).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: 1 with <see cref="Sentinels"/>, 0 without.</value>
    public int? MinReplicaAcks { get; set; }

    /// <summary>Gets or sets how long a write waits for its replica confirmations.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan ReplicaAckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets a value indicating whether Sentinel is configured (<see cref="Sentinels"/>, or <c>serviceName=</c> in <see cref="ConnectionString"/>).</summary>
    public bool UsesSentinel => HasSentinels || (ConnectionString?.Contains("serviceName=", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>Gets the replica confirmations a write that matters waits for.</summary>
    public int EffectiveMinReplicaAcks => MinReplicaAcks ?? (UsesSentinel ? 1 : 0);

    internal bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString) || UsesSentinel;

    /// <summary>Gets a value indicating whether <see cref="Sentinels"/> is set.</summary>
    internal bool HasSentinels => !string.IsNullOrWhiteSpace(Sentinels);

    /// <summary>Gets the endpoint text for messages: the servers, or the sentinels and service name.</summary>
    internal string Endpoint => HasSentinels ? $"sentinel {ServiceName}@{Sentinels}" : ConnectionString ?? string.Empty;
}
