namespace Fleet.Sdk.Messaging;

/// <summary>The agent's RPC server, bound from <c>Fleet:Messaging:Server</c>.</summary>
public sealed class AgentRpcServerOptions
{
    /// <summary>
    /// Gets the endpoints the server binds, for example <c>tcp://10.0.0.5:7200</c>; port <c>*</c>
    /// picks a free one. A host starts the server only when there is at least one.
    /// </summary>
    /// <value>The default value is empty: no server.</value>
    public IList<string> Endpoints { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether the server is a CURVE server (clients must be in the
    /// allow-list). <see langword="null"/> means: CURVE when <c>Fleet:Security:CertificateName</c> is
    /// set, plaintext otherwise (which the security policy allows only on loopback, ipc and inproc).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public bool? UseCurve { get; set; }

    /// <summary>Gets or sets the ZAP domain of the server's CURVE socket, shown in refusal logs.</summary>
    /// <value>The default value is <c>fleet</c>.</value>
    public string ZapDomain { get; set; } = MessagingConstants.DefaultZapDomain;

    /// <summary>Gets or sets how many requests may run at once; beyond it the server stops reading and libzmq queues (then drops at the high-water mark).</summary>
    /// <value>The default value is 64.</value>
    public int MaxConcurrentRequests { get; set; } = MessagingConstants.DefaultMaxConcurrentRequests;

    /// <summary>
    /// Gets or sets how many connections the server accepts at once; beyond it a new connection is
    /// closed as soon as it is accepted (logged, event 4034). Each connection may hold one partial
    /// frame of up to <c>MaxMessageSize</c> plus 64 KiB, so this bounds the server's memory too.
    /// </summary>
    /// <value>The default value is 256.</value>
    public int MaxConnections { get; set; } = MessagingConstants.DefaultMaxConnectionsPerServer;

    /// <summary>
    /// Gets or sets a value indicating whether handlers start on the server's socket thread instead
    /// of the thread pool. Faster (no thread hop), but a handler that blocks before its first
    /// <c>await</c> then delays every other request, health checks included.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool InlineHandlers { get; set; }

    /// <summary>
    /// Gets or sets how long a handler may run when the request carries no deadline (every legacy
    /// request). At the deadline the handler's token is cancelled and the caller gets a <c>timeout</c> error.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan HandlerTimeout { get; set; } = MessagingConstants.DefaultHandlerTimeout;
}
