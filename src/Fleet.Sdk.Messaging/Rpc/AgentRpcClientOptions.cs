namespace Fleet.Sdk.Messaging;

/// <summary>
/// A service the agent calls, bound from <c>Fleet:Messaging:Services:&lt;name&gt;</c>: its
/// endpoints (failover in order), protocol, CURVE server key, deadline, retries and circuit breaker.
/// </summary>
public sealed class AgentRpcClientOptions
{
    /// <summary>Gets the endpoints of the service's instances, preferred first; calls fail over down the list.</summary>
    /// <value>The default value is empty (at least one is required).</value>
    public IList<string> Endpoints { get; } = [];

    /// <summary>Gets or sets the wire protocol.</summary>
    /// <value>The default value is <see cref="AgentRpcProtocol.Legacy"/>, which every agent understands.</value>
    public AgentRpcProtocol Protocol { get; set; } = AgentRpcProtocol.Legacy;

    /// <summary>
    /// Gets or sets the server's CURVE public key: the name of its public certificate in
    /// <c>Fleet:Security:CertificatesDirectory</c>, a path to a certificate file, or the 40-character
    /// Z85 key itself. When set, the client uses CURVE with the agent's own certificate.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: plaintext (loopback, ipc and inproc only, unless the security policy allows more).</value>
    public string? ServerKey { get; set; }

    /// <summary>Gets or sets the deadline of a whole call, retries included. A dead peer costs at most this.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan Timeout { get; set; } = MessagingConstants.DefaultCallTimeout;

    /// <summary>Gets or sets the deadline of one attempt; <see langword="null"/> shares <see cref="Timeout"/> equally between the attempts, so a dead first endpoint leaves time to fail over.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>Gets or sets how many times a failed attempt (timeout, endpoint unavailable) is retried, on the next healthy endpoint. Retried requests may run twice: retry only idempotent actions, or set 0.</summary>
    /// <value>The default value is 2.</value>
    public int MaxRetries { get; set; } = MessagingConstants.DefaultMaxRetries;

    /// <summary>Gets or sets the base delay before a retry; it grows exponentially with jitter.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = MessagingConstants.DefaultRetryDelay;

    /// <summary>Gets or sets the share of failed attempts, within <see cref="CircuitBreakerSamplingDuration"/>, that opens an endpoint's circuit.</summary>
    /// <value>The default value is 0.5.</value>
    public double CircuitBreakerFailureRatio { get; set; } = MessagingConstants.DefaultFailureRatio;

    /// <summary>Gets or sets how many attempts an endpoint must see in the sampling window before its circuit can open.</summary>
    /// <value>The default value is 4.</value>
    public int CircuitBreakerMinimumThroughput { get; set; } = MessagingConstants.DefaultMinimumThroughput;

    /// <summary>Gets or sets the window over which failures are counted.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = MessagingConstants.DefaultSamplingDuration;

    /// <summary>Gets or sets how long an open circuit keeps calls away from an endpoint before one trial call.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = MessagingConstants.DefaultBreakDuration;
}
