namespace Fleet.Sdk.Messaging;

/// <summary>
/// Messaging settings, bound from <c>Fleet:Messaging</c>: the defaults every socket gets, the
/// agent's RPC server (<see cref="Server"/>) and the services it calls (<see cref="Services"/>).
/// Validated at start-up; every error names its key.
/// </summary>
public sealed class FleetMessagingOptions
{
    /// <summary>Gets or sets the agent's name, reported by <c>health_check</c> and sent as the caller identity of its RPC calls.</summary>
    /// <value>The default value is <see langword="null"/>: the agent name of the fleet identity (<c>Fleet:Agent:Name</c>; the agent host fills it), else <c>FLEET__AGENT__NAME</c> or the entry assembly's name.</value>
    public string? AgentName { get; set; }

    /// <summary>Gets or sets how long a closed socket keeps trying to send what is queued. Never infinite: that would make shutdown hang.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan Linger { get; set; } = MessagingConstants.DefaultLinger;

    /// <summary>Gets or sets the outgoing queue limit per peer, in messages (0: unlimited).</summary>
    /// <value>The default value is 1000.</value>
    public int SendHighWatermark { get; set; } = MessagingConstants.DefaultHighWatermark;

    /// <summary>Gets or sets the incoming queue limit per peer, in messages (0: unlimited).</summary>
    /// <value>The default value is 1000.</value>
    public int ReceiveHighWatermark { get; set; } = MessagingConstants.DefaultHighWatermark;

    /// <summary>
    /// Gets or sets the largest message accepted, in bytes. The RPC server answers a larger request
    /// (up to this size plus the smaller of itself and 64 KiB) with a <c>too_large</c> error, and libzmq
    /// disconnects a peer that sends more. libzmq allocates a frame's declared size when its header
    /// arrives, so this also bounds the memory one stalled connection holds (docs/security.md).
    /// </summary>
    /// <value>The default value is 1 MiB (1048576): the fleet's JSON messages are kilobytes; send bulk data by reference.</value>
    public long MaxMessageSize { get; set; } = MessagingConstants.DefaultMaxMessageSize;

    /// <summary>
    /// Gets or sets how many inbound connections the RPC servers of this context accept at once, in
    /// total; beyond it a new connection is closed as soon as it is accepted (see docs/security.md).
    /// </summary>
    /// <value>The default value is 1024.</value>
    public int MaxConnections { get; set; } = MessagingConstants.DefaultMaxConnections;

    /// <summary>Gets or sets the ZMTP heartbeat interval that detects dead connections (zero: off).</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan HeartbeatInterval { get; set; } = MessagingConstants.DefaultHeartbeatInterval;

    /// <summary>Gets or sets how long a connection may stay silent after a heartbeat before it is dropped and reconnected.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan HeartbeatTimeout { get; set; } = MessagingConstants.DefaultHeartbeatTimeout;

    /// <summary>Gets or sets the first delay before reconnecting.</summary>
    /// <value>The default value is 100 milliseconds.</value>
    public TimeSpan ReconnectInterval { get; set; } = MessagingConstants.DefaultReconnectInterval;

    /// <summary>Gets or sets the longest delay between reconnection attempts (exponential back-off up to it).</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ReconnectIntervalMax { get; set; } = MessagingConstants.DefaultReconnectIntervalMax;

    /// <summary>Gets or sets how long a peer has to complete the ZMTP handshake (CURVE and ZAP included); a peer that connects and says nothing is dropped after it.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan HandshakeTimeout { get; set; } = MessagingConstants.DefaultHandshakeTimeout;

    /// <summary>Gets or sets how long one TCP connect may take before it is retried.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = MessagingConstants.DefaultConnectTimeout;

    /// <summary>Gets or sets a value indicating whether TCP keepalive probes run on idle connections.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool TcpKeepAlive { get; set; } = true;

    /// <summary>Gets or sets the idle time before the first TCP keepalive probe.</summary>
    /// <value>The default value is 60 seconds.</value>
    public TimeSpan TcpKeepAliveIdle { get; set; } = MessagingConstants.DefaultTcpKeepAliveIdle;

    /// <summary>Gets or sets the interval between TCP keepalive probes.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan TcpKeepAliveInterval { get; set; } = MessagingConstants.DefaultTcpKeepAliveInterval;

    /// <summary>Gets or sets how many unanswered keepalive probes close a connection.</summary>
    /// <value>The default value is 3.</value>
    public int TcpKeepAliveCount { get; set; } = MessagingConstants.DefaultTcpKeepAliveCount;

    /// <summary>Gets the agent's RPC server (<c>Fleet:Messaging:Server</c>); it runs in a host when it has endpoints.</summary>
    public AgentRpcServerOptions Server { get; } = new();

    /// <summary>Gets the services this agent calls, by name (<c>Fleet:Messaging:Services:&lt;name&gt;</c>), for <see cref="IAgentRpcClientFactory"/>.</summary>
    public IDictionary<string, AgentRpcClientOptions> Services { get; } = new Dictionary<string, AgentRpcClientOptions>(StringComparer.OrdinalIgnoreCase);
}
