using Fleet.Sdk.Config;

namespace Fleet.Sdk.Messaging;

/// <summary>The defaults of Fleet.Sdk.Messaging, in one place (documented in docs/messaging.md).</summary>
internal static class MessagingConstants
{
    public const string SectionName = "Fleet:Messaging";

    public const string DefaultZapDomain = "fleet";

    public const int DefaultHighWatermark = 1000;

    /// <summary>
    /// 1 MiB: the fleet's JSON requests, replies and events are kilobytes, and bulk data travels by
    /// reference (a path, a key). libzmq allocates a frame's full declared size when its header
    /// arrives, so this also bounds what one stalled connection can hold: connections × this.
    /// </summary>
    public const long DefaultMaxMessageSize = 1024L * 1024;

    /// <summary>How far over MaxMessageSize (at most) a request still arrives, to get a clear too_large reply instead of a dropped connection.</summary>
    public const long MaxMessageSizeSlack = 64L * 1024;

    /// <summary>
    /// 8 KiB: the largest frame a publishing socket accepts. Its peers only send subscriptions (a
    /// topic prefix) and handshake commands; libzmq decodes a frame this small in its 8 KiB receive
    /// batch, and drops a connection that announces a larger one before allocating it.
    /// </summary>
    public const long SubscriptionFrameLimit = 8 * 1024;

    /// <summary>Connections one RPC server accepts at once: every agent of a large fleet, with room for tools.</summary>
    public const int DefaultMaxConnectionsPerServer = 256;

    /// <summary>Inbound connections all the servers of one context accept at once.</summary>
    public const int DefaultMaxConnections = 1024;

    public const int DefaultTcpKeepAliveCount = 3;

    public const int DefaultMaxConcurrentRequests = 64;

    public const int DefaultMaxRetries = 2;

    public const double DefaultFailureRatio = 0.5;

    public const int DefaultMinimumThroughput = 4;

    public static readonly TimeSpan DefaultLinger = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultHeartbeatTimeout = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan DefaultReconnectInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan DefaultReconnectIntervalMax = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultHandshakeTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultTcpKeepAliveIdle = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan DefaultTcpKeepAliveInterval = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultHandlerTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan DefaultSamplingDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The name an agent reports when none is configured: the fleet identity's agent, from the process environment (the agent host passes the one from its configuration).</summary>
    public static string DefaultAgentName() => FleetIdentity.Resolve(configuration: null).Agent;
}
